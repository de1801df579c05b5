"""Errors: exception classes by kind, codes, locations, the full list of scheme problems,
and panics that reach Python only as KaoheError."""

from __future__ import annotations

import json
import pickle
import time
from typing import Any, Dict

import pytest

import kaohe
from conftest import PHOTO_SCHEME, ROOT

VECTORS = ROOT / "spec" / "vectors"


def _scheme_of(name: str) -> Dict[str, Any]:
    scheme: Dict[str, Any] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))["scheme"]
    return scheme


BROKEN = {
    "id": "broken",
    "version": "1",
    "name": "Broken",
    "inputs": {"a": {"type": "number"}},
    "derived": {"d": "a *"},
    "indicators": [
        {"id": "i", "name": "I", "weight": 60, "value": "a", "scoring": {"type": "ratio", "target": 1}},
        {"id": "i", "name": "J", "weight": 30, "value": "zz", "scoring": {"type": "ratio", "target": 1}},
    ],
}


def test_hierarchy() -> None:
    for cls in (kaohe.SchemeError, kaohe.InputError, kaohe.ScriptError):
        assert issubclass(cls, kaohe.KaoheError)
    assert issubclass(kaohe.KaoheError, Exception)


def test_scheme_error_lists_every_problem() -> None:
    with pytest.raises(kaohe.SchemeError) as info:
        kaohe.Scheme.from_dict(BROKEN)
    e = info.value
    codes = [p.code for p in e.errors]
    assert codes == ["script_compile", "duplicate_id", "unknown_name", "weights_mismatch"]
    assert (e.code, e.path, e.line, e.column) == ("script_compile", "derived.d", 1, 4)
    assert e.message == e.errors[0].message
    dup = e.errors[1]
    assert isinstance(dup, kaohe.KaoheError) and dup.path == "indicators[1].id"
    assert e.errors[2].to_dict() == {
        "code": "unknown_name",
        "message": e.errors[2].message,
        "path": "indicators[1].value",
        "line": 1,
        "column": 1,
    }
    text = str(e)
    assert text.startswith("the scheme has 4 problems")
    assert "[weights_mismatch] indicators: the top-level weights sum to 90, not 100" in text


def test_scheme_errors_from_text_point_at_lines() -> None:
    with pytest.raises(kaohe.SchemeError) as info:
        kaohe.Scheme.from_json('{"id": 1,')
    assert info.value.code == "invalid_scheme" and info.value.line == 1
    with pytest.raises(kaohe.SchemeError) as info:
        kaohe.Scheme.from_yaml("id: [")
    assert info.value.code == "invalid_scheme" and info.value.line is not None
    with pytest.raises(kaohe.SchemeError) as info:
        kaohe.Scheme.from_dict({"id": "x", "version": "1", "name": "X", "indicators": [{"weight": object()}]})
    assert info.value.code == "invalid_scheme" and info.value.path == "indicators[0].weight"


@pytest.mark.parametrize(
    "name, code",
    [
        ("scheme-duplicate-id", "duplicate_id"),
        ("scheme-weights-nested", "weights_mismatch"),
        ("scheme-unknown-name-script", "unknown_name"),
        ("scheme-when-syntax", "script_compile"),
        ("scheme-cycle-three", "dependency_cycle"),
        ("scheme-unknown-scoring-type", "invalid_scheme"),
    ],
)
def test_scheme_codes(name: str, code: str) -> None:
    with pytest.raises(kaohe.SchemeError) as info:
        kaohe.Scheme.from_dict(_scheme_of(name))
    assert code in [p.code for p in info.value.errors]


def test_io_error(tmp_path: Any) -> None:
    with pytest.raises(kaohe.KaoheError) as info:
        kaohe.Scheme.from_file(tmp_path / "missing.json")
    assert type(info.value) is kaohe.KaoheError
    assert info.value.code == "io_error"
    assert "missing.json" in info.value.message


