#!/usr/bin/env bash
# Lighthouse scores of the storefront's main pages (issue 15): home, search, a product page, in English and Korean, with
# the mobile (default) and desktop presets. Starts nothing itself: point it at a running Dots (a Release build, e.g.
#   dotnet run -c Release --no-launch-profile --project src/Dots -- --urls http://127.0.0.1:5090 --Seed:Demo=true \
#     --data-dir /tmp/dots-lh --ReloadStaticAssetsAtRuntime=false
# — the last flag serves a build's fingerprinted assets with the immutable caching a published app has; without it, a
# build (not a publish) answers them with no-cache and Lighthouse counts that against the page) and it prints one table row per page × language × preset with the four category scores. Not part of ./test.sh.
#
#   scripts/lighthouse.sh [BASE_URL] [OUT_DIR]        BASE_URL defaults to http://127.0.0.1:5090
#
# Environment: LH_DIR (where lighthouse@12.2.3 is or gets installed; default a folder under ${TMPDIR:-/tmp}),
# CHROME_PATH (default /usr/bin/chromium), LH_QUERY (the search query; default towel), LH_PRODUCT (a product path; default
# the first product the search finds), LH_LANGS (default "en ko"), LH_PRESETS (default "mobile desktop").
set -euo pipefail

BASE="${1:-http://127.0.0.1:5090}"
BASE="${BASE%/}"
OUT="${2:-$(mktemp -d "${TMPDIR:-/tmp}/dots-lighthouse.XXXXXX")}"
LH_DIR="${LH_DIR:-${TMPDIR:-/tmp}/dots-lighthouse-12.2.3}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
QUERY="${LH_QUERY:-towel}"
LANGS="${LH_LANGS:-en ko}"
PRESETS="${LH_PRESETS:-mobile desktop}"

if [[ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]]; then
  echo "installing lighthouse@12.2.3 in $LH_DIR" >&2
  mkdir -p "$LH_DIR"
  (cd "$LH_DIR" && { [[ -f package.json ]] || npm init -y >/dev/null; } && npm i -E --no-audit --no-fund lighthouse@12.2.3 >/dev/null)
fi
LIGHTHOUSE="$LH_DIR/node_modules/.bin/lighthouse"

if ! curl -fsS -o /dev/null "$BASE/health"; then
  echo "no Dots answers at $BASE (start one first; see the top of this script)" >&2
  exit 2
fi

PRODUCT="${LH_PRODUCT:-}"
if [[ -z "$PRODUCT" ]]; then
  PRODUCT="$(curl -fsS "$BASE/search?q=$QUERY" | grep -o 'href="/products/[^"]*"' | head -1 | sed 's/href="//; s/"$//')"
  [[ -n "$PRODUCT" ]] || { echo "the search for '$QUERY' found no product; set LH_PRODUCT" >&2; exit 2; }
fi

mkdir -p "$OUT"
declare -a PAGES=("home|/" "search|/search?q=$QUERY" "product|$PRODUCT")
uptime_before="$(uptime)"
printf '%-8s %-3s %-8s %11s %13s %14s %4s\n' page lang preset performance accessibility best-practices seo
for entry in "${PAGES[@]}"; do
  name="${entry%%|*}"
  path="${entry#*|}"
  for lang in $LANGS; do
    for preset in $PRESETS; do
      report="$OUT/$name-$lang-$preset"
      args=(--quiet --chrome-flags="--headless=new --no-sandbox --disable-gpu" --output=json --output=html --output-path="$report"
            --extra-headers="{\"Accept-Language\":\"$lang\"}" --max-wait-for-load=60000)
      [[ "$preset" == desktop ]] && args+=(--preset=desktop)
      if ! "$LIGHTHOUSE" "$BASE$path" "${args[@]}" >/dev/null 2>"$report.log"; then
        printf '%-8s %-3s %-8s failed (see %s)\n' "$name" "$lang" "$preset" "$report.log"
        continue
      fi
      node -e '
        const r = require(process.argv[1]);
        const s = k => r.categories[k].score === null ? "n/a" : Math.round(r.categories[k].score * 100);
        const row = [process.argv[2], process.argv[3], process.argv[4]];
        console.log(row[0].padEnd(8), row[1].padEnd(3), row[2].padEnd(8),
          String(s("performance")).padStart(11), String(s("accessibility")).padStart(13),
          String(s("best-practices")).padStart(14), String(s("seo")).padStart(4));
        const lost = Object.values(r.audits).filter(a => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative"
          && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable").map(a => a.id);
        if (lost.length) console.log("         below 0.9: " + lost.join(", "));
      ' "$report.report.json" "$name" "$lang" "$preset"
    done
  done
done
echo "load before: $uptime_before"
echo "load after:  $(uptime)"
echo "reports: $OUT"
