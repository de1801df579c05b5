"""The Python quick start of the README runs as written and prints the photo-studio results.

The code block between ``<!-- quickstart`` and ``<!-- /quickstart -->`` is taken from
bindings/python/README.md, and from the top-level README.md when it carries a copy,
and run from the repository root in a fresh interpreter."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

import kaohe
from conftest import PHOTO_EMPLOYEES, PHOTO_SCHEME, ROOT

READMES = [ROOT / "bindings" / "python" / "README.md", ROOT / "README.md"]
BLOCK = re.compile(r"<!-- quickstart[^>]*-->\s*```python\n(.*?)```\s*<!-- /quickstart -->", re.S)


def _snippets() -> List[str]:
    out = []
    for readme in READMES:
        if readme.is_file():
            out.extend(BLOCK.findall(readme.read_text(encoding="utf-8")))
    return out


def test_the_python_readme_has_a_quick_start() -> None:
    assert BLOCK.search(READMES[0].read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", _snippets(), ids=lambda c: f"{len(c)} chars")
def test_quick_start_prints_the_photo_studio_results(code: str) -> None:
    pytest.importorskip("pandas")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    expected = json.loads(
        kaohe.score_json(PHOTO_SCHEME.read_text(encoding="utf-8"), PHOTO_EMPLOYEES.read_text(encoding="utf-8"))
    )
    lines = out.splitlines()
    for e in expected:
        row = [ln.split() for ln in lines if ln.split()[:1] == [e["id"]]]
        assert row, f"{e['id']} is not printed:\n{out}"
        assert row[0][1:3] == [e["score"], e["grade"]], row[0]
    # The contract's worked case: E001 scores 100.00 (S); E003, late 4 times, 90.00 (A).
    assert any(ln.split()[:3] == ["E001", "100.00", "S"] for ln in lines)
    assert "90.00 A" in lines
    assert "E003" in out and "grade A" in out  # the explanation
    assert "invalid_input values.satisfaction" in lines


def test_the_printed_output_in_the_readme_is_current() -> None:
    """The README shows what the quick start prints (its table, at least)."""
    text = READMES[0].read_text(encoding="utf-8")
    shown = text.split("It prints:", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    expected = json.loads(
        kaohe.score_json(PHOTO_SCHEME.read_text(encoding="utf-8"), PHOTO_EMPLOYEES.read_text(encoding="utf-8"))
    )
    for e in expected:
        assert f"{e['id']} {e['score']:>6}" in shown, e["id"]
