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
if [ ! -x node_modules/.bin/redocly ]; then
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2
fi
npx --prefix "$here" redocly lint "$file" --config "$here/redocly.yaml" --format=stylish --max-problems=1000
