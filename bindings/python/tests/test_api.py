"""The typed API: loading, scoring, results, conversions."""

from __future__ import annotations

import copy
import json
import pickle
from decimal import Decimal
from typing import Any, Dict, List

import pytest

import kaohe
from conftest import EXAMPLES, PHOTO_EMPLOYEES, PHOTO_SCHEME

E001 = {
    "id": "E001",
    "attributes": {"name": "林晓", "level": "P5"},
    "values": {"consultations": 40, "orders": 18, "satisfaction": 4.5, "repeat_rate": 0.35},
}

RATING_SCHEME = {
    "id": "r",
    "version": "1",
    "name": "Ratings",
    "inputs": {"feedback": {"type": "ratings"}, "sales": {"type": "number"}},
    "indicators": [
        {
            "id": "feedback",
            "name": "360",
            "weight": 50,
            "value": "feedback",
            "scoring": {"type": "rating", "scale": [1, 5], "raters": {"manager": 50, "peer": 50}},
        },
        {"id": "sales", "name": "Sales", "weight": 50, "value": "sales", "scoring": {"type": "ratio", "target": 3}},
    ],
}


def test_load_every_way(photo_scheme: kaohe.Scheme) -> None:
    text = PHOTO_SCHEME.read_text(encoding="utf-8")
    from_json = kaohe.Scheme.from_json(text)
    from_dict = kaohe.Scheme.from_dict(json.loads(text))
    from_yaml_file = kaohe.Scheme.from_file(EXAMPLES / "photo-studio" / "scheme.yaml")
    from_yaml = kaohe.Scheme.from_yaml((EXAMPLES / "photo-studio" / "scheme.yaml").read_text(encoding="utf-8"))
    from_str_path = kaohe.Scheme.from_file(str(PHOTO_SCHEME))
    hashes = {s.hash for s in (photo_scheme, from_json, from_dict, from_yaml_file, from_yaml, from_str_path)}
    assert len(hashes) == 1
    assert photo_scheme.hash.startswith("sha256:")
    assert photo_scheme.id == "photo-studio-ops"
    assert photo_scheme.version == "2026.1"
    assert photo_scheme.indicator_ids == ["conversion", "satisfaction", "repeat"]
    assert set(photo_scheme.input_names) == {"consultations", "orders", "satisfaction", "repeat_rate", "late_count"}
    assert photo_scheme.name("en") == "Photo studio operations, monthly"
    assert photo_scheme.name() == "影楼运营部月度考核"
    assert repr(photo_scheme) == "Scheme(id='photo-studio-ops', version='2026.1', indicators=3)"


def test_check_summarises(photo_scheme: kaohe.Scheme) -> None:
    report = photo_scheme.check()
    assert report["id"] == "photo-studio-ops" and report["version"] == "2026.1"
    assert report["hash"] == photo_scheme.hash
    assert report["name"]["en"] == "Photo studio operations, monthly"
    assert [i["id"] for i in report["indicators"]] == ["conversion", "satisfaction", "repeat"]
    conversion = report["indicators"][0]
    assert conversion == {
        "id": "conversion",
        "name": {"zh": "客户转化率", "en": "Conversion rate"},
        "depth": 0,
        "kind": "ratio",
        "weight": Decimal("30"),
        "effective_weight": Decimal("30"),
        "target": Decimal("0.4"),
    }
    assert set(report["inputs"]) == set(photo_scheme.input_names)
    assert set(report["expressions"]) == {"native", "script"}
    nested = kaohe.Scheme.from_file(EXAMPLES / "tech-company" / "scheme.json").check()
    groups = [i for i in nested["indicators"] if i["kind"] == "group"]
    assert groups and all(i["depth"] == 1 for i in nested["indicators"] if i["kind"] != "group")
    assert sum(i["effective_weight"] for i in nested["indicators"] if i["kind"] != "group") == 100


def test_scheme_round_trips(photo_scheme: kaohe.Scheme) -> None:
    assert kaohe.Scheme.from_dict(photo_scheme.to_dict()).hash == photo_scheme.hash
    assert kaohe.Scheme.from_json(photo_scheme.to_json()).hash == photo_scheme.hash
    clone = pickle.loads(pickle.dumps(photo_scheme))
    assert isinstance(clone, kaohe.Scheme) and clone.hash == photo_scheme.hash
    assert copy.copy(photo_scheme).hash == photo_scheme.hash


def test_scheme_cannot_be_built_bare() -> None:
    with pytest.raises(TypeError):
        kaohe.Scheme()  # type: ignore[call-arg]


