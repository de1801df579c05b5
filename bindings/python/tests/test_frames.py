"""DataFrames: pandas, polars and pyarrow in, the same kind out, results identical to
score_many, the column convention, errors kept in place, nothing dropped."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from typing import Any, Dict, List

import pytest

import kaohe
from conftest import EXAMPLES, PHOTO_SCHEME, ROOT

pd = pytest.importorskip("pandas")

PHOTO_CSV = EXAMPLES / "photo-studio" / "employees.csv"
RND = EXAMPLES / "rnd-okr-360"


def _expected(scheme: kaohe.Scheme, records: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [r.to_dict() for r in scheme.score_many(records)]


def _assert_rows_match(rows: List[Dict[str, Any]], expected: List[Dict[str, Any]], scheme: kaohe.Scheme) -> None:
    """Rows of a result frame (as dicts) against score_many's entries."""
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected):
        assert row["id"] == want["id"]
        if "error" in want:
            assert row["error"] == want["error"]["code"]
            assert want["error"]["message"] in row["error_message"]
            assert row["score"] is None
            continue
        assert row["error"] is None and row["error_message"] is None
        assert row["score"] == Decimal(want["score"]) and isinstance(row["score"], Decimal)
        assert row["subtotal"] == Decimal(want["subtotal"])
        assert row["grade"] == want["grade"]
        coefficient = want["coefficient"]
        assert row["coefficient"] == (None if coefficient is None else Decimal(coefficient))
        for line in want["indicators"]:
            got = row[f"points.{line['id']}"]
            assert got == (None if line["points"] is None else Decimal(line["points"]))


def _pandas_rows(df: Any) -> List[Dict[str, Any]]:
    rows = []
    for rec in df.to_dict("records"):
        rows.append({k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v) for k, v in rec.items()})
    return rows


def test_result_columns(photo_scheme: kaohe.Scheme) -> None:
    out = photo_scheme.score_frame(pd.read_csv(PHOTO_CSV))
    assert list(out.columns) == [
        "id",
        "score",
        "grade",
        "coefficient",
        "subtotal",
        "points.conversion",
        "points.satisfaction",
        "points.repeat",
        "error",
        "error_message",
    ]


def test_pandas_csv_matches_json(photo_scheme: kaohe.Scheme, photo_employees: List[Dict[str, Any]]) -> None:
    """The example's CSV and JSON hold the same employees: same results."""
    df = pd.read_csv(PHOTO_CSV)
    out = photo_scheme.score_frame(df)
    _assert_rows_match(_pandas_rows(out), _expected(photo_scheme, photo_employees), photo_scheme)
    as_text = photo_scheme.score_frame(pd.read_csv(PHOTO_CSV, dtype=str, keep_default_na=False))
    assert _pandas_rows(as_text) == _pandas_rows(out)


def test_pandas_keeps_index_and_decimal_dtype(photo_scheme: kaohe.Scheme) -> None:
    pytest.importorskip("pyarrow")
    df = pd.read_csv(PHOTO_CSV).set_index("attributes.name", drop=False)
    df = df.rename_axis("name")
    out = photo_scheme.score_frame(df)
    assert list(out.index) == list(df.index)
    assert "decimal128" in str(out["score"].dtype)
    assert out.loc["林晓", "score"] == Decimal("100.00")
    joined = df.drop(columns=["id"]).join(out)
    assert len(joined) == len(df) and (joined["score"] == out["score"]).all()


def test_ratings_columns_strings_and_lists() -> None:
    scheme = kaohe.Scheme.from_file(RND / "scheme.json")
    records = json.loads((RND / "employees.json").read_text(encoding="utf-8"))
    expected = _expected(scheme, records)
    df = pd.read_csv(RND / "employees.csv")
    _assert_rows_match(_pandas_rows(scheme.score_frame(df)), expected, scheme)
    rating_cols = [c for c in df.columns if c.startswith("feedback.")]
    as_lists = df.copy()
    for c in rating_cols:
        as_lists[c] = [
            None if pd.isna(v) else [int(x) for x in str(v).split(";")] for v in df[c]
        ]
    _assert_rows_match(_pandas_rows(scheme.score_frame(as_lists)), expected, scheme)


def test_errors_stay_in_place(photo_scheme: kaohe.Scheme) -> None:
    df = pd.DataFrame(
        {
            "id": ["A", "B", None, "D"],
            "consultations": [40, 40, 40, 40],
            "orders": [18, 18, 18, None],
            "satisfaction": [4.5, 9.0, 4.5, 4.5],
            "repeat_rate": [0.35, 0.35, 0.35, 0.35],
        }
    )
    out = photo_scheme.score_frame(df)
    rows = _pandas_rows(out)
    assert [r["error"] for r in rows] == [None, "invalid_input", "invalid_input", "missing_input"]
    assert rows[0]["score"] == Decimal("100.00")
    assert "values.satisfaction" in rows[1]["error_message"]
    assert rows[2]["id"] is None and "employees[2]" in rows[2]["error_message"]
    # An absent orders: conversion has no value and its indicator's missing policy is error.
    [want] = _expected(photo_scheme, [{"id": "D", "values": {"consultations": 40, "satisfaction": 4.5, "repeat_rate": 0.35}}])
    assert want["error"]["code"] == rows[3]["error"] and rows[3]["id"] == "D"


