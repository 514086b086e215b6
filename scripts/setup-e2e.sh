#!/usr/bin/env bash
# Installs the real, pinned MCP clients that the end-to-end tests (tests/tests/e2e_*.rs) drive:
#
#   tests/e2e/node_modules   the MCP Inspector CLI, the TypeScript SDK (and its server-everything),
#                            the conformance suite (0.1.x,
#                            and the 0.2.0 prerelease with the 2026-07-28 requirement set) and a
#                            Node 22 for what needs it, exactly as tests/e2e/package-lock.json says
#                            (npm ci)
#   tests/e2e/.venv-mcp1     the Python SDK `mcp` 1.x, exactly as tests/e2e/requirements-mcp1.txt says
#   tests/e2e/.venv-mcp2     the Python SDK `mcp` 2.x, exactly as tests/e2e/requirements-mcp2.txt says
#
# Idempotent and fast when already done: each install leaves a copy of the file it installed from
# (`.e2e-installed-from`) and is skipped while that copy still matches; the Rust tests check the
# same copies and fail, pointing here, when an install is missing or stale.
#
# Needs Node 20.18.1+ with npm, and Python 3.10+ with venv (python3.11 preferred; PYTHON overrides).
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"

STAMP=.e2e-installed-from

say() { printf 'setup-e2e: %s\n' "$*"; }
die() { printf 'setup-e2e: error: %s\n' "$*" >&2; exit 1; }

# ---- Node: the Inspector CLI, the TypeScript SDK, the conformance suite ----------------------
command -v node >/dev/null || die "node not found: install Node.js 20 (20.18.1 or newer) with npm"
command -v npm >/dev/null || die "npm not found: install Node.js 20 (20.18.1 or newer) with npm"
# The conformance suite needs undici 7, which needs Node 20.18.1.
node -e '
    const [major, minor, patch] = process.versions.node.split(".").map(Number);
    process.exit(major > 20 || (major === 20 && (minor > 18 || (minor === 18 && patch >= 1))) ? 0 : 1);
' || die "node is $(node --version); the pinned clients need Node 20.18.1 or newer"

# What npm ci must have installed (the Rust tests look for the same paths).
node_installed() {
    [ -x node_modules/.bin/mcp-inspector ] \
        && [ -x node_modules/@modelcontextprotocol/conformance/dist/index.js ] \
        && [ -x node_modules/conformance-2026/dist/index.js ] \
        && [ -x node_modules/node22/bin/node ] \
        && [ -f node_modules/inspector-2/clients/launcher/build/index.js ] \
        && [ -f node_modules/@modelcontextprotocol/sdk/package.json ] \
        && [ -f node_modules/@modelcontextprotocol/server-everything/dist/index.js ] \
        && [ -f node_modules/@modelcontextprotocol/client/package.json ]
}
if cmp -s package-lock.json "node_modules/$STAMP" && node_installed; then
    say "node_modules up to date with package-lock.json"
else
    say "npm ci (tests/e2e)"
    rm -f "node_modules/$STAMP"
    npm ci --no-audit --no-fund --loglevel=error
    node_installed || die "npm ci did not install both Inspector and both conformance releases, node22 and @modelcontextprotocol/sdk"
    cp package-lock.json "node_modules/$STAMP"
fi

# ---- Python: the SDK, both major versions ------------------------------------------------------
python=${PYTHON:-}
if [ -z "$python" ]; then
    for candidate in python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null; then python=$candidate; break; fi
    done
fi
[ -n "$python" ] || die "no python3 found: install Python 3.11 (or set PYTHON)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "$python is $("$python" --version 2>&1); the mcp SDK needs Python 3.10 or newer (set PYTHON)"

for major in 1 2; do
    venv=.venv-mcp$major
    requirements=requirements-mcp$major.txt
    if cmp -s "$requirements" "$venv/$STAMP" && [ -x "$venv/bin/python" ]; then
        say "$venv up to date with $requirements"
        continue
    fi
    say "creating $venv from $requirements"
    # Start afresh rather than upgrade in place, so nothing of an older pin lingers.
    rm -rf "$venv"
    "$python" -m venv "$venv" || die "python -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
    "$venv/bin/python" -c 'import mcp.client.sse, mcp.client.streamable_http' \
        || die "$venv cannot import mcp.client.sse and mcp.client.streamable_http"
    cp "$requirements" "$venv/$STAMP"
done

version() { "$1" -c 'import sys; from importlib.metadata import version; print(version(sys.argv[1]))' "$2"; }
package() { node -p "require('./node_modules/$1/package.json').version"; }
say "ready: inspector $(package @modelcontextprotocol/inspector)," \
    "sdk $(package @modelcontextprotocol/sdk), conformance $(package @modelcontextprotocol/conformance)," \
    "mcp $(version .venv-mcp1/bin/python mcp) and $(version .venv-mcp2/bin/python mcp)"
