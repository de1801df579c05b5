//! Analytics, what-if and the HTML report for Node: the core computes, the results
//! come back as plain objects (JSON.parse of the core's JSON: decimals are exact
//! strings, correlations numbers), with the types in index.d.ts.

use kaohe::analytics::{AnalyzeOptions, AnomalyOptions, QuotaView};
use napi::bindgen_prelude::*;
use napi::{Env, ValueType};
use napi_derive::napi;

use crate::Scheme;
use crate::convert;
use crate::errors::{Failure, UsageKind, guard, napi_failure};

/// The options of the native analytics calls, as index.js hands them over (it turns
/// `quotas` into `quotasJson` and a numeric `threshold` into text).
#[napi(object, js_name = "NativeAnalyzeOptions")]
pub struct AnalyzeOptionsJs {
    /// Group by this employee attribute (e.g. `"department"`).
    pub by: Option<String>,
    /// Flag anomalies whose robust |z| is above this (default 3.5), as decimal text.
    pub threshold: Option<String>,
    /// Quotas as JSON text: `[{"label", "grades", "min"?, "max"?}]`.
    pub quotas_json: Option<String>,
    /// Calibrated grades, parallel to the employees that scored.
    pub calibrated: Option<Vec<Option<String>>>,
    /// Language of the messages and the report: `"zh"` (default) or `"en"`.
    pub lang: Option<String>,
    /// A date to print as "generated" (report only).
    pub generated: Option<String>,
}

fn lang(tag: Option<&str>) -> std::result::Result<kaohe::Lang, Failure> {
    match tag {
        None => Ok(kaohe::Lang::Zh),
        Some(t) => kaohe::Lang::parse(t)
            .ok_or_else(|| Failure::Usage(UsageKind::Range, format!("unknown language '{t}': use \"zh\" or \"en\""))),
    }
}

fn options(
    by: Option<String>,
    threshold: Option<&str>,
    quotas_json: Option<&str>,
    calibrated: Option<Vec<Option<String>>>,
    lang: kaohe::Lang,
) -> std::result::Result<AnalyzeOptions, Failure> {
    let mut anomaly = AnomalyOptions::default();
    if let Some(t) = threshold {
        anomaly.threshold = kaohe::num::parse_decimal(t)
            .ok_or_else(|| Failure::Usage(UsageKind::Range, format!("threshold must be a number, got '{t}'")))?;
    }
    let quotas: Vec<QuotaView> = match quotas_json {
        Some(q) => serde_json::from_str(q)
            .map_err(|e| Failure::Usage(UsageKind::Type, format!("quotas must be a list of quotas: {e}")))?,
        None => Vec::new(),
    };
    Ok(AnalyzeOptions { by, calibrated, quotas, anomaly, lang })
}

struct Scored {
    employees: Vec<kaohe::Employee>,
    cards: Vec<kaohe::ScoreCard>,
    failed: usize,
}

fn scored(scheme: &kaohe::Scheme, env: &Env, employees: Unknown<'_>) -> std::result::Result<Scored, Failure> {
    let entries = convert::employees(convert::read_batch(env, employees)?);
    let unreadable = entries.iter().filter(|e| e.is_err()).count();
    let employees: Vec<kaohe::Employee> = entries.into_iter().filter_map(|e| e.ok()).collect();
    let outcomes = scheme.score_many_par(&employees);
    let failed = unreadable + outcomes.iter().filter(|o| o.is_err()).count();
    let cards = outcomes.into_iter().filter_map(|o| o.ok()).collect();
    Ok(Scored { employees, cards, failed })
}

fn plain<'env>(
    env: &'env Env,
    text: std::result::Result<String, serde_json::Error>,
) -> std::result::Result<Unknown<'env>, Failure> {
    let text =
        text.map_err(|e| Failure::One(kaohe::KaoheError::new(kaohe::ErrorCode::Internal, e.to_string()), None))?;
    convert::parse(env, text).map_err(|e| napi_failure(&e))
}

/// Scores the employees and analyses them: grade distribution (against quotas), groups
/// (`by`), completion, correlations, data quality and anomalies.
#[napi(skip_typescript, js_name = "__analyze")]
pub fn analyze<'env>(
    env: &'env Env,
    scheme: &Scheme,
    employees: Unknown<'_>,
    options: Option<AnalyzeOptionsJs>,
) -> Result<Unknown<'env>> {
    guard(env, || {
        let o = options;
        let lang = lang(o.as_ref().and_then(|o| o.lang.as_deref()))?;
        let opts = match o {
            Some(o) => self::options(o.by, o.threshold.as_deref(), o.quotas_json.as_deref(), o.calibrated, lang)?,
            None => self::options(None, None, None, None, lang)?,
        };
        let s = scored(&scheme.inner, env, employees)?;
        let a = kaohe::analytics::analyze(&scheme.inner, &s.employees, &s.cards, s.failed, &opts);
        plain(env, serde_json::to_string(&a))
    })
}

