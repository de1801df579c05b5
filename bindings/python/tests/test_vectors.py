"""Every acceptance vector of spec/vectors/ and ../shared/spec/vectors/, replayed through
the typed API (``score_many``), through ``score_json``, and through ``score_frame``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import kaohe
from conftest import SHARED_VECTORS, compare, load_case, vector_files, vector_id

FILES = vector_files()


def test_vectors_are_found() -> None:
    assert len(FILES) > 10
    if SHARED_VECTORS.is_dir():
        assert any(SHARED_VECTORS in p.parents for p in FILES), "the shared vectors are not replayed"


def _scheme_error(case: Dict[str, Any]) -> Any:
    return case["expect"].get("scheme_error")


@pytest.mark.parametrize("path", FILES, ids=vector_id)
def test_score_many(path: Path) -> None:
    case = load_case(path, exact=True)
    code = _scheme_error(case)
    if code is not None:
        with pytest.raises(kaohe.SchemeError) as info:
            kaohe.Scheme.from_dict(case["scheme"])
        codes = [e.code for e in info.value.errors]
        assert code in codes, f"expected {code}, got {info.value}"
        assert all(e.path is not None or e.line is not None for e in info.value.errors)
        return
    scheme = kaohe.Scheme.from_dict(case["scheme"])
    results = scheme.score_many(case["employees"])
    assert compare(case, [r.to_dict() for r in results]) == []
    for r in results:
        assert isinstance(r, (kaohe.ScoreCard, kaohe.EmployeeError))


@pytest.mark.parametrize("path", FILES, ids=vector_id)
def test_score_json(path: Path) -> None:
    case = load_case(path, exact=False)
    scheme_json = json.dumps(case["scheme"], ensure_ascii=False)
    employees_json = json.dumps(case["employees"], ensure_ascii=False)
    code = _scheme_error(case)
    if code is not None:
        with pytest.raises(kaohe.SchemeError) as info:
            kaohe.score_json(scheme_json, employees_json)
        assert code in [e.code for e in info.value.errors]
        return
    text = kaohe.score_json(scheme_json, employees_json)
    assert compare(case, json.loads(text)) == []


@pytest.mark.parametrize("path", FILES, ids=vector_id)
def test_typed_api_agrees_with_score_json(path: Path) -> None:
    """to_dict() of every entry is exactly the matching entry of score_json's text."""
    case = load_case(path, exact=False)
    if _scheme_error(case) is not None:
        return
    scheme_json = json.dumps(case["scheme"])
    expected = json.loads(kaohe.score_json(scheme_json, json.dumps(case["employees"])))
    scheme = kaohe.Scheme.from_json(scheme_json)
    assert [r.to_dict() for r in scheme.score_many(case["employees"])] == expected
    for employee, want in zip(case["employees"], expected):
        if "error" in want or not isinstance(employee, dict):
            continue
        assert scheme.score(employee).to_dict() == want


def _flatten(employee: Dict[str, Any]) -> Dict[str, Any]:
    """An employee record as one table row under the column convention."""
    row: Dict[str, Any] = {"id": employee.get("id")}
    for k, v in (employee.get("attributes") or {}).items():
        row[f"attributes.{k}"] = v
    for k, v in (employee.get("values") or {}).items():
        if isinstance(v, dict):
            for group, ratings in v.items():
                row[f"{k}.{group}"] = ratings
        else:
            row[k] = v
    return row


def _tabular(case: Dict[str, Any]) -> bool:
    """Whether every employee of a case can be written as a table row faithfully."""
    for e in case["employees"]:
        if not isinstance(e, dict) or not isinstance(e.get("id"), str):
            return False
        if set(e) - {"id", "attributes", "values"} or not isinstance(e.get("values", {}), dict):
            return False
        for v in e.get("values", {}).values():
            if isinstance(v, list):
                return False
            if isinstance(v, str) and v.strip() == "":
                return False
    return True


@pytest.mark.parametrize("path", FILES, ids=vector_id)
def test_score_frame(path: Path) -> None:
    """The same employees as a pandas DataFrame give the same results."""
    pd = pytest.importorskip("pandas")
    case = load_case(path, exact=True)
    if _scheme_error(case) is not None or not _tabular(case):
        pytest.skip("not a table")
    rows: List[Dict[str, Any]] = [_flatten(e) for e in case["employees"]]
    columns: List[str] = []
    for r in rows:
        columns.extend(c for c in r if c not in columns)
    df = pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns})
    scheme = kaohe.Scheme.from_dict(case["scheme"])
    out = scheme.score_frame(df)
    expected = [r.to_dict() for r in scheme.score_many(case["employees"])]
    assert len(out) == len(expected)
    for (_, row), want in zip(out.iterrows(), expected):
        assert row["id"] == want["id"]
        if "error" in want:
            assert row["error"] == want["error"]["code"], row["error_message"]
            continue
        assert row["error"] is None or row["error"] != row["error"], row["error_message"]
        assert row["score"] == kaohe_decimal(want["score"])
        assert (None if pd.isna(row["grade"]) else row["grade"]) == want["grade"]
        for line in want["indicators"]:
            got = row[f"points.{line['id']}"]
            if line["points"] is None:
                assert pd.isna(got)
            else:
                assert got == kaohe_decimal(line["points"])


def kaohe_decimal(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)
