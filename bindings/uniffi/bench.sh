#!/usr/bin/env bash
# Throughput of the Kotlin binding on the JVM, against a release build of the library.
# Not part of the test run (the release build, with fat LTO, takes several minutes).
# Usage: bindings/uniffi/bench.sh [EMPLOYEES]   (after test.sh has installed the tools)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
JAVA_LIBS=/usr/share/java
KOTLINC="$HERE/node_modules/kotlin-compiler/bin/kotlinc"
KOTLIN_STDLIB="$HERE/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar"
[ -x "$KOTLINC" ] || { echo "run bindings/uniffi/test.sh first (it installs kotlinc and JNA)" >&2; exit 1; }

cargo build -p kaohe-uniffi --release --lib
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LIB="$TARGET_DIR/release/libkaohe_uniffi.so"
OUT="$TARGET_DIR/uniffi-bench"
rm -rf "$OUT"
cargo run -q -p kaohe-uniffi --bin uniffi-bindgen -- \
  generate --library "$LIB" --language kotlin --out-dir "$OUT/kotlin" --no-format
CP="$JAVA_LIBS/jna.jar"
"$KOTLINC" -nowarn -jvm-target 17 -cp "$CP" -d "$OUT/classes" "$OUT/kotlin/kaohe/kaohe.kt" "$HERE/bench/Bench.kt"
java -Xmx2g -cp "$OUT/classes:$KOTLIN_STDLIB:$CP" -Djna.library.path="$TARGET_DIR/release" -Dkaohe.root="$ROOT" \
  kaohe.bench.BenchKt "${1:-10000}"