/// Scores the employees under scheme A and scheme B and compares: per employee, the
/// grade distribution, the indicators whose points moved most, who crosses a grade boundary.
#[napi(skip_typescript, js_name = "__whatif")]
pub fn whatif<'env>(
    env: &'env Env,
    scheme_a: &Scheme,
    scheme_b: &Scheme,
    employees: Unknown<'_>,
) -> Result<Unknown<'env>> {
    guard(env, || {
        let entries = convert::employees(convert::read_batch(env, employees)?);
        let employees: Vec<kaohe::Employee> = entries.into_iter().filter_map(|e| e.ok()).collect();
        let w = kaohe::whatif::whatif(&scheme_a.inner, &scheme_b.inner, &employees);
        plain(env, serde_json::to_string(&w))
    })
}

/// One cycle of `trend`, `{label, scheme, employees}`, read and scored under its own
/// scheme: the outcomes in input order (unreadable records are failures in place).
fn cycle(env: &Env, i: usize, item: Unknown<'_>) -> std::result::Result<(String, Vec<kaohe::Outcome>), Failure> {
    let usage = || {
        Failure::Usage(
            UsageKind::Type,
            format!("cycles[{i}] must be {{label, scheme, employees}}: a string label and a Scheme"),
        )
    };
    if item.get_type().map_err(|e| napi_failure(&e))? != ValueType::Object {
        return Err(usage());
    }
    let obj = Object::from_unknown(item).map_err(|e| napi_failure(&e))?;
    let label = obj.get_named_property::<String>("label").map_err(|_| usage())?;
    let scheme = obj.get_named_property::<&Scheme>("scheme").map_err(|_| usage())?;
    let employees = obj.get_named_property::<Unknown<'_>>("employees").map_err(|e| napi_failure(&e))?;
    let entries = convert::employees(convert::read_batch(env, employees)?);
    Ok((label, scheme.inner.score_entries_par(&entries)))
}

/// Scores each cycle `{label, scheme, employees}` under its own scheme and gives a
/// group's figures across the cycles (one point per group and cycle), and per cycle
/// the employees, scored, failed and the failures (`{points, cycles}`).
#[napi(skip_typescript, js_name = "__trend")]
pub fn trend<'env>(env: &'env Env, cycles: Unknown<'_>, by: Option<String>) -> Result<Unknown<'env>> {
    guard(env, || {
        if !cycles.is_array().unwrap_or(false) {
            return Err(Failure::Usage(
                UsageKind::Type,
                "cycles must be an array of {label, scheme, employees}".to_owned(),
            ));
        }
        let items = Vec::<Unknown<'_>>::from_unknown(cycles).map_err(|e| napi_failure(&e))?;
        let scored = items
            .into_iter()
            .enumerate()
            .map(|(i, item)| cycle(env, i, item))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        plain(env, serde_json::to_string(&kaohe::analytics::trend::trend_outcomes(scored, by.as_deref())))
    })
}

/// The self-contained HTML report (as `kaohe report` writes it), as text.
#[napi(skip_typescript, js_name = "__reportHtml")]
pub fn report_html(
    env: &Env,
    scheme: &Scheme,
    employees: Unknown<'_>,
    options: Option<AnalyzeOptionsJs>,
    whatif: Option<ClassInstance<'_, Scheme>>,
) -> Result<String> {
    guard(env, || {
        let lang = lang(options.as_ref().and_then(|o| o.lang.as_deref()))?;
        let b = whatif.as_ref().map(|b| b.inner.clone());
        let (opts, generated) = match options {
            Some(o) => (
                self::options(o.by, o.threshold.as_deref(), o.quotas_json.as_deref(), o.calibrated, lang)?,
                o.generated,
            ),
            None => (self::options(None, None, None, None, lang)?, None),
        };
        let s = scored(&scheme.inner, env, employees)?;
        let analysis = kaohe::analytics::analyze(&scheme.inner, &s.employees, &s.cards, s.failed, &opts);
        let w = b.as_ref().map(|b| (b, kaohe::whatif::whatif(&scheme.inner, b, &s.employees)));
        Ok(kaohe::report::render(&kaohe::report::ReportInput {
            scheme: &scheme.inner,
            analysis: &analysis,
            cards: &s.cards,
            whatif: w.as_ref().map(|(b, w)| (*b, w)),
            lang,
            generated: generated.as_deref(),
        }))
    })
}
