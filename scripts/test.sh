#!/usr/bin/env bash
# Runs every test suite: Rust (core, CLI, conformance), Python, Node, Kotlin/Swift.
# Installs what each needs (a venv, npm packages, Debian packages) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
scripts/test-rust.sh
bindings/python/test.sh
bindings/node/test.sh
bindings/uniffi/test.sh
scripts/test-report.sh
echo "all test suites passed"
