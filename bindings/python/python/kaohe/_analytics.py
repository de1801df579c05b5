"""Analytics, what-if, trends and the HTML report, with results as DataFrames.

The core computes everything (the rules are in ``spec/README.md``, "Analytics,
anomalies and what-if"); this module turns its results into tables: pandas DataFrames
when pandas is installed, otherwise lists of dicts with the same columns. Decimal
figures (scores, shares, means, z-scores) are ``decimal.Decimal``; correlations are
floats. ``raw`` always holds the full result as the core wrote it (``kaohe analyze
--json`` / ``kaohe whatif --json``).

Employees are records ``{"id", "attributes"?, "values"}`` as for ``Scheme.score_many``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._kaohe import _analyze_json, _report_html, _trend_json, _whatif_json

if TYPE_CHECKING:
    from ._kaohe import Scheme

__all__ = ["Analysis", "Trend", "WhatIf", "analyze", "whatif", "trend", "report_html"]

#: Fields whose text values are decimals.
_DECIMALS = frozenset(
    """raw_share calibrated_share min max mean_score median_score min_score max_score rate
    mean_achievement value median spread z missing_rate q1 q3 lower_fence upper_fence
    score_a score_b delta share_a share_b mean_points_a mean_points_b mean_delta mean_abs_delta
    mean_change""".split()
)


def _row(d: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in d.items():
        if k == "grades" and isinstance(v, list) and v and isinstance(v[0], dict):
            # Per-grade counts of a group: one column per grade.
            for g in v:
                out[f"grade.{g['grade']}"] = g["count"]
        elif k == "grades" and isinstance(v, list):
            out[k] = "+".join(v)
        elif k == "examples":
            continue
        elif k in _DECIMALS and isinstance(v, str):
            out[k] = Decimal(v)
        else:
            out[k] = v
    return out


def _frame(rows: Iterable[Mapping[str, Any]], columns: Optional[Sequence[str]] = None) -> Any:
    table = [_row(r) for r in rows]
    try:
        import pandas as pd
    except ImportError:
        return table
    # With ``columns``, an empty frame still has them (e.g. no employee failed).
    return pd.DataFrame(table, columns=list(columns) if columns is not None else None)


@dataclass(frozen=True)
class Analysis:
    """Every figure of one population (see ``kaohe.analyze``)."""

    summary: Dict[str, Any]
    """scheme id and version, group-by attribute, employees, scored, failed."""
    distribution: Any
    """One row per grade: raw (and calibrated) counts and shares."""
    quotas: Any
    """One row per quota: counts, shares and status (within, below, above)."""
    groups: Any
    """One row per group: count, mean, median, min and max score, a column per grade."""
    completion: Any
    """One row per group and indicator: counted, reached, rate, mean achievement."""
    correlations: Any
    """One row per pair of variables: n, pearson, spearman."""
    quality: Any
    """One row per input: missing, missing rate, outside min/max, Tukey fences."""
    anomalies: Any
    """One row per flagged value, with the message for HR."""
    raw: Dict[str, Any] = field(repr=False)
    """The whole result as the core wrote it."""


@dataclass(frozen=True)
class WhatIf:
    """Scheme A against scheme B over the same employees (see ``kaohe.whatif``)."""

    summary: Dict[str, Any]
    """schemes, employees, compared, mean scores, how many moved up, down or changed."""
    changes: Any
    """One row per employee: both scores and grades, delta, grade move, errors."""
    distribution: Any
    """One row per grade: counts and shares under A and B."""
    indicators: Any
    """One row per indicator: mean points under A and B, mean |delta|, largest first."""
    crossings: Any
    """One row per employee whose grade moved, largest |delta| first."""
    raw: Dict[str, Any] = field(repr=False)
    """The whole result as the core wrote it."""


@dataclass(frozen=True)
class Trend:
    """A group's figures across cycles (see ``kaohe.trend``), and who failed to score."""

    points: Any
    """One row per group and cycle: count, mean and median score, mean change, a column
    per grade (``kaohe trend --json``)."""
    cycles: Any
    """One row per cycle, in the order given: cycle, employees, scored, failed."""
    errors: Any
    """One row per employee that failed to score (left out of ``points``): cycle, id,
    code, message, path."""
    raw: Dict[str, Any] = field(repr=False)
    """The whole result as the core wrote it: ``{"points", "cycles"}``, each cycle with
    its ``errors`` as ``{"id", "error": {"code", "message", "path"?}}``."""

    @property
    def failed(self) -> int:
        """Employees that failed to score, over all cycles."""
        return sum(int(c["failed"]) for c in self.raw["cycles"])


def _records(employees: Any) -> Any:
    if type(employees).__module__.split(".")[0] == "pandas":
        raise TypeError("pass employee records ({'id', 'attributes', 'values'}), e.g. a list of dicts")
    return employees


