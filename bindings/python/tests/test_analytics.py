"""Analytics, what-if, trends and the report from Python: DataFrames (or lists of
dicts without pandas), the analytics vectors replayed through the binding."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, List

import pytest

import kaohe
from conftest import EXAMPLES, ROOT

V1 = EXAMPLES / "retention-whatif" / "scheme-v1.json"
V2 = EXAMPLES / "retention-whatif" / "scheme-v2.json"
REGIONS = json.loads((EXAMPLES / "retail-regions" / "employees.json").read_text(encoding="utf-8"))
STORES = json.loads((EXAMPLES / "retention-whatif" / "employees.json").read_text(encoding="utf-8"))


def rows(frame: Any) -> List[dict]:
    return frame.to_dict("records") if hasattr(frame, "to_dict") else list(frame)


def test_analyze_gives_frames() -> None:
    pd = pytest.importorskip("pandas")
    a = kaohe.analyze(kaohe.Scheme.from_file(V1), REGIONS, by="department", lang="en")
    assert isinstance(a.groups, pd.DataFrame)
    assert a.summary["scored"] == 48 and a.summary["by"] == "department"
    assert list(a.groups["group"]) == ["华东区", "华南区", "华北区", "西南区"]
    assert {"grade.S", "grade.A", "grade.B", "grade.C", "grade.D"} <= set(a.groups.columns)
    assert int(a.distribution["raw_count"].sum()) == 48
    assert isinstance(a.distribution["raw_share"][0], Decimal)
    flagged = set(zip(a.anomalies["id"], a.anomalies["input"]))
    assert ("R0015", "sales") in flagged and ("R0031", "training_sessions") in flagged
    assert len(a.completion) == 16
    assert a.correlations["pearson"].notna().any()


def test_quotas_and_calibrated_grades() -> None:
    scheme = kaohe.Scheme.from_file(V1)
    scored = [c for c in scheme.score_many(STORES) if isinstance(c, kaohe.ScoreCard)]
    calibrated = ["B"] * len(scored)
    a = kaohe.analyze(
        scheme, STORES, quotas=[{"label": "B ≥ 50%", "grades": ["B"], "min": "0.5"}], calibrated=calibrated
    )
    q = rows(a.quotas)[0]
    assert q["calibrated_count"] == len(scored) and q["calibrated_status"] == "within"
    assert q["min"] == Decimal("0.5")


def test_without_pandas_lists_of_dicts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    w = kaohe.whatif(kaohe.Scheme.from_file(V1), kaohe.Scheme.from_file(V2), STORES)
    assert isinstance(w.crossings, list)
    assert ("S5002", "A", "B") in [(c["id"], c["from"], c["to"]) for c in w.crossings]
    assert w.indicators[0]["indicator"] == "retention"
    assert w.summary["compared"] == 12


def test_whatif_frames() -> None:
    pytest.importorskip("pandas")
    w = kaohe.whatif(kaohe.Scheme.from_file(V1), kaohe.Scheme.from_file(V2), STORES)
    s5010 = w.changes.set_index("id").loc["S5010"]
    assert (s5010["score_a"], s5010["score_b"]) == (Decimal("98.40"), Decimal("100.13"))
    assert set(w.crossings["id"]) >= {"S5002", "S5007", "S5009"}


def test_report_html() -> None:
    html = kaohe.report_html(
        kaohe.Scheme.from_file(V1), REGIONS, whatif=kaohe.Scheme.from_file(V2), by="department", lang="en"
    )
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 4
    assert '<section id="whatif">' in html and "<script" not in html


TREND = json.loads((ROOT / "spec" / "vectors" / "analytics" / "trend-three-cycles.json").read_text(encoding="utf-8"))


def _trend_cycles(case: Any) -> List[Any]:
    return [(c["label"], kaohe.Scheme.from_dict(c["scheme"]), c["employees"]) for c in case["cycles"]]


def _flat_grades(point: dict) -> dict:
    """A trend point as the frame has it: one ``grade.<G>`` column per grade."""
    out = {k: v for k, v in point.items() if k != "grades"}
    for g in point.get("grades", []):
        out[f"grade.{g['grade']}"] = g["count"]
    return out


def test_trend_frame() -> None:
    pd = pytest.importorskip("pandas")
    t = kaohe.trend(_trend_cycles(TREND), by="dept")
    assert isinstance(t, kaohe.Trend)
    p = t.points
    assert isinstance(p, pd.DataFrame)
    assert list(zip(p["group"], p["cycle"])) == [
        ("X", "2026Q1"),
        ("X", "2026Q2"),
        ("Y", "2026Q1"),
        ("Y", "2026Q3"),
        ("Z", "2026Q2"),
    ]
    assert ["grade.A", "grade.S", "grade.B", "grade.C"] == [c for c in p.columns if c.startswith("grade.")]
    x2 = p.iloc[1]
    assert (x2["mean_score"], x2["mean_change"]) == (Decimal("95"), Decimal("10"))
    assert isinstance(x2["median_score"], Decimal)
    # Nobody failed: every cycle counted, an empty error frame that still has its columns.
    assert list(t.cycles["cycle"]) == ["2026Q1", "2026Q2", "2026Q3"]
    assert list(t.cycles["failed"]) == [0, 0, 0]
    assert list(t.errors.columns) == ["cycle", "id", "code", "message", "path"] and len(t.errors) == 0
    assert t.failed == 0


def test_trend_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    t = kaohe.trend(_trend_cycles(TREND))
    assert isinstance(t.points, list)
    assert [(r["group"], r["cycle"], r["count"]) for r in t.points] == [
        ("all", "2026Q1", 3),
        ("all", "2026Q2", 3),
        ("all", "2026Q3", 1),
    ]
    assert t.points[0]["mean_change"] is None and isinstance(t.points[1]["mean_change"], Decimal)
    assert t.errors == []


def _with_failures() -> List[Any]:
    """The trend vector's cycles, with failures planted: in 2026Q2 one employee lacks
    every value and one record is not an object; in 2026Q3 one value is not a number."""
    cycles = _trend_cycles(TREND)
    label, scheme, people = cycles[1]
    cycles[1] = (label, scheme, list(people) + [{"id": "gone", "attributes": {"dept": "X"}, "values": {}}, 42])
    label, scheme, people = cycles[2]
    bad = json.loads(json.dumps(people[0]))
    bad["id"] = "typo"
    bad["values"] = {k: "n/a" for k in bad["values"]}
    cycles[2] = (label, scheme, list(people) + [bad])
    return cycles


def test_trend_counts_failures_per_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    t = kaohe.trend(_with_failures(), by="dept")
    # The points are those of the employees that scored: unchanged by the failures.
    assert t.raw["points"] == kaohe.trend(_trend_cycles(TREND), by="dept").raw["points"]
    cycles = [(c["cycle"], c["employees"], c["scored"], c["failed"]) for c in t.raw["cycles"]]
    assert cycles == [("2026Q1", 3, 3, 0), ("2026Q2", 5, 3, 2), ("2026Q3", 2, 1, 1)]
    assert t.failed == 3
    q2 = t.raw["cycles"][1]["errors"]
    assert (q2[0]["id"], q2[0]["error"]["code"]) == ("gone", "missing_input")
    assert q2[0]["error"]["path"].startswith("values.")
    assert (q2[1]["id"], q2[1]["error"]["code"], q2[1]["error"]["path"]) == (None, "invalid_input", "employees[4]")
    q3 = t.raw["cycles"][2]["errors"]
    assert (q3[0]["id"], q3[0]["error"]["code"]) == ("typo", "invalid_input")
    # The same as rows: one per failed employee, with its cycle.
    monkeypatch.setitem(sys.modules, "pandas", None)
    rows = kaohe.trend(_with_failures(), by="dept").errors
    assert [(r["cycle"], r["id"], r["code"]) for r in rows] == [
        ("2026Q2", "gone", "missing_input"),
        ("2026Q2", None, "invalid_input"),
        ("2026Q3", "typo", "invalid_input"),
    ]
    assert all(isinstance(r["path"], str) and r["message"] for r in rows)


def test_trend_bad_cycles() -> None:
    scheme = kaohe.Scheme.from_file(V1)
    with pytest.raises(TypeError):
        kaohe.trend([("2026Q1", "not a scheme", STORES)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        kaohe.trend([("2026Q1", scheme, 42)])  # type: ignore[list-item]


def test_bad_language_and_threshold() -> None:
    scheme = kaohe.Scheme.from_file(V1)
    with pytest.raises(ValueError):
        kaohe.analyze(scheme, STORES, lang="fr")
    with pytest.raises(ValueError):
        kaohe.analyze(scheme, STORES, threshold="lots")


def _subset(want: Any, got: Any, path: str, diffs: List[str]) -> None:
    if isinstance(want, dict):
        for k, v in want.items():
            if k not in got:
                if v is not None:
                    diffs.append(f"{path}.{k}: missing")
            else:
                _subset(v, got[k], f"{path}.{k}", diffs)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(want) != len(got):
            diffs.append(f"{path}: expected {len(want)} items, got {got!r}")
            return
        for i, (w, g) in enumerate(zip(want, got)):
            _subset(w, g, f"{path}[{i}]", diffs)
    else:
        try:
            same = Decimal(str(want)) == Decimal(str(got)) if not isinstance(want, bool) else want == got
        except Exception:
            same = want == got
        if not same:
            diffs.append(f"{path}: expected {want!r}, got {got!r}")


@pytest.mark.parametrize(
    "path", sorted((ROOT / "spec" / "vectors" / "analytics").glob("*.json")), ids=lambda p: Path(p).stem
)
def test_analytics_vectors(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    kind = case["kind"]
    if kind == "analyze":
        o = case.get("options", {})
        got = kaohe.analyze(
            kaohe.Scheme.from_dict(case["scheme"]),
            case["employees"],
            by=o.get("by"),
            threshold=o.get("threshold"),
            quotas=o.get("quotas"),
            calibrated=o.get("calibrated"),
            lang=o.get("lang", "zh"),
        ).raw
    elif kind == "whatif":
        got = kaohe.whatif(
            kaohe.Scheme.from_dict(case["scheme"]), kaohe.Scheme.from_dict(case["scheme_b"]), case["employees"]
        ).raw
    elif kind == "trend":
        # One frame row per group and cycle, the grades flattened into grade.<G> columns.
        got = {"trend": rows(kaohe.trend(_trend_cycles(case), by=case.get("options", {}).get("by")).points)}
        want = {"trend": [_flat_grades(p) for p in case["expect"]["trend"]]}
    else:
        pytest.skip(f"{kind} vectors are replayed by the Rust tests only")
    diffs: List[str] = []
    _subset(want if kind == "trend" else case["expect"], got, "", diffs)
    assert not diffs, "\n".join(diffs)
