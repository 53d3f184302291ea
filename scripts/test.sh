#!/usr/bin/env bash
# Run every test on a fresh machine: Python deps, the npm files the browser tests serve in
# place of CDNs, Debian's Chromium (installed when we are root), then pytest. Extra
# arguments go to pytest, e.g. `bash scripts/test.sh -m "not browser"`. mypy runs first.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install -r requirements-dev.txt

if [[ -f tests/browser/assets/package-lock.json ]]; then
    npm ci --prefix tests/browser/assets --no-audit --no-fund
else
    npm install --prefix tests/browser/assets --no-audit --no-fund
fi

# CHROMIUM_PATH names a browser of your own; otherwise the tests use Debian's.
if [[ -z "${CHROMIUM_PATH:-}" && ! -x /usr/bin/chromium ]]; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    else
        echo "Chromium is not at /usr/bin/chromium, so the browser tests will be skipped (and fail under CI=true)." >&2
        echo "Install it with: sudo apt-get install chromium (Debian/Ubuntu), or set CHROMIUM_PATH." >&2
    fi
fi

# Types first: strict on finder/ (see [tool.mypy] in pyproject.toml); a type error fails the run.
python -m mypy

status=0
python -m pytest "$@" || status=$?
if [[ "$status" == 5 ]]; then
    echo "pytest collected no tests: treating that as a failure." >&2
    exit 1
fi
exit "$status"