def test_input_errors(photo_scheme: kaohe.Scheme) -> None:
    values = {"consultations": 40, "orders": 18, "satisfaction": 4.5, "repeat_rate": 0.35}
    with pytest.raises(kaohe.InputError) as info:
        photo_scheme.score({"id": "X", "values": dict(values, satisfaction=9)})
    assert (info.value.code, info.value.path) == ("invalid_input", "values.satisfaction")
    assert "above its maximum 5" in info.value.message
    with pytest.raises(kaohe.InputError) as info:
        photo_scheme.score({"id": "X", "values": {"orders": 1}})
    assert info.value.code == "missing_input"
    with pytest.raises(kaohe.InputError) as info:
        photo_scheme.score({"values": values})
    assert info.value.code == "invalid_input"
    with pytest.raises(kaohe.InputError) as info:
        photo_scheme.score({"id": "X", "values": {"consultations": {1, 2}}})
    assert (info.value.code, info.value.path) == ("invalid_input", "values.consultations")
    with pytest.raises(kaohe.InputError) as info:
        photo_scheme.score({"id": "X", "values": {"consultations": float("inf")}})
    assert info.value.code == "invalid_input"
    with pytest.raises(kaohe.InputError) as info:
        photo_scheme.score({"id": "X", "values": {1: 2}})
    assert "keys must be text" in info.value.message
    looped: Dict[str, Any] = {"id": "X"}
    looped["values"] = looped
    with pytest.raises(kaohe.InputError):
        photo_scheme.score(looped)


def test_script_errors() -> None:
    runtime = kaohe.Scheme.from_dict(_scheme_of("employee-script-runtime"))
    with pytest.raises(kaohe.ScriptError) as info:
        runtime.score({"id": "E2", "values": {"orders": 3, "consultations": 0}})
    assert info.value.code == "script_runtime" and info.value.path
    limit = kaohe.Scheme.from_dict(_scheme_of("employee-script-limit"))
    start = time.perf_counter()
    with pytest.raises(kaohe.ScriptError) as info:
        limit.score({"id": "L2", "values": {"tasks": 101}})
    assert info.value.code == "script_limit"
    assert time.perf_counter() - start < 5


def test_score_json_errors() -> None:
    scheme = PHOTO_SCHEME.read_text(encoding="utf-8")
    with pytest.raises(kaohe.InputError) as info:
        kaohe.score_json(scheme, "[{")
    assert info.value.code == "invalid_document" and info.value.line == 1
    with pytest.raises(kaohe.SchemeError) as scheme_info:
        kaohe.score_json(json.dumps(BROKEN), "[]")
    assert len(scheme_info.value.errors) == 4
    one_bad = json.loads(kaohe.score_json(scheme, '[{"id": "a"}]'))
    assert one_bad[0]["error"]["code"] == "missing_input"


def test_panics_become_internal_errors() -> None:
    from kaohe import _kaohe

    with pytest.raises(kaohe.KaoheError) as info:
        _kaohe._panic_for_test("boom")
    assert type(info.value) is kaohe.KaoheError
    assert info.value.code == "internal_error"
    assert "boom" in info.value.message
    # The module still works afterwards.
    assert kaohe.Scheme.from_file(PHOTO_SCHEME).id == "photo-studio-ops"


def test_exceptions_pickle() -> None:
    with pytest.raises(kaohe.SchemeError) as info:
        kaohe.Scheme.from_dict(BROKEN)
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is kaohe.SchemeError
    assert (clone.code, clone.path, clone.line, clone.column) == ("script_compile", "derived.d", 1, 4)
    assert [p.code for p in clone.errors] == [p.code for p in info.value.errors]
    assert str(clone) == str(info.value)
    err = kaohe.InputError("bad", "invalid_input", "values.x")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is kaohe.InputError and again.to_dict() == err.to_dict()
    assert str(err) == "[invalid_input] values.x: bad"


def test_employee_error_raises_as_its_class(photo_scheme: kaohe.Scheme) -> None:
    runtime = kaohe.Scheme.from_dict(_scheme_of("employee-script-runtime"))
    [entry] = runtime.score_many([{"id": "E2", "values": {"orders": 3, "consultations": 0}}])
    assert isinstance(entry, kaohe.EmployeeError)
    with pytest.raises(kaohe.ScriptError):
        raise entry.error
