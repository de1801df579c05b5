//! kaohe (考核): a rules-and-scoring engine for employee performance appraisal.
//!
//! One scheme file describes indicators (指标) with weights and targets, scoring
//! curves, deductions and bonus items, veto items (一票否决), grades and performance
//! coefficients. kaohe loads it, compiles it once, and scores employees with exact
//! decimal arithmetic, the same way from Rust, the CLI, Python, Node and Kotlin.
//!
//! ```
//! let scheme = kaohe::Scheme::from_json(r#"{
//!   "id": "demo", "version": "1", "name": "Demo",
//!   "inputs": {"sales": {"type": "number", "min": 0}},
//!   "indicators": [{"id": "sales", "name": "Sales", "weight": 100,
//!                   "value": "sales", "scoring": {"type": "ratio", "target": 200}}],
//!   "grades": [{"grade": "A", "min": 90, "coefficient": 1.2}, {"grade": "B", "coefficient": 1}]
//! }"#).unwrap();
//! let employee = kaohe::Employee::from_value(serde_json::json!({"id": "E1", "values": {"sales": 150}})).unwrap();
//! let card = scheme.score(&employee).unwrap();
//! assert_eq!(card.score.to_string(), "75.00");
//! assert_eq!(card.grade.as_deref(), Some("B"));
//! ```
#![forbid(unsafe_code)]

pub mod analytics;
pub mod appeal;
pub mod audit;
pub mod calendar;
pub mod compile;
pub mod diff;
pub mod employee;
pub mod error;
pub mod explain;
pub mod hash;
pub mod inputs;
pub mod load;
pub mod num;
pub mod population;
pub(crate) mod recent;
pub mod report;
pub mod result;
pub mod scheme;
pub mod score;
pub(crate) mod script;
pub mod table;
pub mod value;
pub mod verify;
pub mod whatif;

pub use compile::CompiledScheme;
pub use employee::{Employee, Input, TextInput, Values};
pub use error::{Error, ErrorCode, ErrorKind, KaoheError, SchemeErrors};
pub use explain::{EmployeeExplanation, Lang};
pub use load::Format;
pub use population::{Population, calibrate_json};
pub use result::{Actual, AdjustmentResult, EmployeeError, Id, IndicatorResult, Outcome, SchemeRef, ScoreCard, Status};
pub use rust_decimal::Decimal;

/// The compiled scheme under its everyday name.
pub type Scheme = CompiledScheme;

impl CompiledScheme {
    /// Loads and compiles a scheme from JSON text.
    pub fn from_json(text: &str) -> Result<CompiledScheme, SchemeErrors> {
        compile::compile(load::scheme_from_json(text)?)
    }

    /// Loads and compiles a scheme from YAML text.
    pub fn from_yaml(text: &str) -> Result<CompiledScheme, SchemeErrors> {
        compile::compile(load::scheme_from_yaml(text)?)
    }

    /// Loads and compiles a scheme from text in the given format.
    pub fn from_str_format(text: &str, format: Format) -> Result<CompiledScheme, SchemeErrors> {
        compile::compile(load::scheme_from_str(text, format)?)
    }

    /// Loads and compiles a scheme from a parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<CompiledScheme, SchemeErrors> {
        compile::compile(load::scheme_from_value(value)?)
    }

    /// Compiles a scheme model.
    pub fn compile(scheme: scheme::Scheme) -> Result<CompiledScheme, SchemeErrors> {
        compile::compile(scheme)
    }
}

/// Reads an employees document: a JSON array of employee records, or JSON Lines
/// (one record per line). Unreadable records become error entries in their place;
/// only a document that is not JSON at all fails as a whole.
pub fn parse_employees(text: &str) -> Result<Vec<Result<Employee, EmployeeError>>, KaoheError> {
    Ok(employee_entries(parse_records(text)?))
}

/// Reads raw records (from a document, a table, a binding's objects) into employees,
/// each unreadable record an error entry in its place (`employees[i]…` in its path).
pub fn employee_entries(records: Vec<serde_json::Value>) -> Vec<Result<Employee, EmployeeError>> {
    records.into_iter().enumerate().map(|(i, v)| score::record(i, v)).collect()
}

