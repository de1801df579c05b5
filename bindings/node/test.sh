#!/usr/bin/env bash
# Builds the Node binding (debug) and runs its tests: `node --test` (vectors, API,
# errors, async, ESM, the README quick start) and `tsc --noEmit` over a typed usage
# file. Needs Node 18+ (20 recommended), npm and Rust; installs Node from Debian if absent.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node/npm not found: installing them from Debian"
  apt-get update
  apt-get install -y nodejs npm
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  echo "the Node binding needs Node 18 or later, found $(node --version)" >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"

# The locked npm packages: @napi-rs/cli, typescript, @types/node (and zen-engine, for the
# bench). `npm install` rather than `npm ci`: npm 11 leaves other platforms' optional
# packages out of the lock file and `npm ci` then refuses it; `npm install` installs the
# locked versions all the same.
npm install --no-audit --no-fund

# Debug build of the native module; writes kaohe.<platform>.node, binding.js and index.d.ts.
npx napi build --platform --js binding.js --dts index.d.ts

node --test test/
npx tsc -p test/types
echo "node binding: all tests passed"
