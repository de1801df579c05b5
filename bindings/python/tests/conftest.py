"""Shared by the tests: where things are, the acceptance vectors, and how results are
compared with a vector's expectations (the same rules as tests/support/vectors.rs)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[3]
"""The repository root (bindings/python/tests/ is three levels below it)."""

EXAMPLES = ROOT / "examples"
PHOTO_SCHEME = EXAMPLES / "photo-studio" / "scheme.json"
PHOTO_EMPLOYEES = EXAMPLES / "photo-studio" / "employees.json"
SHARED_VECTORS = ROOT.parent / "shared" / "spec" / "vectors"


def vector_files() -> List[Path]:
    """Every vector: the project's own spec/vectors/, then ../shared/spec/vectors/."""
    out: List[Path] = []
    for d in (ROOT / "spec" / "vectors", SHARED_VECTORS):
        if d.is_dir():
            out.extend(sorted(d.glob("*.json")))
    return out


def vector_id(path: Path) -> str:
    return f"{path.parent.parent.parent.name}/{path.stem}"


def load_case(path: Path, exact: bool = True) -> Dict[str, Any]:
    """A vector; with ``exact`` its non-integer numbers are ``decimal.Decimal``."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text, parse_float=Decimal) if exact else json.loads(text)


def _dec(v: Any) -> Optional[Decimal]:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None


def _same(want: Any, got: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    a, b = _dec(want), _dec(got)
    if a is not None and b is not None:
        return a == b
    return bool(want == got)


def compare(case: Dict[str, Any], results: List[Dict[str, Any]]) -> List[str]:
    """Differences between results in the contract's JSON shape and ``expect.results``."""
    diffs: List[str] = []
    want_all = case["expect"].get("results") or []
    if len(want_all) != len(results):
        return [f"expected {len(want_all)} results, got {len(results)}"]
    for w, g in zip(want_all, results):
        rid = w.get("id", "?")
        if g.get("id") != w.get("id"):
            diffs.append(f"{rid}: result id is {g.get('id')!r}")
            continue
        if "error" in w:
            got = (g.get("error") or {}).get("code") if "error" in g else f"score {g.get('score')}"
            if got != w["error"]:
                diffs.append(f"{rid}: expected error {w['error']}, got {got}")
            continue
        if "error" in g:
            diffs.append(f"{rid}: expected a score, got error {g['error']}")
            continue
        for field in ("score", "grade", "coefficient", "subtotal"):
            if not _same(w.get(field), g.get(field)):
                diffs.append(f"{rid}.{field}: expected {w.get(field)}, got {g.get(field)}")
        lines = {line["id"]: line for line in g.get("indicators", [])}
        for key in ("points", "status"):
            wanted = w.get(key)
            if not isinstance(wanted, dict):
                continue
            if len(wanted) != len(lines):
                diffs.append(f"{rid}.{key}: expected {len(wanted)} indicators, got {len(lines)}")
            for ind, wv in wanted.items():
                line = lines.get(ind)
                if line is None:
                    diffs.append(f"{rid}.{key}.{ind}: indicator missing from the result")
                elif not _same(wv, line.get(key)):
                    diffs.append(f"{rid}.{key}.{ind}: expected {wv}, got {line.get(key)}")
        wanted_adj = w.get("adjustments")
        if isinstance(wanted_adj, dict):
            adjs = {a["id"]: a for a in g.get("adjustments", [])}
            if len(wanted_adj) != len(adjs):
                diffs.append(f"{rid}.adjustments: expected {len(wanted_adj)} evaluated, got {len(adjs)}")
            for adj, applied in wanted_adj.items():
                a = adjs.get(adj)
                if a is None:
                    diffs.append(f"{rid}.adjustments.{adj}: not in the result")
                elif a.get("applied") != applied:
                    diffs.append(f"{rid}.adjustments.{adj}: expected {applied}, got {a.get('applied')}")
    return diffs


@pytest.fixture(scope="session")
def photo_scheme() -> Any:
    import kaohe

    return kaohe.Scheme.from_file(PHOTO_SCHEME)


@pytest.fixture(scope="session")
def photo_employees() -> List[Dict[str, Any]]:
    data: List[Dict[str, Any]] = json.loads(PHOTO_EMPLOYEES.read_text(encoding="utf-8"))
    return data