def analyze(
    scheme: "Scheme",
    employees: Iterable[Mapping[str, Any]],
    *,
    by: Optional[str] = None,
    threshold: Union[str, int, float, Decimal, None] = None,
    quotas: Optional[Sequence[Mapping[str, Any]]] = None,
    calibrated: Optional[Sequence[Optional[str]]] = None,
    lang: str = "zh",
) -> Analysis:
    """Scores ``employees`` and analyses them: grade distribution (against ``quotas``,
    ``[{"label", "grades", "min"?, "max"?}]``, shares with 1 = 100 %; ``calibrated``
    grades parallel to the employees that scored), groups by the attribute ``by``,
    completion, correlations, data quality and anomalies (robust |z| above
    ``threshold``, 3.5 by default; messages in ``lang``)."""
    raw = json.loads(
        _analyze_json(
            scheme,
            _records(employees),
            by=by,
            threshold=None if threshold is None else str(threshold),
            quotas_json=None if quotas is None else json.dumps(list(quotas), default=str),
            calibrated=None if calibrated is None else list(calibrated),
            lang=lang,
        )
    )
    summary = {k: raw[k] for k in ("scheme_id", "scheme_version", "by", "employees", "scored", "failed")}
    summary["ungraded"] = raw["distribution"]["ungraded"]
    return Analysis(
        summary=summary,
        distribution=_frame(raw["distribution"]["grades"]),
        quotas=_frame(raw["distribution"]["quotas"]),
        groups=_frame(raw["groups"]),
        completion=_frame(raw["completion"]),
        correlations=_frame(raw["correlations"]),
        quality=_frame(raw["quality"]),
        anomalies=_frame(raw["anomalies"]),
        raw=raw,
    )


def whatif(scheme_a: "Scheme", scheme_b: "Scheme", employees: Iterable[Mapping[str, Any]]) -> WhatIf:
    """Scores ``employees`` under both schemes and compares: per employee, the grade
    distribution, the indicators whose points moved most, who crosses a grade boundary."""
    raw = json.loads(_whatif_json(scheme_a, scheme_b, _records(employees)))
    keys = ("scheme_a", "scheme_b", "employees", "compared", "mean_score_a", "mean_score_b", "up", "down", "changed")
    summary = {k: (Decimal(raw[k]) if k.startswith("mean_") and raw[k] is not None else raw[k]) for k in keys}
    return WhatIf(
        summary=summary,
        changes=_frame(raw["changes"]),
        distribution=_frame(raw["distribution"]),
        indicators=_frame(raw["indicators"]),
        crossings=_frame(raw["crossings"]),
        raw=raw,
    )


def trend(cycles: Sequence[Tuple[str, "Scheme", Iterable[Mapping[str, Any]]]], by: Optional[str] = None) -> Trend:
    """Scores each cycle ``(label, scheme, employees)`` under its own scheme and gives a
    group's figures across the cycles: ``points`` has one row per group (attribute
    ``by``, first-seen order) and cycle (the order given) with count, mean and median
    score, the change of the mean since the group's previous cycle, and a column per
    grade. Employees that fail to score are left out of the points and counted instead:
    ``cycles`` (employees, scored, failed per cycle) and ``errors`` (one row each, with
    the error's code and path), as ``kaohe trend`` reports them and exits 1 on."""
    raw = json.loads(
        _trend_json([(label, scheme, _records(employees)) for label, scheme, employees in cycles], by=by)
    )
    errors = [
        {
            "cycle": c["cycle"],
            "id": e["id"],
            "code": e["error"]["code"],
            "message": e["error"]["message"],
            "path": e["error"].get("path"),
        }
        for c in raw["cycles"]
        for e in c["errors"]
    ]
    return Trend(
        points=_frame(raw["points"]),
        cycles=_frame(
            [{k: v for k, v in c.items() if k != "errors"} for c in raw["cycles"]],
            columns=("cycle", "employees", "scored", "failed"),
        ),
        errors=_frame(errors, columns=("cycle", "id", "code", "message", "path")),
        raw=raw,
    )


def report_html(
    scheme: "Scheme",
    employees: Iterable[Mapping[str, Any]],
    *,
    whatif: Optional["Scheme"] = None,
    by: Optional[str] = None,
    threshold: Union[str, int, float, Decimal, None] = None,
    quotas: Optional[Sequence[Mapping[str, Any]]] = None,
    lang: str = "zh",
    generated: Optional[str] = None,
) -> str:
    """The self-contained HTML report (as ``kaohe report`` writes it), as text."""
    return _report_html(
        scheme,
        _records(employees),
        whatif=whatif,
        by=by,
        threshold=None if threshold is None else str(threshold),
        quotas_json=None if quotas is None else json.dumps(list(quotas), default=str),
        lang=lang,
        generated=generated,
    )
