#!/usr/bin/env bash
# The HTML report in a real browser: builds the CLI, writes the report of the bundled
# four-region example (examples/retail-regions, with a what-if of the retention weight
# 10 % → 25 %) in Chinese and English, opens each page in headless Chromium and fails
# on any console message (the page has no scripts, and its Content-Security-Policy turns
# any network load into a console error) or when the rendered DOM lacks a section or a
# chart. Saves screenshots in target/report/. Before that it checks itself: a page that
# throws must fail the same check.
#
# Works on a fresh Debian machine: installs Debian's `chromium` (and CJK fonts for the
# Chinese page) when missing, with sudo only when not root.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
OUT="$ROOT/target/report"
mkdir -p "$OUT"
step() { printf '\n==> [report] %s\n' "$*"; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt-get install ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install ${need_apt[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${need_apt[@]}"
fi

CHROME=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
  --disable-extensions --disable-background-networking --enable-logging=stderr --v=0
  --virtual-time-budget=3000)

# check PAGE NAME HEIGHT: renders PAGE, fails on console messages or a missing part, saves NAME.png.
check() {
  local page="$1" name="$2" height="$3" log="$OUT/$2.log" dom="$OUT/$2.dom.html"
  timeout 120 "${CHROME[@]}" --dump-dom "file://$page" >"$dom" 2>"$log" || { echo "$name: chromium failed" >&2; return 1; }
  if grep -E ':CONSOLE' "$log" >&2; then
    echo "$name: console messages (above)" >&2
    return 1
  fi
  for section in distribution groups completion whatif anomalies quality; do
    grep -q "<section id=\"$section\">" "$dom" || { echo "$name: section '$section' did not render" >&2; return 1; }
  done
  local charts
  charts=$(grep -o '<svg' "$dom" | wc -l)
  [ "$charts" -ge 4 ] || { echo "$name: $charts charts rendered, expected 4 or more" >&2; return 1; }
  rm -f "$OUT/$name.png"
  timeout 120 "${CHROME[@]}" --window-size=1280,"$height" --screenshot="$OUT/$name.png" "file://$page" 2>>"$log" >/dev/null
  [ -s "$OUT/$name.png" ] || { echo "$name: no screenshot" >&2; return 1; }
  if grep -E ':CONSOLE' "$log" >&2; then
    echo "$name: console messages while taking the screenshot (above)" >&2
    return 1
  fi
  echo "$name: rendered, no console messages, $charts charts, screenshot $OUT/$name.png"
}

step "the check can fail: a page that throws"
cat >"$OUT/throws.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>throws</title></head><body>
<section id="distribution"></section><section id="groups"></section><section id="completion"></section>
<section id="whatif"></section><section id="anomalies"></section><section id="quality"></section>
<svg></svg><svg></svg><svg></svg><svg></svg>
<script>throw new Error("this page is meant to fail the check")</script></body></html>
HTML
if check "$OUT/throws.html" throws 600 2>/dev/null; then
  echo "the browser check passed a page that throws: it cannot detect errors" >&2
  exit 1
fi
echo "ok: a page that throws fails the check"

step "cargo build -p kaohe-cli"
cargo build -q -p kaohe-cli
KAOHE="$ROOT/target/debug/kaohe"

for lang in zh en; do
  step "kaohe report ($lang)"
  "$KAOHE" report examples/retention-whatif/scheme-v1.json examples/retail-regions/employees.json \
    --whatif examples/retention-whatif/scheme-v2.json --quotas examples/retail-regions/quotas.json \
    --by department --lang "$lang" -o "$OUT/report-$lang.html"
  check "$OUT/report-$lang.html" "report-$lang" 4600
done
step "screenshot of the top of the Chinese page (docs/report.png)"
timeout 120 "${CHROME[@]}" --window-size=1280,1900 --screenshot="$OUT/report.png" "file://$OUT/report-zh.html" >/dev/null 2>&1
[ -s "$OUT/report.png" ] || { echo "no screenshot" >&2; exit 1; }
echo "report browser test passed; screenshot: $OUT/report.png"
