#!/usr/bin/env bash
# The one test command: installs what the tests need, starts a throwaway PostgreSQL on 127.0.0.1,
# runs every test project (the platform's tests on SQLite and again on PostgreSQL), and stops what it started.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '\n==> %s\n' "$*" >&2; }

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  log "Installing ${need[*]} from Debian"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
PGDATA=$(mktemp -d /tmp/dots-pg.XXXXXX)
PGPORT=${DOTS_TEST_PGPORT:-54329}
RESULTS=$(mktemp -d /tmp/dots-results.XXXXXX)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGDATA"; fi

stop_pg() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap stop_pg EXIT

log "Starting a throwaway PostgreSQL ($PGBIN) on 127.0.0.1:$PGPORT"
as_pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" -l "$PGDATA/server.log" -w start >/dev/null
export DOTS_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Maximum Pool Size=50"

log "Building"
dotnet build Dots.slnx -nologo -v quiet -clp:ErrorsOnly

status=0
run() {
  local name=$1; shift
  log "Testing $name"
  if ! dotnet test "$@" --no-build -nologo --logger "trx;LogFilePrefix=$name" --results-directory "$RESULTS" -v quiet; then status=1; fi
}
run routing tests/Dots.Routing.Tests
run forecast tests/Dots.Forecast.Tests
run recommend tests/Dots.Recommend.Tests
DOTS_TEST_PROVIDER=sqlite DOTS_OPENAPI_OUT="$RESULTS/openapi.json" run platform-sqlite tests/Dots.Tests
log "Linting the OpenAPI document (Redocly, recommended rules)"
if [ ! -s "$RESULTS/openapi.json" ] || ! tools/openapi/lint.sh "$RESULTS/openapi.json"; then status=1; fi
DOTS_TEST_PROVIDER=postgres run platform-postgres tests/Dots.Tests
run browser tests/Dots.Browser.Tests

# One plain closing line across every run, counted from the result files.
python3 - "$RESULTS" <<'PY' || true
import glob, re, sys
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<Counters [^>]*', text)
    if not m: continue
    c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)); s += int(c.get("notExecuted", 0))
    # A failure's own words, so a CI log says why, not only which.
    for r in re.finditer(r'<UnitTestResult [^>]*testName="([^"]*)"[^>]*outcome="Failed".*?</UnitTestResult>', text, re.S):
        msg = re.search(r'<Message>(.*?)</Message>', r.group(0), re.S)
        st = re.search(r'<StackTrace>(.*?)</StackTrace>', r.group(0), re.S)
        unesc = lambda t: t.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
        print(f"\nFAILED {unesc(r.group(1))}")
        if msg: print("  " + "\n  ".join(unesc(msg.group(1)).strip().splitlines()[:40]))
        if st: print("  " + "\n  ".join(unesc(st.group(1)).strip().splitlines()[:15]))
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
rm -rf "$RESULTS"
exit $status
