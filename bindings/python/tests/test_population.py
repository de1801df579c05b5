"""Population results through Python: every population vector via ``calibrate_json``
and ``Scheme.calibrate`` (the same result), hand-computed figures, and errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Tuple

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


TRANSFER = Path(__file__).resolve().parents[3] / "examples" / "transfer"


def _transfer() -> Tuple[str, str, str]:
    """examples/transfer: the sales scheme (it prorates), the service scheme, the employees."""
    read = lambda name: (TRANSFER / name).read_text(encoding="utf-8")  # noqa: E731
    return read("sales.json"), read("service.json"), read("employees.json")


def test_a_transfer_between_schemes_is_combined_by_days() -> None:
    # T01 moved from 客服部 (the service scheme) to 销售部 (the sales scheme) on 2026-04-01:
    # 88.00 for 90 days and 95.00 for 91 days, (88.00 × 90 + 95.00 × 91) / 181 = 16565 / 181
    # = 91.52, grade A from the sales bands, pay 10000 × 1.2 × 181/181 = 12000.00.
    sales_text, service_text, people_text = _transfer()
    sales, service = kaohe.Scheme.from_json(sales_text), kaohe.Scheme.from_json(service_text)
    people = json.loads(people_text)
    result = sales.calibrate(people, segment_schemes=[service])
    assert [m["id"] for m in result["members"]] == ["S01", "T01", "S02", "S03"]
    t01 = result["members"][1]
    assert (t01["score"], t01["raw_grade"], t01["grade"], t01["days"]) == ("91.52", "A", "A", 181)
    assert Decimal(t01["score"]) == (Decimal(16565) / 181).quantize(Decimal("0.01"))
    assert t01["pay"]["performance_pay"] == "12000.00"
    assert [(s["days"], s["score"], s["scheme"]["id"]) for s in t01["segments"]] == [
        (90, "88.00", "service-2026h1"),
        (91, "95.00", "sales-2026h1"),
    ]
    assert "errors" not in result or not result["errors"]
    # The JSON path is the same text the CLI prints, and the typed result agrees with it.
    text = kaohe.calibrate_json(sales_text, people_text, [service_text])
    assert json.loads(text) == result


def test_a_segment_naming_a_scheme_not_given_fails_at_attributes_scheme() -> None:
    sales_text, service_text, people_text = _transfer()
    sales = kaohe.Scheme.from_json(sales_text)
    result = sales.calibrate(json.loads(people_text))
    assert [m["id"] for m in result["members"]] == ["S01", "S02", "S03"]
    (error,) = result["errors"]
    assert error["id"] == "T01"
    assert (error["error"]["code"], error["error"]["path"]) == ("invalid_input", "attributes.scheme")
    assert "'service-2026h1'" in error["error"]["message"]
    assert json.loads(kaohe.calibrate_json(sales_text, people_text)) == result


def test_segment_schemes_are_checked() -> None:
    sales_text, service_text, people_text = _transfer()
    sales, service = kaohe.Scheme.from_json(sales_text), kaohe.Scheme.from_json(service_text)
    people = json.loads(people_text)
    # Only a prorating scheme combines segments.
    with pytest.raises(kaohe.SchemeError) as info:
        service.calibrate(people, segment_schemes=[sales])
    assert (info.value.code, info.value.path) == ("invalid_scheme", "population.proration")
    # One id@version once.
    with pytest.raises(kaohe.SchemeError) as info:
        sales.calibrate(people, segment_schemes=[service, service])
    assert (info.value.code, info.value.path) == ("duplicate_id", "segment_schemes[1]")
    # A segment scheme text that does not load: its problems under segment_schemes[0].
    broken = service_text.replace('"weight": 60', '"weight": 50')
    with pytest.raises(kaohe.SchemeError) as info:
        kaohe.calibrate_json(sales_text, people_text, [broken])
    assert info.value.code == "weights_mismatch"
    assert all((e.path or "").startswith("segment_schemes[0]") for e in info.value.errors)
    # Schemes only, as a keyword.
    with pytest.raises(TypeError):
        sales.calibrate(people, segment_schemes=[service_text])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        sales.calibrate(people, [service])  # type: ignore[misc]


# The segments line of T01's explanation, as `kaohe explain` prints it (cli/tests/calibrate.rs).
SEGMENTS_ZH = (
    "  分段：客服部（客服部上半年考核） 90 天 88.00 分 + 销售部（销售部上半年考核） 91 天 95.00 分，"
    "按天数加权 = 91.52 分（16565 / 181）\n"
)
SEGMENTS_EN = (
    "  Segments: 客服部 (Customer service, H1) 90 days 88.00 + 销售部 (Sales, H1) 91 days 95.00, "
    "weighted by days = 91.52 (16565 / 181)\n"
)


def test_a_transfer_is_explained_segment_by_segment() -> None:
    sales_text, service_text, people_text = _transfer()
    sales, service = kaohe.Scheme.from_json(sales_text), kaohe.Scheme.from_json(service_text)
    people = json.loads(people_text)
    zh = sales.explain_employee("T01", people, segment_schemes=[service])
    assert zh.startswith("T01 · 销售部上半年考核：总分 91.52，等级 A（绩效系数 1.2）\n" + SEGMENTS_ZH), zh
    assert "第 1 段：客服部（客服部上半年考核），2026-01-01 至 2026-03-31，90 天\n" in zh
    assert "    客户满意度 4.4，目标 5，达成 88%，得 52.80 分（权重 60）\n" in zh
    assert "第 2 段：销售部（销售部上半年考核），2026-04-01 至 2026-06-30，91 天\n" in zh
    en = sales.explain_employee("T01", people, lang="en", segment_schemes=[service])
    assert en.startswith("T01 · Sales, H1: score 91.52, grade A (coefficient 1.2)\n" + SEGMENTS_EN), en
    assert "Segment 2: 销售部 (Sales, H1), 2026-04-01 to 2026-06-30, 91 days\n" in en
    # One record: the scheme's own explanation of the card.
    s01 = next(p for p in people if p["id"] == "S01")
    assert sales.explain_employee("S01", people, segment_schemes=[service]) == sales.score(s01).explain()


def test_explain_json_is_the_text_kaohe_explain_json_prints() -> None:
    sales_text, service_text, people_text = _transfer()
    text = kaohe.explain_json(sales_text, people_text, "T01", "en", [service_text])
    assert text.startswith('{\n  "card": {'), text
    out = json.loads(text)
    assert (out["card"]["score"], out["card"]["grade"]) == ("91.52", "A")
    p = out["proration"]
    assert (p["cycle_days"], p["days"], p["weighted_sum"], p["score"]) == (181, 181, "16565.00", "91.52")
    assert [(s["days"], s["score"], s["scheme"]["id"]) for s in p["segments"]] == [
        (90, "88.00", "service-2026h1"),
        (91, "95.00", "sales-2026h1"),
    ]
    assert p["segments"][0]["attributes"]["department"] == "客服部"
    assert p["segments"][0]["card"]["indicators"][0]["points"] == "52.80"
    sales, service = kaohe.Scheme.from_json(sales_text), kaohe.Scheme.from_json(service_text)
    people = json.loads(people_text)
    assert out["text"] == sales.explain_employee("T01", people, lang="en", segment_schemes=[service])
    assert SEGMENTS_EN in out["text"]
    assert SEGMENTS_ZH in json.loads(kaohe.explain_json(sales_text, people_text, "T01", "zh", [service_text]))["text"]


def test_explaining_an_employee_fails_with_code_and_place() -> None:
    sales_text, service_text, people_text = _transfer()
    sales, service = kaohe.Scheme.from_json(sales_text), kaohe.Scheme.from_json(service_text)
    people = json.loads(people_text)
    with pytest.raises(kaohe.InputError) as info:
        sales.explain_employee("nobody", people, segment_schemes=[service])
    assert (info.value.code, info.value.path) == ("unknown_employee", "id")
    assert "'nobody'" in info.value.message
    with pytest.raises(kaohe.InputError) as info:
        kaohe.explain_json(sales_text, people_text, "nobody", "zh", [service_text])
    assert info.value.code == "unknown_employee"
    # The service scheme not given: T01's first segment names a scheme that is not there.
    with pytest.raises(kaohe.InputError) as info:
        sales.explain_employee("T01", people)
    assert (info.value.code, info.value.path) == ("invalid_input", "attributes.scheme")
    assert "'service-2026h1'" in info.value.message
    with pytest.raises(kaohe.InputError) as info:
        kaohe.explain_json(sales_text, people_text, "T01")
    assert (info.value.code, info.value.path) == ("invalid_input", "attributes.scheme")
    # Segment schemes for a scheme that does not prorate; an unknown language.
    with pytest.raises(kaohe.SchemeError) as info:
        service.explain_employee("T01", people, segment_schemes=[sales])
    assert (info.value.code, info.value.path) == ("invalid_scheme", "population.proration")
    with pytest.raises(ValueError):
        sales.explain_employee("T01", people, lang="fr", segment_schemes=[service])
    with pytest.raises(TypeError):
        sales.explain_employee("T01", people, "en")  # type: ignore[misc]
