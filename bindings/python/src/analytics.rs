//! Analytics, what-if and the HTML report for Python: the core computes, the results
//! cross as JSON text, and `kaohe._analytics` turns them into DataFrames.

use kaohe::analytics::{AnalyzeOptions, AnomalyOptions, QuotaView};
use kaohe::{Employee, ErrorCode, KaoheError, Lang};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::PyScheme;
use crate::errors::{guard, internal, to_pyerr};

/// Reads employee records; unreadable ones are counted as failed.
fn read(py: Python<'_>, employees: &Bound<'_, PyAny>) -> PyResult<(Vec<Employee>, usize)> {
    let entries = crate::read_entries(py, employees)?;
    let unreadable = entries.iter().filter(|e| e.is_err()).count();
    Ok((entries.into_iter().filter_map(Result::ok).collect(), unreadable))
}

fn lang(tag: &str) -> PyResult<Lang> {
    Lang::parse(tag).ok_or_else(|| PyValueError::new_err(format!("unknown language {tag:?}: use \"zh\" or \"en\"")))
}

fn options(
    py: Python<'_>,
    by: Option<String>,
    threshold: Option<&str>,
    quotas_json: Option<&str>,
    calibrated: Option<Vec<Option<String>>>,
    lang: Lang,
) -> PyResult<AnalyzeOptions> {
    let mut anomaly = AnomalyOptions::default();
    if let Some(t) = threshold {
        anomaly.threshold = kaohe::num::parse_decimal(t)
            .ok_or_else(|| PyValueError::new_err(format!("threshold must be a number, got {t:?}")))?;
    }
    let quotas: Vec<QuotaView> = match quotas_json {
        Some(q) => serde_json::from_str(q).map_err(|e| {
            to_pyerr(py, &KaoheError::new(ErrorCode::InvalidInput, format!("quotas: {e}")).at("quotas"))
        })?,
        None => Vec::new(),
    };
    Ok(AnalyzeOptions { by, calibrated, quotas, anomaly, lang })
}

fn json_error(py: Python<'_>, e: &serde_json::Error) -> PyErr {
    to_pyerr(py, &internal(e.to_string()))
}

struct Scored {
    employees: Vec<Employee>,
    cards: Vec<kaohe::ScoreCard>,
    failed: usize,
}

fn score(scheme: &kaohe::Scheme, employees: Vec<Employee>, unreadable: usize) -> Scored {
    let outcomes = scheme.score_many_par(&employees);
    let failed = unreadable + outcomes.iter().filter(|o| o.is_err()).count();
    let cards = outcomes.into_iter().filter_map(Result::ok).collect();
    Scored { employees, cards, failed }
}

/// The analysis of a population as JSON text (see `kaohe.analyze`).
#[pyfunction]
#[pyo3(signature = (scheme, employees, by = None, threshold = None, quotas_json = None, calibrated = None, lang = "zh"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _analyze_json(
    py: Python<'_>,
    scheme: &Bound<'_, PyScheme>,
    employees: &Bound<'_, PyAny>,
    by: Option<String>,
    threshold: Option<&str>,
    quotas_json: Option<&str>,
    calibrated: Option<Vec<Option<String>>>,
    lang: &str,
) -> PyResult<String> {
    let lang = self::lang(lang)?;
    guard(py, || {
        let (emps, unreadable) = read(py, employees)?;
        let opts = options(py, by, threshold, quotas_json, calibrated, lang)?;
        let scheme = &scheme.get().inner;
        let a = py.detach(move || {
            let s = score(scheme, emps, unreadable);
            kaohe::analytics::analyze(scheme, &s.employees, &s.cards, s.failed, &opts)
        });
        serde_json::to_string(&a).map_err(|e| json_error(py, &e))
    })
}

/// The what-if of two schemes over the same employees as JSON text (see `kaohe.whatif`).
#[pyfunction]
pub(crate) fn _whatif_json(
    py: Python<'_>,
    scheme_a: &Bound<'_, PyScheme>,
    scheme_b: &Bound<'_, PyScheme>,
    employees: &Bound<'_, PyAny>,
) -> PyResult<String> {
    guard(py, || {
        let (emps, _) = read(py, employees)?;
        let (a, b) = (&scheme_a.get().inner, &scheme_b.get().inner);
        let w = py.detach(move || kaohe::whatif::whatif(a, b, &emps));
        serde_json::to_string(&w).map_err(|e| json_error(py, &e))
    })
}

/// A group's figures across cycles as JSON text (see `kaohe.trend`): each cycle
/// `(label, scheme, employees)` is scored under its own scheme; the result is
/// `{points, cycles}`, each cycle with its employees, scored, failed and errors.
#[pyfunction]
#[pyo3(signature = (cycles, by = None))]
pub(crate) fn _trend_json(
    py: Python<'_>,
    cycles: Vec<(String, Bound<'_, PyScheme>, Bound<'_, PyAny>)>,
    by: Option<String>,
) -> PyResult<String> {
    guard(py, || {
        let mut read_cycles = Vec::with_capacity(cycles.len());
        for (label, scheme, employees) in &cycles {
            read_cycles.push((label.clone(), &scheme.get().inner, crate::read_entries(py, employees)?));
        }
        let t = py.detach(move || {
            let scored = read_cycles
                .into_iter()
                .map(|(label, scheme, entries)| (label, scheme.score_entries_par(&entries)))
                .collect();
            kaohe::analytics::trend::trend_outcomes(scored, by.as_deref())
        });
        serde_json::to_string(&t).map_err(|e| json_error(py, &e))
    })
}

/// The self-contained HTML report (see `kaohe.report_html`).
#[pyfunction]
#[pyo3(signature = (scheme, employees, whatif = None, by = None, threshold = None, quotas_json = None, lang = "zh", generated = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _report_html(
    py: Python<'_>,
    scheme: &Bound<'_, PyScheme>,
    employees: &Bound<'_, PyAny>,
    whatif: Option<&Bound<'_, PyScheme>>,
    by: Option<String>,
    threshold: Option<&str>,
    quotas_json: Option<&str>,
    lang: &str,
    generated: Option<String>,
) -> PyResult<String> {
    let lang = self::lang(lang)?;
    guard(py, || {
        let (emps, unreadable) = read(py, employees)?;
        let opts = options(py, by, threshold, quotas_json, None, lang)?;
        let scheme = &scheme.get().inner;
        let b = whatif.map(|b| b.get().inner.clone());
        Ok(py.detach(move || {
            let s = score(scheme, emps, unreadable);
            let analysis = kaohe::analytics::analyze(scheme, &s.employees, &s.cards, s.failed, &opts);
            let w = b.as_ref().map(|b| (b, kaohe::whatif::whatif(scheme, b, &s.employees)));
            kaohe::report::render(&kaohe::report::ReportInput {
                scheme,
                analysis: &analysis,
                cards: &s.cards,
                whatif: w.as_ref().map(|(b, w)| (*b, w)),
                lang,
                generated: generated.as_deref(),
            })
        }))
    })
}
