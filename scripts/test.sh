#!/usr/bin/env bash
# Runs every test suite: Rust (core, CLI, conformance), Python, Node, Kotlin/Swift.
# Installs what each needs (a venv, npm packages, Debian packages) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# On CI, a one-off build: no incremental caches, and line tables only for kaohe's own
# crates (dependencies have none, see Cargo.toml). A full run then needs about 3.5 GB of
# disk instead of 9.5 GB; CI once failed with "No space left on device".
if [ "${CI:-}" = "true" ]; then
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=line-tables-only
fi
phase() {
  local start=$SECONDS
  "$@"
  echo "== $1: passed in $((SECONDS - start)) s" >&2
}
phase scripts/test-rust.sh
phase bindings/python/test.sh
phase bindings/node/test.sh
phase bindings/uniffi/test.sh
phase scripts/test-report.sh
echo "all test suites passed in $SECONDS s"
