"""The type stubs match the compiled module exactly (mypy.stubtest fails on any drift)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kaohe

HERE = Path(__file__).resolve().parent


def test_package_is_typed() -> None:
    package = Path(kaohe.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_kaohe.pyi").is_file()


def test_stubtest() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "kaohe", "--mypy-config-file", str(HERE.parent / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
