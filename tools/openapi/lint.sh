#!/usr/bin/env bash
# Lints an OpenAPI document with Redocly's recommended ruleset (see redocly.yaml and ADR 0013).
# Starts nothing: the document comes from OpenApiTests (DOTS_OPENAPI_OUT), test.sh passes its path here.
# Exits non-zero when the linter reports an error.
set -euo pipefail
if [ $# -ne 1 ] || [ ! -s "$1" ]; then
  echo "usage: $0 path/to/openapi.json (a non-empty file)" >&2
  exit 2
fi
file=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
# No usage data sent and no update notice from a test run.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
if [ ! -x node_modules/.bin/redocly ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2
fi
# --no: the pinned CLI from package-lock.json or nothing, never a fresh download.
npx --no --prefix "$here" redocly lint "$file" --config "$here/redocly.yaml" --format=stylish --max-problems=1000
