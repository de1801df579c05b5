#!/usr/bin/env bash
# Instructions per employee spent scoring the reference scheme, counted by callgrind
# (deterministic, unlike wall-clock time on a shared machine), and with ABLATE=1 the
# same for variants of the scheme where one indicator at a time (or the adjustments,
# or the derived value) is replaced by a trivial pass/fail one: the difference is
# what that part costs.
#
#   benches/instructions.sh            # the reference scheme
#   ABLATE=1 benches/instructions.sh   # and every variant
#   N=5000 benches/instructions.sh     # employees scored (default 5000)
#
# Needs valgrind (`apt-get install valgrind`) and python3. Counts only `score_with`
# (`--toggle-collect`), so generating and reading the employees is left out.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }
n="${N:-5000}"
target="${CARGO_TARGET_DIR:-target}/instructions"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

CARGO_PROFILE_RELEASE_DEBUG=line-tables-only CARGO_TARGET_DIR="$target" \
  cargo build --release -q -p kaohe --example throughput --features parallel

cp benches/reference/scheme.json "$out/reference.json"
if [ -n "${ABLATE:-}" ]; then
  python3 - "$out" <<'EOF'
import copy, json, sys
out = sys.argv[1]
base = json.load(open(f"{out}/reference.json"))
def leaves(nodes):
    for n in nodes:
        if "indicators" in n:
            yield from leaves(n["indicators"])
        else:
            yield n
def trivial(leaf):
    leaf["value"] = "certified"
    leaf["scoring"] = {"type": "pass_fail"}
    leaf.pop("missing", None)
def save(name, scheme):
    json.dump(scheme, open(f"{out}/{name}.json", "w"), ensure_ascii=False)
for leaf in leaves(base["indicators"]):
    v = copy.deepcopy(base)
    trivial(next(l for l in leaves(v["indicators"]) if l["id"] == leaf["id"]))
    save(f"without-{leaf['id']}", v)
v = copy.deepcopy(base)
v["adjustments"] = []
save("without-adjustments", v)
v = copy.deepcopy(base)
v["derived"] = {}
trivial(next(l for l in leaves(v["indicators"]) if l["id"] == "margin"))
save("without-derived-and-margin", v)
v = copy.deepcopy(base)
for leaf in leaves(v["indicators"]):
    trivial(leaf)
v["adjustments"] = []
v["derived"] = {}
save("all-trivial", v)
EOF
fi

count() {
  SCHEME="$1" ROUNDS=1 valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
    --toggle-collect='*score_with*' "$target/release/examples/throughput" "$n" >/dev/null 2>&1
  callgrind_annotate "$out/cg" 2>/dev/null | awk -v n="$n" '/PROGRAM TOTALS/ {gsub(",", "", $1); printf "%.0f", $1 / n}'
}

reference="$(count "$out/reference.json")"
printf '%-32s %8s\n' "scheme" "instr/employee"
printf '%-32s %8s\n' "reference" "$reference"
for f in "$out"/without-*.json "$out"/all-trivial.json; do
  [ -e "$f" ] || continue
  name="$(basename "$f" .json)"
  c="$(count "$f")"
  printf '%-32s %8s  (%+d)\n' "$name" "$c" "$((c - reference))"
done
