#!/usr/bin/env bash
# Python binding: builds and installs the package into bindings/python/.venv with pip
# (exactly `pip install ./bindings/python`, in the dev profile to keep it quick),
# checks the stubs with mypy.stubtest and runs pytest. Needs Python >= 3.9 with pip,
# and Rust; on Debian it installs python3-venv when the venv module is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

python="${PYTHON:-python3}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv"; then
    rm -rf "$venv"
    echo "python -m venv failed: installing python3-venv" >&2
    apt-get update && apt-get install -y python3-venv
    "$python" -m venv "$venv"
  fi
fi
py="$venv/bin/python"
export PATH="$venv/bin:$PATH" PIP_DISABLE_PIP_VERSION_CHECK=1

echo "== python: tools and test dependencies"
"$py" -m pip install --quiet --upgrade pip
"$py" -m pip install --quiet "maturin>=1.7,<2" pytest mypy pandas polars pyarrow

echo "== python: clippy"
PYO3_PYTHON="$py" cargo clippy -p kaohe-python -- -D warnings

echo "== python: pip install ./bindings/python (dev profile)"
"$py" -m pip install --force-reinstall --no-deps --no-build-isolation \
  --config-settings=build-args="--profile dev" "$here"

# From the tests directory, so that the installed package is the one imported.
cd "$here/tests"
echo "== python: stubtest"
"$py" -m mypy.stubtest kaohe --mypy-config-file "$here/pyproject.toml"

echo "== python: pytest"
"$py" -m pytest -q -p no:cacheprovider "$here/tests"
echo "python binding: all tests passed"
