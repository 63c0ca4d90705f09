#!/usr/bin/env bash
# Install what the tests need (Python test extra, redis-server) and run them.
# Usage: bash tests/run.sh [--install-only] [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

if ! command -v redis-server >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    else
        echo "redis-server missing: install it (e.g. sudo apt-get install redis-server)" >&2
    fi
fi
"$PYTHON" -m pip install -q -e '.[test]'

if [ "${1:-}" = "--install-only" ]; then
    exit 0
fi

set +e
"$PYTHON" -m pytest "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
fi
exit "$rc"
