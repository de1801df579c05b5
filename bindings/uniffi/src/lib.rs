//! Kotlin and Swift bindings of kaohe, through uniffi (proc-macro mode).
//!
//! A thin layer: it converts types and errors and nothing else. Every rule, default
//! and check lives in the core crate `kaohe`.
//!
//! - [`Scheme`]: `Scheme.fromJson(text)` / `fromYaml`, `check()`, `score(employee)`,
//!   `scoreEmployeeJson(json)`, `scoreMany(employees)`, `scoreManyJson(json)`,
//!   `scoreRows(headers, rows)`, `scoreToJson(json)`, `explain(card, lang)`,
//!   `explainEmployee(id, json, lang, segmentSchemes)` and `explainEmployeeToJson(…)`: one
//!   employee explained as `kaohe explain` does, a transfer's segments shown;
//! - [`score_json`]: exactly the text `kaohe score --format json` prints;
//! - [`explain_json`]: exactly the text `kaohe explain --json` prints;
//! - [`calibrate_json`] and `Scheme.calibrateToJson(json, segmentSchemes)`: population
//!   results (ranks, raw and calibrated grades, pay) as the JSON `kaohe calibrate --format
//!   json` prints, the segments of a transfer scored under the schemes they name;
//! - one error type, [`KaoheError`] (`KaoheException` in Kotlin);
//! - decimals cross as text and surface as `java.math.BigDecimal` / `Foundation.Decimal`.
//!
//! Every export runs under [`error::guard`], so a panic reaches the caller as a
//! `KaoheError` with code `internal_error` instead of crossing the boundary.
// The uniffi macros expand to `extern "C"` scaffolding.
#![allow(unsafe_code)]

use std::sync::Arc;

pub mod error;
pub mod types;

pub use error::{ErrorDetail, KaoheError, guard};
pub use types::{
    Actual, AdjustmentResult, Decimal, Employee, ErrorCodeInfo, IndicatorResult, Lang, Outcome, SchemeRef,
    SchemeSummary, ScoreCard, Status, Value,
};

uniffi::setup_scaffolding!("kaohe");

/// A loaded and compiled scheme (考核方案): immutable and safe to share between threads.
#[derive(Debug, uniffi::Object)]
pub struct Scheme(kaohe::Scheme);

fn outcomes(list: &[kaohe::Outcome]) -> Vec<Outcome> {
    list.iter().map(Outcome::from).collect()
}

