#!/usr/bin/env bash
# Kotlin and Swift bindings (uniffi): builds the library (debug profile), generates the
# Kotlin and Swift sources with the pinned uniffi-bindgen, checks the Swift output,
# compiles the generated Kotlin and the JUnit 4 suite with a real kotlinc, and runs the
# suite on the JVM: every acceptance vector (spec/vectors/ and ../shared/spec/vectors/)
# through scoreJson and the typed API, the typed API itself, and the errors.
#
# Works on a fresh Debian machine (run as root, CI=true): installs Java 17, JNA, JUnit 4
# and Gson from Debian, and kotlinc from the npm registry (package `kotlin-compiler`).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
started=$SECONDS
step() { printf '\n==> [uniffi %3ss] %s\n' "$((SECONDS - started))" "$*"; }

JAVA_LIBS=/usr/share/java
need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
[ -f "$JAVA_LIBS/jna.jar" ] || need_apt+=(libjna-java)
[ -f "$JAVA_LIBS/junit4.jar" ] || need_apt+=(junit4)
[ -f "$JAVA_LIBS/hamcrest-core.jar" ] || need_apt+=(libhamcrest-java)
[ -f "$JAVA_LIBS/gson.jar" ] || need_apt+=(libgoogle-gson-java)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${need_apt[@]}"
fi

KOTLINC="$HERE/node_modules/kotlin-compiler/bin/kotlinc"
KOTLIN_STDLIB="$HERE/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar"
if [ ! -x "$KOTLINC" ] || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  step "npm ci (kotlin-compiler)"
  (cd "$HERE" && npm ci --no-audit --no-fund)
fi

step "cargo build -p kaohe-uniffi (debug), and the kaohe CLI to compare scoreJson with"
cargo build -p kaohe-uniffi --lib --bin uniffi-bindgen
cargo build -p kaohe-cli --bin kaohe
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LIB_DIR="$TARGET_DIR/debug"
LIB="$LIB_DIR/libkaohe_uniffi.so"
[ -s "$LIB" ] || { echo "error: $LIB was not built" >&2; exit 1; }

step "cargo test -p kaohe-uniffi --lib (panic guard, error mapping)"
cargo test -p kaohe-uniffi --lib

OUT="$TARGET_DIR/uniffi-bindings"
rm -rf "$OUT"
step "uniffi-bindgen generate (kotlin, swift)"
for lang in kotlin swift; do
  cargo run -p kaohe-uniffi --bin uniffi-bindgen -- \
    generate --library "$LIB" --language "$lang" --out-dir "$OUT/$lang" --no-format
done

step "check the Swift sources and module map"
for f in Kaohe.swift kaoheFFI.h kaoheFFI.modulemap; do
  [ -s "$OUT/swift/$f" ] || { echo "error: $OUT/swift/$f is missing or empty" >&2; exit 1; }
done
for pattern in 'open class Scheme' 'public func scoreJson(' 'enum KaoheError: Swift.Error' 'FfiConverterTypeDecimal' 'module kaoheFFI'; do
  grep -qF -- "$pattern" "$OUT/swift/Kaohe.swift" "$OUT/swift/kaoheFFI.modulemap" ||
    { echo "error: the generated Swift lacks '$pattern'" >&2; exit 1; }
done
echo "Swift: $(wc -l <"$OUT/swift/Kaohe.swift") lines of Kaohe.swift, kaoheFFI.h, kaoheFFI.modulemap"

KT_SRC="$OUT/kotlin/kaohe/kaohe.kt"
[ -s "$KT_SRC" ] || { echo "error: $KT_SRC is missing or empty" >&2; exit 1; }
CP="$JAVA_LIBS/jna.jar:$JAVA_LIBS/junit4.jar:$JAVA_LIBS/hamcrest-core.jar:$JAVA_LIBS/gson.jar"
step "kotlinc: generated bindings + JUnit suite"
"$KOTLINC" -nowarn -jvm-target 17 -cp "$CP" -d "$OUT/classes" "$KT_SRC" "$HERE"/tests/kotlin/*.kt

step "JUnit on the JVM"
if [ ! -d "$ROOT/../shared/spec/vectors" ]; then
  echo "warning: $ROOT/../shared/spec/vectors is missing: only the project's own vectors are replayed" >&2
fi
LOG="$OUT/junit.log"
set +e
java -cp "$OUT/classes:$KOTLIN_STDLIB:$CP" \
  -Djna.library.path="$LIB_DIR" -Dkaohe.root="$ROOT" -Dkaohe.cli="$LIB_DIR/kaohe" \
  org.junit.runner.JUnitCore kaohe.test.VectorTest kaohe.test.ApiTest kaohe.test.ErrorTest kaohe.test.PopulationTest kaohe.test.ExplainTest 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
if ok=$(grep -oE '^OK \(([0-9]+) tests?\)' "$LOG" | grep -oE '[0-9]+'); then
  passed=$ok failed=0
else
  run=$(grep -oE 'Tests run: [0-9]+' "$LOG" | grep -oE '[0-9]+' | tail -1)
  failed=$(grep -oE 'Failures: [0-9]+' "$LOG" | grep -oE '[0-9]+' | tail -1)
  passed=$(( ${run:-0} - ${failed:-0} ))
  failed=${failed:-1}
fi
echo "uniffi (Kotlin on the JVM, $((SECONDS - started)) s):"
echo "kotlin: $passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  echo "error: the Kotlin test suite failed" >&2
  exit 1
fi
