"""kaohe (考核): a rules-and-scoring engine for employee performance appraisal.

One scheme describes indicators with weights and targets, scoring curves, bonus and
deduction items, veto items, grades and performance coefficients. kaohe compiles it
once and scores employees with exact decimal arithmetic::

    import kaohe

    scheme = kaohe.Scheme.from_file("scheme.json")
    card = scheme.score({"id": "E001", "values": {"sales": 150}})
    card.score          # Decimal('75.00')
    card.explain("en")  # where the score came from, in words

``scheme.score_many(records)`` scores a batch in parallel, ``scheme.score_frame(df)`` a
pandas or polars DataFrame. ``scheme.calibrate(records)`` ranks the population and applies
its forced distribution, roll-up and pay; ``calibration_rows(result)`` flattens the result
for ``pandas.DataFrame``. ``scheme.explain_employee(id, records)`` explains one employee,
the segments of a mid-cycle transfer combined by days worked. ``kaohe.analyze``, ``kaohe.whatif``, ``kaohe.trend`` and
``kaohe.report_html`` give analytics, what-if and trend results as DataFrames, and the
HTML report. Failures raise ``KaoheError`` subclasses carrying the core's error ``code``.
"""

from ._analytics import Analysis, Trend, WhatIf, analyze, report_html, trend, whatif
from ._errors import InputError, KaoheError, SchemeError, ScriptError
from ._kaohe import (
    ERROR_CODES,
    AdjustmentResult,
    EmployeeError,
    IndicatorResult,
    Scheme,
    SchemeRef,
    ScoreCard,
    __version__,
    calibrate_json,
    explain_json,
    score_json,
)
from ._population import calibration_rows

__all__ = [
    "ERROR_CODES",
    "AdjustmentResult",
    "Analysis",
    "EmployeeError",
    "IndicatorResult",
    "InputError",
    "KaoheError",
    "Scheme",
    "SchemeError",
    "SchemeRef",
    "ScoreCard",
    "ScriptError",
    "Trend",
    "WhatIf",
    "__version__",
    "analyze",
    "calibrate_json",
    "calibration_rows",
    "explain_json",
    "report_html",
    "score_json",
    "trend",
    "whatif",
]
