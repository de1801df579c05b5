//! Results as Python objects: a `ScoreCard` per scored employee, an
//! `EmployeeError` in the place of one that failed.
//!
//! Each object holds the core's value and converts a field only when it is read,
//! so a batch of a hundred thousand cards costs one small object each.

use std::fmt::Write as _;

use kaohe::result::outcome_to_json;
use kaohe::{Actual, AdjustmentResult, Decimal, EmployeeError, IndicatorResult, Lang, ScoreCard};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

use crate::convert::{decimal, map_to_py, opt_decimal, to_py};
use crate::errors::{exception, guard};

/// The result for one employee.
#[pyclass(frozen, module = "kaohe", name = "ScoreCard")]
pub struct PyScoreCard {
    pub(crate) card: ScoreCard,
    pub(crate) scheme: kaohe::Scheme,
}

/// A text as Python's `repr` writes it (`'E001'`).
pub(crate) fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let n = u32::from(c);
                let _ = if n < 0x100 { write!(out, "\\x{n:02x}") } else { write!(out, "\\u{n:04x}") };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn opt_repr(text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_owned(), py_repr)
}

fn opt_text(d: Option<&Decimal>) -> String {
    d.map_or_else(|| "None".to_owned(), ToString::to_string)
}

fn actual_to_py<'py>(py: Python<'py>, a: Option<&Actual>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match a {
        None => py.None().into_bound(py),
        Some(Actual::Number(d)) => decimal(py, d)?,
        Some(Actual::Bool(b)) => PyBool::new(py, *b).to_owned().into_any(),
        Some(Actual::Text(t)) => PyString::new(py, t).into_any(),
    })
}

fn actual_text(a: Option<&Actual>) -> String {
    match a {
        None => String::new(),
        Some(Actual::Number(d)) => kaohe::num::normalized(*d).to_string(),
        Some(Actual::Bool(b)) => b.to_string(),
        Some(Actual::Text(t)) => t.clone(),
    }
}

#[pymethods]
impl PyScoreCard {
    /// Employee id.
    #[getter]
    fn id(&self) -> &str {
        &self.card.id
    }