/// Reads an employees document into raw JSON records (array or JSON Lines).
pub fn parse_records(text: &str) -> Result<Vec<serde_json::Value>, KaoheError> {
    let trimmed = text.trim_start();
    let doc_error = |e: serde_json::Error, line_offset: usize| {
        KaoheError::new(ErrorCode::InvalidDocument, format!("the employees document is not valid JSON: {e}"))
            .at_position(u32::try_from(e.line() + line_offset).ok(), u32::try_from(e.column()).ok())
    };
    if trimmed.starts_with('[') {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| doc_error(e, 0))?;
        return Ok(match v {
            serde_json::Value::Array(xs) => xs,
            other => vec![other],
        });
    }
    if trimmed.starts_with('{') {
        if let Ok(serde_json::Value::Object(mut m)) = serde_json::from_str::<serde_json::Value>(text) {
            if let Some(serde_json::Value::Array(xs)) = m.remove("employees") {
                return Ok(xs);
            }
        }
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(line).map_err(|e| doc_error(e, i))?);
    }
    Ok(out)
}

/// Scores a JSON employees document with a JSON scheme and returns exactly the text
/// `kaohe score --format json` prints (without its final newline). For conformance:
/// every binding exposes this.
pub fn score_json(scheme_json: &str, employees_json: &str) -> Result<String, Error> {
    let scheme = CompiledScheme::from_json(scheme_json)?;
    let records = parse_records(employees_json)?;
    Ok(result::outcomes_to_json(&scheme.score_values(records)))
}

/// [`calibrate_json`] with the schemes the segments of a population may be scored
/// with besides the main one (see [`CompiledScheme::calibrate_segments`]): the text
/// `kaohe calibrate --segment-scheme … --format json` prints (without its final
/// newline). A segment scheme that does not load fails with its problems' paths under
/// `segment_schemes[i]`; schemes given but not allowed fail as
/// [`CompiledScheme::check_segment_schemes`] says. With no segment schemes, a record
/// naming another scheme in its `scheme` attribute fails at `attributes.scheme`, as in
/// the CLI. Every binding exposes this.
pub fn calibrate_segments_json<S: AsRef<str>>(
    scheme_json: &str,
    employees_json: &str,
    segment_schemes_json: &[S],
) -> Result<String, Error> {
    let scheme = CompiledScheme::from_json(scheme_json)?;
    let others = CompiledScheme::segment_schemes_from_json(segment_schemes_json)?;
    let entries = parse_employees(employees_json)?;
    Ok(scheme.calibrate_segments(&others, &entries)?.to_json_string())
}

/// Explains the employee `employee_id` of a JSON employees document: their records
/// scored under the schemes they name (`segment_schemes_json`, loaded as
/// [`calibrate_segments_json`] loads them), combined by days worked and put in words
/// ([`CompiledScheme::explain_employee`]). Returns exactly the text
/// `kaohe explain --json` prints (without its final newline): the card, the proration
/// when the scheme prorates, and the text. Fails with `unknown_employee` at `id` when
/// no record has the id, with the first of the employee's records that does not score,
/// and as [`CompiledScheme::check_segment_schemes`] says for schemes not allowed. Every
/// binding exposes this.
pub fn explain_json<S: AsRef<str>>(
    scheme_json: &str,
    employees_json: &str,
    employee_id: &str,
    lang: Lang,
    segment_schemes_json: &[S],
) -> Result<String, Error> {
    let scheme = CompiledScheme::from_json(scheme_json)?;
    let others = CompiledScheme::segment_schemes_from_json(segment_schemes_json)?;
    let entries = parse_employees(employees_json)?;
    Ok(scheme.explain_employee(&others, &entries, employee_id, lang).map_err(|e| e.error)?.to_json_string())
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn compiled_scheme_is_send_sync() {
        assert_send_sync::<super::CompiledScheme>();
    }
}