def test_score_card_fields(photo_scheme: kaohe.Scheme) -> None:
    card = photo_scheme.score(E001)
    assert isinstance(card, kaohe.ScoreCard)
    assert card.id == "E001"
    assert card.score == Decimal("100.00") and str(card.score) == "100.00"
    assert isinstance(card.score, Decimal)
    assert card.grade == "S"
    assert card.coefficient == Decimal("1.5")
    assert card.subtotal == Decimal("100.00")
    assert card.attributes == {"name": "林晓", "level": "P5"}
    assert card.vetoed_by is None
    assert card.scheme.id == "photo-studio-ops"
    assert card.scheme.hash == photo_scheme.hash and card.scheme.version == "2026.1"
    ids = [i.id for i in card.indicators]
    assert ids == ["conversion", "satisfaction", "repeat"]
    conv = card.indicators[0]
    assert conv.actual == Decimal("0.45") and isinstance(conv.actual, Decimal)
    assert conv.achievement == Decimal("1")
    assert conv.weight == Decimal("30")
    assert conv.points == Decimal("30.00")
    assert conv.status == "scored"
    assert card.indicator("satisfaction") == card.indicators[1]
    assert card.indicator("nope") is None
    [late] = card.adjustments
    assert (late.id, late.applied, late.delta, late.veto) == ("lateness", False, Decimal("0"), False)
    assert late.to_dict() == {"id": "lateness", "applied": False, "delta": "0"}
    assert conv.to_dict() == {
        "id": "conversion",
        "actual": "0.45",
        "achievement": "1",
        "weight": "30",
        "points": "30.00",
        "status": "scored",
    }


def test_to_dict_is_the_cli_shape(photo_scheme: kaohe.Scheme, photo_employees: List[Dict[str, Any]]) -> None:
    text = kaohe.score_json(PHOTO_SCHEME.read_text(encoding="utf-8"), PHOTO_EMPLOYEES.read_text(encoding="utf-8"))
    expected = json.loads(text)
    cards = photo_scheme.score_many(photo_employees)
    assert [c.to_dict() for c in cards] == expected
    assert [photo_scheme.score(e).to_dict() for e in photo_employees] == expected
    first = expected[0]
    assert list(first) == ["id", "score", "grade", "coefficient", "subtotal", "indicators", "adjustments", "attributes", "scheme"]


def test_score_json_is_the_cli_text() -> None:
    scheme = PHOTO_SCHEME.read_text(encoding="utf-8")
    employees = PHOTO_EMPLOYEES.read_text(encoding="utf-8")
    text = kaohe.score_json(scheme, employees)
    assert text.startswith("[\n  {\n") and not text.endswith("\n")
    records = json.loads(employees)
    jsonl = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    assert kaohe.score_json(scheme, jsonl) == text


def test_explain(photo_scheme: kaohe.Scheme, photo_employees: List[Dict[str, Any]]) -> None:
    card = photo_scheme.score(photo_employees[2])
    en = card.explain("en")
    zh = card.explain()
    assert "E003" in en and "90.00" in en and "grade A" in en
    assert "等级 A" in zh
    assert card.explain("zh-CN") == zh
    assert photo_scheme.explain(card, "en") == en
    with pytest.raises(ValueError):
        card.explain("fr")


def test_reprs(photo_scheme: kaohe.Scheme) -> None:
    card = photo_scheme.score(E001)
    assert repr(card) == "ScoreCard(id='E001', score=100.00, grade='S', coefficient=1.5, subtotal=100.00)"
    assert repr(card.indicators[0]) == (
        "IndicatorResult(id='conversion', actual=0.45, achievement=1, weight=30, points=30.00, status='scored')"
    )
    assert repr(card.adjustments[0]) == "AdjustmentResult(id='lateness', applied=False, delta=0, veto=False)"
    assert repr(card.scheme).startswith("SchemeRef(id='photo-studio-ops', version='2026.1', hash='sha256:")
    odd = photo_scheme.score({"id": "it's \"x\"\n", "values": E001["values"]})
    assert eval(repr(odd).split("id=", 1)[1].split(", score=")[0]) == "it's \"x\"\n"
    html = card._repr_html_()
    assert html.startswith("<div") and "<table>" in html and "conversion" in html and "100.00" in html
    tricky = photo_scheme.score({"id": "<b>&", "values": E001["values"]})
    assert "&lt;b&gt;&amp;" in tricky._repr_html_()