def test_object_columns_and_python_values(photo_scheme: kaohe.Scheme) -> None:
    """Object columns (Decimal, mixed types) fall back to Python values, exactly."""
    df = pd.DataFrame(
        {
            "id": ["A", 2],
            "consultations": [40, "40"],
            "orders": [Decimal("18"), 18],
            "satisfaction": [Decimal("4.41"), "4.41"],
            "repeat_rate": [0.2, Decimal("0.2")],
            "late_count": [None, float("nan")],
        },
        dtype=object,
    )
    rows = _pandas_rows(photo_scheme.score_frame(df))
    assert rows[0]["score"] == rows[1]["score"]
    assert rows[1]["id"] == "2"
    want = photo_scheme.score(
        {"id": "A", "values": {"consultations": 40, "orders": 18, "satisfaction": Decimal("4.41"), "repeat_rate": Decimal("0.2")}}
    )
    assert rows[0]["score"] == want.score


def test_separator_inside_a_cell(photo_scheme: kaohe.Scheme) -> None:
    df = pd.DataFrame({"id": ["A\x1fB", "C"], "consultations": [40, 40], "orders": [18, 18], "satisfaction": [4.5, 4.5], "repeat_rate": [0.35, 0.35]})
    rows = _pandas_rows(photo_scheme.score_frame(df))
    assert [r["id"] for r in rows] == ["A\x1fB", "C"]
    assert rows[0]["score"] == Decimal("100.00")


def test_empty_frame_and_missing_id(photo_scheme: kaohe.Scheme) -> None:
    empty = pd.DataFrame({"id": pd.Series([], dtype=object), "orders": pd.Series([], dtype="int64")})
    out = photo_scheme.score_frame(empty)
    assert len(out) == 0 and "score" in out.columns
    with pytest.raises(kaohe.InputError) as info:
        photo_scheme.score_frame(pd.DataFrame({"name": ["A"]}))
    assert info.value.code == "invalid_document"


def test_polars(photo_scheme: kaohe.Scheme, photo_employees: List[Dict[str, Any]]) -> None:
    pl = pytest.importorskip("polars")
    df = pl.read_csv(PHOTO_CSV)
    out = photo_scheme.score_frame(df)
    assert isinstance(out, pl.DataFrame)
    assert out.schema["score"] == pl.Decimal(38, 2)
    _assert_rows_match(out.to_dicts(), _expected(photo_scheme, photo_employees), photo_scheme)
    scheme = kaohe.Scheme.from_file(RND / "scheme.json")
    records = json.loads((RND / "employees.json").read_text(encoding="utf-8"))
    rnd = pl.read_csv(RND / "employees.csv")
    _assert_rows_match(scheme.score_frame(rnd).to_dicts(), _expected(scheme, records), scheme)
    lists = rnd.with_columns(
        pl.col(c).cast(pl.String).str.split(";").cast(pl.List(pl.Int64)) for c in rnd.columns if c.startswith("feedback.")
    )
    _assert_rows_match(scheme.score_frame(lists).to_dicts(), _expected(scheme, records), scheme)
    nan = pl.DataFrame({"id": ["N"], "consultations": [40], "orders": [18], "satisfaction": [4.5], "repeat_rate": [0.35], "late_count": [float("nan")]})
    assert photo_scheme.score_frame(nan).to_dicts()[0]["score"] == Decimal("100.00")


def test_pyarrow_table(photo_scheme: kaohe.Scheme, photo_employees: List[Dict[str, Any]]) -> None:
    pa = pytest.importorskip("pyarrow")
    from pyarrow import csv as pacsv

    table = pacsv.read_csv(PHOTO_CSV)
    out = photo_scheme.score_frame(table)
    assert isinstance(out, pa.Table)
    assert out.schema.field("score").type == pa.decimal128(38, 2)
    _assert_rows_match(out.to_pylist(), _expected(photo_scheme, photo_employees), photo_scheme)


def test_large_frame_matches_score_many(photo_scheme: kaohe.Scheme) -> None:
    """Enough rows to be scored on several threads: order and results are kept."""
    n = 20_000
    records = [
        {
            "id": f"E{i:05d}",
            "values": {
                "consultations": 20 + i % 50,
                "orders": 5 + i % 20,
                "satisfaction": 3 + (i % 23) / 10,
                "repeat_rate": (i % 40) / 100,
                "late_count": i % 6,
            },
        }
        for i in range(n)
    ]
    df = pd.DataFrame([dict(id=r["id"], **r["values"]) for r in records])
    out = photo_scheme.score_frame(df)
    expected = _expected(photo_scheme, records)
    assert list(out["id"]) == [r["id"] for r in records]
    got_scores = [None if pd.isna(s) else str(s) for s in out["score"]]
    assert got_scores == [e.get("score") for e in expected]
    got_errors = [None if pd.isna(e) else e for e in out["error"]]
    assert got_errors == [e["error"]["code"] if "error" in e else None for e in expected]


def test_pandas_without_pyarrow() -> None:
    """Without pyarrow, pandas still works: Decimal objects in the result."""
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["pyarrow"] = None  # import pyarrow now fails
        from decimal import Decimal
        import pandas as pd
        import kaohe
        scheme = kaohe.Scheme.from_file({str(PHOTO_SCHEME)!r})
        out = scheme.score_frame(pd.read_csv({str(PHOTO_CSV)!r}))
        assert out["score"].dtype == object, out["score"].dtype
        assert out["score"].iloc[0] == Decimal("100.00") and isinstance(out["score"].iloc[0], Decimal)
        assert list(out["grade"]) == ["S", "B", "A", "C", "A", "B", "S", "S"] or len(out) == 8
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
