#!/usr/bin/env bash
# Rust: format, lints, unit tests, conformance vectors, CLI tests, doc tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --exclude kaohe-python --exclude kaohe-node --exclude kaohe-uniffi --all-targets --all-features -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run -p kaohe -p kaohe-cli --all-features --no-fail-fast
else
  cargo test -p kaohe -p kaohe-cli --all-features --no-fail-fast
fi
cargo test -p kaohe --all-features --doc