def test_exact_numbers_in(photo_scheme: kaohe.Scheme) -> None:
    """Decimals and ints cross exactly; floats through their shortest text; NaN is absent."""
    base = {"consultations": 40, "orders": 18, "satisfaction": 4.5, "repeat_rate": 0.35}
    as_decimal = dict(base, satisfaction=Decimal("4.41"), repeat_rate=Decimal("0.2"))
    as_float = dict(base, satisfaction=4.41, repeat_rate=0.2)
    as_text = dict(base, satisfaction="4.41", repeat_rate="0.2")
    results = [photo_scheme.score({"id": "X", "values": v}).to_dict() for v in (as_decimal, as_float, as_text)]
    assert results[0] == results[1] == results[2]
    nan = photo_scheme.score({"id": "X", "values": dict(base, late_count=float("nan"))})
    assert nan.adjustments[0].applied is False
    none = photo_scheme.score({"id": "X", "values": dict(base, late_count=None)})
    assert none.to_dict() == nan.to_dict()
    big = photo_scheme.score({"id": "X", "values": dict(base, consultations=10**20)})  # beyond 64 bits
    assert big.indicator("conversion").actual == Decimal(18) / Decimal(10**20)  # type: ignore[union-attr]
    with pytest.raises(kaohe.InputError) as info:  # beyond the core's 28 digits: refused, not rounded
        photo_scheme.score({"id": "X", "values": dict(base, consultations=10**30)})
    assert str(10**30) in info.value.message


def test_numpy_scalars(photo_scheme: kaohe.Scheme) -> None:
    np = pytest.importorskip("numpy")
    values = {
        "consultations": np.int64(40),
        "orders": np.int32(18),
        "satisfaction": np.float64(4.5),
        "repeat_rate": np.float32(0.25),
        "late_count": np.int64(4),
    }
    card = photo_scheme.score({"id": "N", "values": values})
    assert card.score == Decimal("90.00")


def test_ratings_and_attributes() -> None:
    scheme = kaohe.Scheme.from_dict(RATING_SCHEME)
    card = scheme.score({"id": 7, "attributes": {"team": "A", "n": 3, "x": 1.5}, "values": {"feedback": {"manager": [4], "peer": (5, 3)}, "sales": 3}})
    assert card.id == "7"
    assert card.attributes == {"team": "A", "n": 3, "x": 1.5}
    assert card.indicator("feedback").actual == Decimal("4")
    same = scheme.score({"id": "7", "values": {"feedback": {"manager": "4", "peer": "5;3"}, "sales": "3"}})
    assert same.score == card.score


def test_score_many_keeps_order_and_places(photo_scheme: kaohe.Scheme, photo_employees: List[Dict[str, Any]]) -> None:
    bad_value = {"id": "B1", "values": dict(photo_employees[0]["values"], satisfaction=9)}
    unconvertible = {"id": "B2", "values": {"consultations": object()}}
    not_a_record = "E1"
    batch = [photo_employees[0], bad_value, unconvertible, not_a_record, photo_employees[1]]
    results = photo_scheme.score_many(iter(batch))
    assert [type(r).__name__ for r in results] == ["ScoreCard", "EmployeeError", "EmployeeError", "EmployeeError", "ScoreCard"]
    e1, e2, e3 = results[1], results[2], results[3]
    assert isinstance(e1, kaohe.EmployeeError)
    assert (e1.id, e1.code, e1.path) == ("B1", "invalid_input", "values.satisfaction")
    assert isinstance(e1.error, kaohe.InputError) and e1.error.code == "invalid_input"
    assert e1.to_dict()["error"]["code"] == "invalid_input"
    assert e1.to_dict()["id"] == "B1"
    assert isinstance(e2, kaohe.EmployeeError)
    assert (e2.id, e2.code, e2.path) == ("B2", "invalid_input", "employees[2].values.consultations")
    assert "object" in e2.message
    assert isinstance(e3, kaohe.EmployeeError) and e3.code == "invalid_input" and e3.id is None
    assert repr(e1).startswith("EmployeeError(id='B1', code='invalid_input', message=")
    assert photo_scheme.score_many([]) == []


def test_mapping_types(photo_scheme: kaohe.Scheme) -> None:
    from collections import OrderedDict
    from types import MappingProxyType

    values = MappingProxyType(dict(E001["values"]))  # type: ignore[arg-type]
    card = photo_scheme.score(OrderedDict(id="M", values=values))
    assert card.score == Decimal("100.00")


def test_error_codes_catalogue() -> None:
    assert "weights_mismatch" in kaohe.ERROR_CODES
    assert kaohe.ERROR_CODES["internal_error"]
    assert len(kaohe.ERROR_CODES) >= 14
    assert isinstance(kaohe.__version__, str)


def test_score_frame_rejects_other_things(photo_scheme: kaohe.Scheme) -> None:
    with pytest.raises(TypeError):
        photo_scheme.score_frame([E001])
