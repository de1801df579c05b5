#!/usr/bin/env bash
# Rust: format, lints, unit tests (with and without `parallel`), conformance vectors,
# CLI tests, doc tests, API docs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --exclude kaohe-python --exclude kaohe-node --exclude kaohe-uniffi --all-targets --all-features -- -D warnings
# The core without its optional features: code behind `cfg(not(feature = ...))` is linted too.
cargo clippy -p kaohe --all-targets -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run -p kaohe -p kaohe-cli --all-features --no-fail-fast
  # The core without `parallel`: its sequential paths must give the same results.
  cargo nextest run -p kaohe --no-fail-fast
else
  cargo test -p kaohe -p kaohe-cli --all-features --no-fail-fast
  cargo test -p kaohe --no-fail-fast
fi
cargo test -p kaohe --all-features --doc
# Every public item's documentation builds, its links resolve.
RUSTDOCFLAGS="-D warnings" cargo doc -p kaohe --all-features --no-deps