fn parse_json(text: &str) -> Result<serde_json::Value, KaoheError> {
    serde_json::from_str(text).map_err(|e| {
        KaoheError::from(
            kaohe::KaoheError::new(
                kaohe::ErrorCode::InvalidDocument,
                format!("the employee record is not valid JSON: {e}"),
            )
            .at_position(u32::try_from(e.line()).ok(), u32::try_from(e.column()).ok()),
        )
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[uniffi::export]
impl Scheme {
    /// Loads and compiles a scheme from JSON text. Throws a scheme error listing every
    /// problem found.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, KaoheError> {
        guard(|| Ok(Arc::new(Scheme(kaohe::Scheme::from_json(&text)?))))
    }

    /// Loads and compiles a scheme from YAML text.
    #[uniffi::constructor]
    pub fn from_yaml(text: String) -> Result<Arc<Self>, KaoheError> {
        guard(|| Ok(Arc::new(Scheme(kaohe::Scheme::from_yaml(&text)?))))
    }

    /// A summary of the loaded scheme: id, version, names, hash, indicators, inputs, and
    /// how many expressions run natively or through the script sandbox.
    pub fn check(&self) -> Result<SchemeSummary, KaoheError> {
        guard(|| {
            let s = &self.0;
            let (native, script) = s.plan_counts();
            Ok(SchemeSummary {
                id: s.id().to_owned(),
                version: s.version().to_owned(),
                name_zh: s.scheme().name.get("zh").to_owned(),
                name_en: s.scheme().name.get("en").to_owned(),
                hash: s.hash().to_owned(),
                indicator_ids: s.indicator_ids().into_iter().map(str::to_owned).collect(),
                input_names: s.input_names().into_iter().map(str::to_owned).collect(),
                native_expressions: count(native),
                script_expressions: count(script),
            })
        })
    }

    /// Scores one employee. Throws an employee error (`missing_input`, `invalid_input`,
    /// `script_runtime`, `script_limit`) when it cannot be scored.
    pub fn score(&self, employee: Employee) -> Result<ScoreCard, KaoheError> {
        guard(|| {
            let e = employee.to_core().map_err(|err| types::employee_error(&employee.id, &err))?;
            self.0.score(&e).map(|card| ScoreCard::from(&card)).map_err(|err| types::employee_error(&e.id, &err))
        })
    }

    /// Scores one employee given as a JSON record `{"id", "attributes"?, "values"}`.
    pub fn score_employee_json(&self, employee_json: String) -> Result<ScoreCard, KaoheError> {
        guard(|| {
            let value = parse_json(&employee_json)?;
            let id = value.get("id").and_then(kaohe::inputs::id_of);
            let e = kaohe::Employee::from_value(value).map_err(|err| KaoheError::employee(id, &err))?;
            self.0.score(&e).map(|card| ScoreCard::from(&card)).map_err(|err| types::employee_error(&e.id, &err))
        })
    }

    /// Scores a batch, in parallel, in order: one outcome per employee, a failed
    /// employee becoming a `Failed` entry in its place.
    pub fn score_many(&self, employees: Vec<Employee>) -> Result<Vec<Outcome>, KaoheError> {
        guard(|| {
            let entries: Vec<_> = employees.iter().enumerate().map(|(i, e)| types::employee_entry(i, e)).collect();
            Ok(outcomes(&self.0.score_entries_par(&entries)))
        })
    }

    /// Scores an employees document (a JSON array, `{"employees": [...]}` or JSON Lines),
    /// in parallel, in order. Throws a document error only when the text is not JSON at all.
    pub fn score_many_json(&self, employees_json: String) -> Result<Vec<Outcome>, KaoheError> {
        guard(|| {
            let entries = kaohe::parse_employees(&employees_json)?;
            Ok(outcomes(&self.0.score_entries_par(&entries)))
        })
    }

    /// Scores table rows (a CSV file, a spreadsheet): column `id`, `attributes.<name>`,
    /// `<ratings input>.<rater group>` (ratings separated by `;`), any other column the
    /// input of that name; an empty cell is absent. Throws a document error when there
    /// is no `id` column.
    pub fn score_rows(&self, headers: Vec<String>, rows: Vec<Vec<String>>) -> Result<Vec<Outcome>, KaoheError> {
        guard(|| {
            let entries = kaohe::employee_entries(kaohe::table::records_from_rows(&headers, rows)?);
            Ok(outcomes(&self.0.score_entries_par(&entries)))
        })
    }

    /// Scores an employees document, applies the scheme's `population` rules (ranks,
    /// raw and calibrated grades with the reason for each move, roll-up, pay) and returns
    /// the result as the JSON text `kaohe calibrate --format json` prints.
    /// `segment_schemes` are the other schemes a prorated employee's segments may name in
    /// their `scheme` attribute (`--segment-scheme`); none by default. Throws a scheme
    /// error (`quota_infeasible`) when a group's head counts cannot hold, and for segment
    /// schemes that are not allowed (`invalid_scheme`, `duplicate_id`).
    #[uniffi::method(default(segment_schemes = []))]
    pub fn calibrate_to_json(
        &self,
        employees_json: String,
        segment_schemes: Vec<Arc<Scheme>>,
    ) -> Result<String, KaoheError> {
        guard(|| {
            let others: Vec<kaohe::Scheme> = segment_schemes.iter().map(|s| s.0.clone()).collect();
            let entries = kaohe::parse_employees(&employees_json)?;
            Ok(self.0.calibrate_segments(&others, &entries)?.to_json_string())
        })
    }

    /// Explains the employee `employee_id` of an employees document in words, as
    /// `kaohe explain` prints it: a prorated employee's records (segments) each scored
    /// under the scheme they name (this one or one of `segment_schemes`, none by
    /// default), combined by days worked, with the segments and their sum shown. Throws
    /// an employee error (`unknown_employee` at `id`) when no record has the id, the
    /// error of a record that does not score, and a scheme error for segment schemes
    /// that are not allowed.
    #[uniffi::method(default(segment_schemes = []))]
    pub fn explain_employee(
        &self,
        employee_id: String,
        employees_json: String,
        lang: Lang,
        segment_schemes: Vec<Arc<Scheme>>,
    ) -> Result<String, KaoheError> {
        guard(|| Ok(self.explained(&employee_id, &employees_json, lang, &segment_schemes)?.text))
    }

    /// [`Scheme::explain_employee`] as the JSON text `kaohe explain --json` prints: the
    /// card (combined by days worked when the scheme prorates), the proration, and the text.
    #[uniffi::method(default(segment_schemes = []))]
    pub fn explain_employee_to_json(
        &self,
        employee_id: String,
        employees_json: String,
        lang: Lang,
        segment_schemes: Vec<Arc<Scheme>>,
    ) -> Result<String, KaoheError> {
        guard(|| Ok(self.explained(&employee_id, &employees_json, lang, &segment_schemes)?.to_json_string()))
    }

    /// Scores an employees document and returns the result JSON text in the contract's
    /// shape (as `kaohe score --format json` prints it), reusing this compiled scheme.
    pub fn score_to_json(&self, employees_json: String) -> Result<String, KaoheError> {
        guard(|| {
            let entries = kaohe::parse_employees(&employees_json)?;
            Ok(kaohe::result::outcomes_to_json(&self.0.score_entries_par(&entries)))
        })
    }

    /// Explains a score card in words: each indicator's actual, target, achievement and
    /// points, each adjustment and why, and the grade band.
    pub fn explain(&self, card: ScoreCard, lang: Lang) -> Result<String, KaoheError> {
        guard(|| {
            let core = card.to_core().map_err(|err| types::employee_error(&card.id, &err))?;
            Ok(self.0.explain(&core, lang.into()))
        })
    }

    /// The scheme's id.
    pub fn id(&self) -> Result<String, KaoheError> {
        guard(|| Ok(self.0.id().to_owned()))
    }

    /// The scheme's version.
    pub fn version(&self) -> Result<String, KaoheError> {
        guard(|| Ok(self.0.version().to_owned()))
    }

    /// `sha256:…` of the scheme's canonical serialization.
    pub fn hash(&self) -> Result<String, KaoheError> {
        guard(|| Ok(self.0.hash().to_owned()))
    }
}

impl Scheme {
    /// The core's explanation of one employee of a document.
    fn explained(
        &self,
        id: &str,
        employees_json: &str,
        lang: Lang,
        segment_schemes: &[Arc<Scheme>],
    ) -> Result<kaohe::EmployeeExplanation, KaoheError> {
        let others: Vec<kaohe::Scheme> = segment_schemes.iter().map(|s| s.0.clone()).collect();
        let entries = kaohe::parse_employees(employees_json)?;
        Ok(self.0.explain_employee(&others, &entries, id, lang.into())?)
    }
}

/// Scores a JSON employees document with a JSON scheme and returns exactly the text
/// `kaohe score --format json` prints (without its final newline). The conformance
/// entry point.
#[uniffi::export]
pub fn score_json(scheme_json: String, employees_json: String) -> Result<String, KaoheError> {
    guard(|| Ok(kaohe::score_json(&scheme_json, &employees_json)?))
}

/// Scores a JSON employees document with a JSON scheme, applies the scheme's
/// `population` rules and returns exactly the text `kaohe calibrate --format json`
/// prints (without its final newline). `segment_schemes_json` are the JSON texts of the
/// other schemes segments may be scored with (`--segment-scheme`), none by default; the
/// problems of one that does not load have paths under `segment_schemes[i]`.
#[uniffi::export(default(segment_schemes_json = []))]
pub fn calibrate_json(
    scheme_json: String,
    employees_json: String,
    segment_schemes_json: Vec<String>,
) -> Result<String, KaoheError> {
    guard(|| Ok(kaohe::calibrate_segments_json(&scheme_json, &employees_json, &segment_schemes_json)?))
}

/// Explains the employee `employee_id` of a JSON employees document and returns exactly
/// the text `kaohe explain --json` prints (without its final newline).
/// `segment_schemes_json` are the JSON texts of the other schemes segments may be scored
/// with, as for [`calibrate_json`], none by default. Throws an employee error
/// (`unknown_employee`) when no record has the id.
#[uniffi::export(default(segment_schemes_json = []))]
pub fn explain_json(
    scheme_json: String,
    employees_json: String,
    employee_id: String,
    lang: Lang,
    segment_schemes_json: Vec<String>,
) -> Result<String, KaoheError> {
    guard(|| {
        kaohe::explain_json(&scheme_json, &employees_json, &employee_id, lang.into(), &segment_schemes_json).map_err(
            |e| match e {
                // An employee's failure names the employee asked for.
                kaohe::Error::Other(o) => {
                    KaoheError::from(kaohe::EmployeeError { id: Some(employee_id.clone()), error: o })
                }
                e => KaoheError::from(e),
            },
        )
    })
}

/// Reads a language tag (`zh`, `zh-CN`, `en`, `en-US`…); anything else is null.
#[uniffi::export]
pub fn parse_lang(tag: String) -> Result<Option<Lang>, KaoheError> {
    guard(|| Ok(kaohe::Lang::parse(&tag).map(Lang::from)))
}

/// The error-code catalogue: every stable code, what it means, and whether it is a
/// scheme error.
#[uniffi::export]
pub fn error_codes() -> Result<Vec<ErrorCodeInfo>, KaoheError> {
    guard(|| {
        Ok(kaohe::ErrorCode::ALL
            .iter()
            .map(|c| ErrorCodeInfo {
                code: c.as_str().to_owned(),
                description: c.description().to_owned(),
                is_scheme_error: c.is_scheme_error(),
            })
            .collect())
    })
}

/// The version of this library (the workspace version, which the core shares).
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