    /// Final score, rounded.
    #[getter]
    fn score<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, &self.card.score)
    }

    /// Grade, if a band matched (or a veto set it).
    #[getter]
    fn grade(&self) -> Option<&str> {
        self.card.grade.as_deref()
    }

    /// The grade's performance coefficient.
    #[getter]
    fn coefficient<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.card.coefficient.as_ref())
    }

    /// Sum of the rounded indicator points, before adjustments.
    #[getter]
    fn subtotal<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, &self.card.subtotal)
    }

    /// Leaf indicators in document order.
    #[getter]
    fn indicators(&self) -> Vec<PyIndicatorResult> {
        self.card.indicators.iter().map(|i| PyIndicatorResult { inner: i.clone() }).collect()
    }

    /// Adjustments evaluated, in order (none after an applied veto).
    #[getter]
    fn adjustments(&self) -> Vec<PyAdjustmentResult> {
        self.card.adjustments.iter().map(|a| PyAdjustmentResult { inner: a.clone() }).collect()
    }

    /// The employee's attributes, kept beside the result.
    #[getter]
    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.card.attributes)
    }

    /// The scheme that produced this result.
    #[getter]
    fn scheme(&self) -> PySchemeRef {
        PySchemeRef {
            id: self.card.scheme.id.clone(),
            version: self.card.scheme.version.clone(),
            hash: self.card.scheme.hash.clone(),
        }
    }

    /// The id of the veto that decided this result, if one did.
    #[getter]
    fn vetoed_by(&self) -> Option<&str> {
        self.card.vetoed_by()
    }

    /// The line of one indicator, or `None` when the scheme has no such leaf.
    fn indicator(&self, id: &str) -> Option<PyIndicatorResult> {
        self.card.indicator(id).map(|i| PyIndicatorResult { inner: i.clone() })
    }

    /// The result in the contract's JSON shape, as `json.loads` gives it
    /// (decimals as strings): exactly one entry of `kaohe score --format json`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || to_py(py, &self.card.to_json()))
    }

    /// The score's sources in words: each indicator's actual, target, achievement and
    /// points, each adjustment and why, the grade band. `lang` is `"zh"` or `"en"`.
    #[pyo3(signature = (lang = "zh"))]
    fn explain(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        let lang = Lang::parse(lang)
            .ok_or_else(|| PyValueError::new_err(format!("unknown language {lang:?}: use \"zh\" or \"en\"")))?;
        guard(py, || Ok(self.scheme.explain(&self.card, lang)))
    }

    fn __repr__(&self) -> String {
        let c = &self.card;
        format!(
            "ScoreCard(id={}, score={}, grade={}, coefficient={}, subtotal={})",
            py_repr(&c.id),
            c.score,
            opt_repr(c.grade.as_deref()),
            opt_text(c.coefficient.as_ref()),
            c.subtotal
        )
    }

    fn _repr_html_(&self) -> String {
        let c = &self.card;
        let mut h = String::new();
        let _ = write!(
            h,
            "<div class=\"kaohe-scorecard\"><p><b>{}</b>: score <b>{}</b>",
            kaohe::report::esc(&c.id),
            c.score
        );
        if let Some(g) = &c.grade {
            let _ = write!(h, ", grade <b>{}</b>", kaohe::report::esc(g));
        }
        if let Some(k) = &c.coefficient {
            let _ = write!(h, ", coefficient {k}");
        }
        let _ = write!(h, " (subtotal {})</p>", c.subtotal);
        h.push_str(
            "<table><thead><tr><th>indicator</th><th>actual</th><th>achievement</th>\
             <th>weight</th><th>points</th><th>status</th></tr></thead><tbody>",
        );
        for i in &c.indicators {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                kaohe::report::esc(&i.id),
                kaohe::report::esc(&actual_text(i.actual.as_ref())),
                i.achievement.map_or_else(String::new, |a| a.to_string()),
                i.weight,
                i.points.map_or_else(String::new, |p| p.to_string()),
                i.status.as_str()
            );
        }
        h.push_str("</tbody></table>");
        if !c.adjustments.is_empty() {
            h.push_str("<table><thead><tr><th>adjustment</th><th>applied</th><th>delta</th></tr></thead><tbody>");
            for a in &c.adjustments {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    kaohe::report::esc(&a.id),
                    if a.veto {
                        "veto"
                    } else if a.applied {
                        "yes"
                    } else {
                        "no"
                    },
                    a.delta
                );
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</div>");
        h
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyScoreCard>().is_ok_and(|o| o.get().card == self.card)
    }
}

/// One indicator's line of a score card.
#[pyclass(frozen, eq, module = "kaohe", name = "IndicatorResult")]
#[derive(PartialEq)]
pub struct PyIndicatorResult {
    inner: IndicatorResult,
}

#[pymethods]
impl PyIndicatorResult {
    /// Indicator id.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// The actual value as scored (for ratings the combined rating); `None` without one.
    #[getter]
    fn actual<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        actual_to_py(py, self.inner.actual.as_ref())
    }

    /// Achievement, 1 = 100 % (`None` when excluded).
    #[getter]
    fn achievement<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.inner.achievement.as_ref())
    }

    /// Effective weight after renormalisation (0 when excluded).
    #[getter]
    fn weight<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, &self.inner.weight)
    }

    /// Rounded points (`None` when excluded).
    #[getter]
    fn points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.inner.points.as_ref())
    }

    /// `"scored"`, `"missing_zero"` or `"excluded"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }

    /// This line in the contract's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = serde_json::to_value(&self.inner)
            .map_err(|e| crate::errors::to_pyerr(py, &crate::errors::internal(e.to_string())))?;
        to_py(py, &v)
    }

    fn __repr__(&self) -> String {
        let i = &self.inner;
        let actual = match &i.actual {
            None => "None".to_owned(),
            Some(Actual::Text(t)) => py_repr(t),
            Some(Actual::Bool(b)) => if *b { "True" } else { "False" }.to_owned(),
            Some(a) => actual_text(Some(a)),
        };
        format!(
            "IndicatorResult(id={}, actual={}, achievement={}, weight={}, points={}, status={})",
            py_repr(&i.id),
            actual,
            opt_text(i.achievement.as_ref()),
            i.weight,
            opt_text(i.points.as_ref()),
            py_repr(i.status.as_str())
        )
    }
}

