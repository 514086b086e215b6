#!/usr/bin/env bash
# Installs the peers that bench/run.sh compares mcp-runtime with, from the registries by package
# name, at pinned versions:
#
#   bench/peers/python/.venv          Python FastMCP: PyPI `mcp` 1.x, exactly as requirements.txt says
#   bench/peers/ts/node_modules       the official TypeScript SDK, exactly as package-lock.json says
#   (rmcp, the official Rust SDK, is pinned in bench/servers/rmcp/Cargo.toml and bench/Cargo.lock)
#
# Idempotent: an install is skipped while the copy of the file it was made from still matches.
# Needs Node 20 with npm and Python 3.10+ (python3.11 preferred; PYTHON overrides).
set -euo pipefail
cd "$(dirname "$0")/peers"

STAMP=.installed-from
say() { printf 'setup-peers: %s\n' "$*"; }
die() { printf 'setup-peers: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node not found: install Node.js 20 with npm"
command -v npm >/dev/null || die "npm not found: install Node.js 20 with npm"
if cmp -s ts/package-lock.json "ts/node_modules/$STAMP" \
    && [ -f ts/node_modules/@modelcontextprotocol/sdk/package.json ]; then
    say "TypeScript SDK up to date"
else
    say "npm ci (bench/peers/ts)"
    (cd ts && rm -f "node_modules/$STAMP" && npm ci --no-audit --no-fund --loglevel=error)
    cp ts/package-lock.json "ts/node_modules/$STAMP"
fi

python=${PYTHON:-}
if [ -z "$python" ]; then
    for candidate in python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null; then python=$candidate; break; fi
    done
fi
[ -n "$python" ] || die "no python3 found: install Python 3.11 (or set PYTHON)"
venv=python/.venv
if cmp -s python/requirements.txt "$venv/$STAMP" && [ -x "$venv/bin/python" ]; then
    say "FastMCP up to date"
else
    say "creating $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv" || die "python -m venv failed (on Debian: apt-get install python3-venv)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r python/requirements.txt
    cp python/requirements.txt "$venv/$STAMP"
fi

version() { "$venv/bin/python" -c 'from importlib.metadata import version; print(version("mcp"))'; }
say "ready: mcp (Python) $(version)," \
    "@modelcontextprotocol/sdk $(node -p "require('./ts/node_modules/@modelcontextprotocol/sdk/package.json').version")"
