"""Population results through Python: every population vector via ``calibrate_json``
and ``Scheme.calibrate`` (the same result), hand-computed figures, and errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List

import pytest

import kaohe

VECTORS = Path(__file__).resolve().parents[3] / "spec" / "vectors" / "population"
FILES = sorted(VECTORS.glob("*.json"))


def _case(name: str) -> Dict[str, Any]:
    case: Dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return case


def test_vectors_are_found() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_calibrate_agrees_with_calibrate_json(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    expect = case["expect"]
    scheme_text, employees_text = json.dumps(case["scheme"]), json.dumps(case["employees"])
    if "scheme_errors" in expect:
        with pytest.raises(kaohe.SchemeError) as info:
            kaohe.calibrate_json(scheme_text, employees_text)
        assert [e.code for e in info.value.errors] == [e["code"] for e in expect["scheme_errors"]]
        return
    scheme = kaohe.Scheme.from_dict(case["scheme"])
    if "error" in expect:
        with pytest.raises(kaohe.KaoheError) as err:
            scheme.calibrate(case["employees"])
        assert err.value.code == expect["error"]["code"]
        assert expect["error"]["message_contains"] in str(err.value)
        return
    typed = scheme.calibrate(case["employees"])
    assert typed == json.loads(kaohe.calibrate_json(scheme_text, employees_text))
    if "members" in expect:
        assert [m["id"] for m in typed["members"]] == [m["id"] for m in expect["members"]]


def test_pool_cent_goes_to_the_best_rank() -> None:
    case = _case("pool-tie-by-rank.json")
    result = kaohe.Scheme.from_dict(case["scheme"]).calibrate(case["employees"])
    rows: List[Dict[str, Any]] = kaohe.calibration_rows(result)
    assert [(r["id"], r["bonus"]) for r in rows] == [
        ("y", Decimal("33.34")),
        ("x", Decimal("33.33")),
        ("z", Decimal("33.33")),
    ]
    assert sum(r["bonus"] for r in rows) == Decimal("100")


def test_rows_show_raw_and_calibrated_grades() -> None:
    case = _case("rounding-small-teams.json")
    rows = kaohe.calibration_rows(kaohe.Scheme.from_dict(case["scheme"]).calibrate(case["employees"]))
    s3 = next(r for r in rows if r["id"] == "s3")
    assert (s3["raw_grade"], s3["grade"], s3["moved"]) == ("S", "B", True)
    assert s3["moves"] == "S->A quota 1 max 1 (rank 3 of 7); A->B quota 2 max 1 (rank 3 of 7)"
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(rows)
    assert list(frame["id"])[:2] == ["s1", "l1"]