/// One adjustment's line of a score card.
#[pyclass(frozen, eq, module = "kaohe", name = "AdjustmentResult")]
#[derive(PartialEq)]
pub struct PyAdjustmentResult {
    inner: AdjustmentResult,
}

#[pymethods]
impl PyAdjustmentResult {
    /// Adjustment id.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// Whether it took effect.
    #[getter]
    fn applied(&self) -> bool {
        self.inner.applied
    }

    /// How much it changed the running total.
    #[getter]
    fn delta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, &self.inner.delta)
    }

    /// Whether it was a veto that took effect.
    #[getter]
    fn veto(&self) -> bool {
        self.inner.veto
    }

    /// This line in the contract's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = serde_json::to_value(&self.inner)
            .map_err(|e| crate::errors::to_pyerr(py, &crate::errors::internal(e.to_string())))?;
        to_py(py, &v)
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!(
            "AdjustmentResult(id={}, applied={}, delta={}, veto={})",
            py_repr(&a.id),
            if a.applied { "True" } else { "False" },
            a.delta,
            if a.veto { "True" } else { "False" }
        )
    }
}

/// The scheme that produced a result: id, version and `sha256:` hash.
#[pyclass(frozen, eq, get_all, module = "kaohe", name = "SchemeRef")]
#[derive(PartialEq)]
pub struct PySchemeRef {
    /// Scheme id.
    id: String,
    /// Scheme version.
    version: String,
    /// `sha256:…` of the scheme's canonical serialization.
    hash: String,
}

#[pymethods]
impl PySchemeRef {
    fn __repr__(&self) -> String {
        format!("SchemeRef(id={}, version={}, hash={})", py_repr(&self.id), py_repr(&self.version), py_repr(&self.hash))
    }
}

/// An employee that could not be scored, in its place in a batch.
#[pyclass(frozen, eq, module = "kaohe", name = "EmployeeError")]
#[derive(PartialEq)]
pub struct PyEmployeeError {
    pub(crate) inner: EmployeeError,
}

#[pymethods]
impl PyEmployeeError {
    /// Employee id (`None` when the record had none).
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }

    /// The stable error code (`invalid_input`, `script_runtime`…).
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.error.code.as_str()
    }

    /// What went wrong.
    #[getter]
    fn message(&self) -> &str {
        &self.inner.error.message
    }

    /// JSON path of the offending value (`values.sales`), if known.
    #[getter]
    fn path(&self) -> Option<&str> {
        self.inner.error.path.as_deref()
    }

    /// Line inside a script, if known.
    #[getter]
    fn line(&self) -> Option<u32> {
        self.inner.error.line
    }

    /// Column inside a script, if known.
    #[getter]
    fn column(&self) -> Option<u32> {
        self.inner.error.column
    }

    /// The error as an exception object (`InputError`, `ScriptError`…), ready to raise.
    #[getter]
    fn error<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        exception(py, &self.inner.error)
    }

    /// This entry in the contract's JSON shape: `{"id", "error": {"code", "message", ...}}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || to_py(py, &outcome_to_json(&Err(self.inner.clone()))))
    }

    fn __repr__(&self) -> String {
        format!(
            "EmployeeError(id={}, code={}, message={}{})",
            opt_repr(self.inner.id.as_deref()),
            py_repr(self.inner.error.code.as_str()),
            py_repr(&self.inner.error.message),
            self.inner.error.path.as_deref().map_or_else(String::new, |p| format!(", path={}", py_repr(p)))
        )
    }
}
