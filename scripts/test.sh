#!/usr/bin/env bash
# Runs every test suite: Rust (core, CLI, conformance), Python, Node, Kotlin/Swift.
# Installs what each needs (a venv, npm packages, Debian packages) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
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
