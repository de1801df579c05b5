//! Node binding of kaohe (napi-rs).
//!
//! A thin layer over the core: it converts JS values into the core's records and
//! score cards into plain objects in the contract's JSON shape, and core errors into
//! JS errors carrying `code`, `path`, `line`, `column` and `errors`. No scoring rule,
//! default or validation lives here. `index.js` wraps this module: it re-throws the
//! errors as `KaoheError` subclasses and is what `require("kaohe")` returns.

mod analytics;
mod convert;
mod errors;

use kaohe::{ErrorCode, KaoheError};
use napi::bindgen_prelude::*;
use napi::{Env, ScopedTask, ValueType};

/// Rust allocations of the addon (cards, employees, buffers) go to mimalloc; JS
/// values are still allocated by V8.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use napi_derive::napi;

use crate::convert::Records;
use crate::errors::{Failure, UsageKind, guard, napi_failure, panic_failure, to_napi};

/// Options of the scoring calls.
#[napi(object)]
pub struct ScoreOptions {
    /// Hand decimals out as JS numbers (the nearest double) instead of exact decimal
    /// strings. Off by default, so that nothing is lost.
    pub numbers: Option<bool>,
}

fn numbers(o: Option<&ScoreOptions>) -> bool {
    o.and_then(|o| o.numbers).unwrap_or(false)
}

fn employee(env: &Env, v: Unknown<'_>) -> std::result::Result<kaohe::Employee, Failure> {
    let value = convert::read_one(env, v).map_err(|u| Failure::from(u.into_error(None)))?;
    let id = value.get("id").and_then(kaohe::inputs::id_of);
    kaohe::Employee::from_value(value).map_err(|e| Failure::One(e, id))
}

/// A compiled appraisal scheme (考核方案): load it once, score any number of employees.
/// Immutable and safe to share; loading fails with a `SchemeError` listing every problem.
#[napi]
pub struct Scheme {
    inner: kaohe::Scheme,
}

#[napi]
impl Scheme {
    /// Loads and compiles a scheme from JSON text.
    #[napi(factory)]
    pub fn from_json(env: Env, text: String) -> Result<Self> {
        guard(&env, || Ok(Scheme { inner: kaohe::Scheme::from_json(&text)? }))
    }

    /// Loads and compiles a scheme from YAML text.
    #[napi(factory)]
    pub fn from_yaml(env: Env, text: String) -> Result<Self> {
        guard(&env, || Ok(Scheme { inner: kaohe::Scheme::from_yaml(&text)? }))
    }

    /// Loads and compiles a scheme file: YAML for `.yaml`/`.yml`, JSON otherwise.
    /// An unreadable file is an `IoError` (`io_error`).
    #[napi(factory)]
    pub fn from_file(env: Env, path: String) -> Result<Self> {
        guard(&env, || {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Failure::from(KaoheError::new(ErrorCode::Io, format!("cannot read the scheme file '{path}': {e}")))
            })?;
            let format = kaohe::Format::from_path(&path);
            Ok(Scheme { inner: kaohe::Scheme::from_str_format(&text, format)? })
        })
    }

    /// Loads and compiles a scheme given as a plain object (a parsed scheme document).
    /// Prefer `fromJson` for exact decimals: JS numbers are doubles.
    #[napi(factory, ts_args_type = "definition: SchemeDefinition")]
    pub fn from_object(env: Env, definition: Unknown<'_>) -> Result<Self> {
        guard(&env, || {
            let value = convert::read_one(&env, definition).map_err(|u| {
                let mut e = u.into_error(None);
                e.code = ErrorCode::InvalidScheme;
                Failure::Scheme(kaohe::SchemeErrors::one(e))
            })?;
            Ok(Scheme { inner: kaohe::Scheme::from_value(value)? })
        })
    }

    /// The scheme's id.
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The scheme's version.
    #[napi(getter)]
    pub fn version(&self) -> String {
        self.inner.version().to_owned()
    }

    /// `sha256:…` of the scheme's canonical serialization (every result names it).
    #[napi(getter)]
    pub fn hash(&self) -> String {
        self.inner.hash().to_owned()
    }

    /// Leaf indicator ids in document order (the columns of a result table).
    #[napi(getter)]
    pub fn indicator_ids(&self) -> Vec<String> {
        self.inner.indicator_ids().into_iter().map(str::to_owned).collect()
    }

    /// Names of the declared inputs.
    #[napi(getter)]
    pub fn input_names(&self) -> Vec<String> {
        self.inner.input_names().into_iter().map(str::to_owned).collect()
    }

    /// The one-screen summary `kaohe check` prints, as data: the scheme's identity,
    /// its indicator tree with weights, its inputs, and how its expressions run.
    /// (A `Scheme` only exists once every check passed; loading reports the problems.)
    #[napi(ts_return_type = "SchemeSummary")]
    pub fn check<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        guard(env, || self.summary(env).map_err(|e| napi_failure(&e)))
    }

    fn summary<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let s = &self.inner;
        let mut o = Object::new(env)?;
        o.set("id", s.id())?;
        o.set("version", s.version())?;
        o.set("hash", s.hash())?;
        let name = serde_json::to_value(&s.scheme().name).map_err(|e| Error::from_reason(e.to_string()))?;
        o.set("name", name)?;
        let mut items = env.create_array(0)?;
        for item in s.outline() {
            let mut i = Object::new(env)?;
            i.set("id", item.id)?;
            let name = serde_json::to_value(item.name).map_err(|e| Error::from_reason(e.to_string()))?;
            i.set("name", name)?;
            i.set("depth", u32::try_from(item.depth).unwrap_or(u32::MAX))?;
            i.set("kind", item.kind)?;
            i.set("weight", item.weight.to_string())?;
            i.set("effectiveWeight", item.effective_weight.to_string())?;
            match item.target {
                Some(t) => i.set("target", t.to_string())?,
                None => i.set("target", Null)?,
            }
            items.insert(i)?;
        }
        o.set("indicators", items)?;
        o.set("inputs", s.input_names())?;
        let (native, script) = s.plan_counts();
        let mut plan = Object::new(env)?;
        plan.set("native", u32::try_from(native).unwrap_or(u32::MAX))?;
        plan.set("script", u32::try_from(script).unwrap_or(u32::MAX))?;
        o.set("expressions", plan)?;
        Ok(o)
    }

    /// Scores one employee (`{id, attributes?, values}`) and returns the score card.
    /// A failure (`missing_input`, `invalid_input`, `script_runtime`…) is thrown.
    #[napi(
        ts_generic_types = "O extends ScoreOptions = {}",
        ts_args_type = "employee: EmployeeInput, options?: O",
        ts_return_type = "ScoreCard<DecimalOf<O>>"
    )]
    pub fn score<'env>(
        &self,
        env: &'env Env,
        employee: Unknown<'_>,
        options: Option<ScoreOptions>,
    ) -> Result<Unknown<'env>> {
        guard(env, || {
            let e = self::employee(env, employee)?;
            let card = self.inner.score(&e).map_err(|err| Failure::One(err, Some(e.id.to_string())))?;
            let mut text = String::with_capacity(1024);
            convert::outcome_json(&mut text, &Ok(card), numbers(options.as_ref()));
            convert::parse(env, text).map_err(|e| napi_failure(&e))
        })
    }

    /// Scores a batch and applies the scheme's `population` rules: ranks, raw and
    /// calibrated grades with the reason for each move, roll-up and pay. Members come
    /// in rank order; decimals are strings. `options.segmentSchemes` are the other
    /// schemes a prorated employee's segments may name in their `scheme` attribute.
    /// Throws `SchemeError` (`quota_infeasible`) when a group's head counts cannot hold,
    /// and for segment schemes that are not allowed (`invalid_scheme`, `duplicate_id`).
    #[napi(
        ts_args_type = "employees: readonly EmployeeInput[], options?: CalibrateOptions",
        ts_return_type = "PopulationResult"
    )]
    pub fn calibrate<'env>(
        &self,
        env: &'env Env,
        employees: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Unknown<'env>> {
        guard(env, || {
            let others = segment_schemes(options_object(options)?)?;
            let records = convert::read_batch(env, employees)?;
            let population = self.inner.calibrate_segments(&others, &convert::employees(records))?;
            convert::parse(env, population.to_json_string()).map_err(|e| napi_failure(&e))
        })
    }

    /// Scores a batch; one entry per employee in input order: the score card, or
    /// `{id, error}` for an employee that failed (the others are unaffected).
    #[napi(
        ts_generic_types = "O extends ScoreOptions = {}",
        ts_args_type = "employees: readonly EmployeeInput[], options?: O",
        ts_return_type = "Array<Outcome<DecimalOf<O>>>"
    )]
    pub fn score_many<'env>(
        &self,
        env: &'env Env,
        employees: Unknown<'_>,
        options: Option<ScoreOptions>,
    ) -> Result<Unknown<'env>> {
        guard(env, || {
            let records = convert::read_batch(env, employees)?;
            let outcomes = score_records(&self.inner, records);
            let text = convert::outcomes_json(&outcomes, numbers(options.as_ref()));
            convert::parse(env, text).map_err(|e| napi_failure(&e))
        })
    }

    /// The native half of `scoreManyAsync` (index.js has the other): the employees are
    /// read now (one `JSON.stringify`), then parsed, scored (in parallel) and written on
    /// the libuv thread pool; the promise resolves with the results as JSON texts of at
    /// most `RESULT_CHUNK` entries each, which index.js parses a chunk per event-loop turn
    /// so that even a large batch never holds the loop for long.
    #[napi(skip_typescript, js_name = "__scoreManyAsyncChunks")]
    pub fn score_many_async_chunks(
        &self,
        env: Env,
        employees: Unknown<'_>,
        options: Option<ScoreOptions>,
    ) -> Result<AsyncTask<ScoreBatch>> {
        guard(&env, || {
            Ok(AsyncTask::new(ScoreBatch {
                scheme: self.inner.clone(),
                records: Some(convert::read_batch(&env, employees)?),
                numbers: numbers(options.as_ref()),
                panic_for_test: false,
            }))
        })
    }

    /// Where the score comes from, in words (`lang`: `"zh"`, the default, or `"en"`):
    /// each indicator's actual, target, achievement and points, each adjustment and why,
    /// and the grade band.
    #[napi(ts_args_type = "employee: EmployeeInput, lang?: 'zh' | 'en' | (string & {})")]
    pub fn explain(&self, env: Env, employee: Unknown<'_>, lang: Option<String>) -> Result<String> {
        guard(&env, || {
            let lang = self::lang(lang.as_deref(), "")?;
            let e = self::employee(&env, employee)?;
            let card = self.inner.score(&e).map_err(|err| Failure::One(err, Some(e.id.to_string())))?;
            Ok(self.inner.explain(&card, lang))
        })
    }

    /// Explains the employee `employeeId` of a batch in words, as `kaohe explain`
    /// prints it: a prorated employee's records (segments) each scored under the scheme
    /// they name (this one or one of `options.segmentSchemes`), combined by days
    /// worked, with the segments and their sum shown. Throws `InputError`
    /// (`unknown_employee`) when no record has the id, the error of a record that does
    /// not score, and `SchemeError` for segment schemes that are not allowed.
    #[napi(ts_args_type = "employeeId: string, employees: readonly EmployeeInput[], options?: ExplainOptions")]
    pub fn explain_employee(
        &self,
        env: Env,
        employee_id: String,
        employees: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<String> {
        guard(&env, || {
            let options = options_object(options)?;
            let lang = lang(string_option(options, "lang")?.as_deref(), "options.lang")?;
            let others = segment_schemes(options)?;
            let records = convert::read_batch(&env, employees)?;
            let explained = self.inner.explain_employee(&others, &convert::employees(records), &employee_id, lang)?;
            Ok(explained.text)
        })
    }

    /// Test hook: panics inside the binding (sync), or on the thread pool (async), so
    /// the tests can see a panic come out as an `internal_error`.
    #[napi(skip_typescript, js_name = "__panicForTest")]
    pub fn panic_for_test(&self, env: Env, asynchronous: bool) -> Result<AsyncTask<ScoreBatch>> {
        guard(&env, || {
            if !asynchronous {
                std::panic::panic_any("a test panic".to_owned());
            }
            Ok(AsyncTask::new(ScoreBatch {
                scheme: self.inner.clone(),
                records: Some(Records::Values(Vec::new())),
                numbers: false,
                panic_for_test: true,
            }))
        })
    }
}

/// A language tag read (`zh` when absent); an unknown one is a `RangeError` naming
/// `what` (the option it came from, if any).
fn lang(tag: Option<&str>, what: &str) -> std::result::Result<kaohe::Lang, Failure> {
    let Some(tag) = tag else { return Ok(kaohe::Lang::Zh) };
    kaohe::Lang::parse(tag).ok_or_else(|| {
        let at = if what.is_empty() { String::new() } else { format!("{what}: ") };
        Failure::Usage(UsageKind::Range, format!("{at}unknown language '{tag}': use \"zh\" or \"en\""))
    })
}

/// The options object of a call, none when absent (`undefined` or `null`).
fn options_object(options: Option<Unknown<'_>>) -> std::result::Result<Option<Object<'_>>, Failure> {
    let Some(options) = options else { return Ok(None) };
    match options.get_type().map_err(|e| napi_failure(&e))? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::Object => Object::from_unknown(options).map(Some).map_err(|e| napi_failure(&e)),
        _ => Err(Failure::Usage(UsageKind::Type, "options must be an object".to_owned())),
    }
}

/// A string option (`options.lang`), none when absent.
fn string_option(options: Option<Object<'_>>, name: &str) -> std::result::Result<Option<String>, Failure> {
    let Some(options) = options else { return Ok(None) };
    let value = options
        .get_named_property::<Option<Unknown<'_>>>(name)
        .map_err(|e| napi_failure(&e))?
        .filter(|v| !matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null)));
    let Some(value) = value else { return Ok(None) };
    let not_string = || Failure::Usage(UsageKind::Type, format!("options.{name} must be a string"));
    if value.get_type().map_err(|e| napi_failure(&e))? != ValueType::String {
        return Err(not_string());
    }
    String::from_unknown(value).map(Some).map_err(|_| not_string())
}

/// The schemes of `options.segmentSchemes` (`Scheme#calibrate`, `Scheme#explainEmployee`),
/// none when absent.
fn segment_schemes(options: Option<Object<'_>>) -> std::result::Result<Vec<kaohe::Scheme>, Failure> {
    let kind = |v: &Unknown<'_>| v.get_type().map_err(|e| napi_failure(&e));
    let Some(options) = options else { return Ok(Vec::new()) };
    let list = options.get_named_property::<Option<Unknown<'_>>>("segmentSchemes").map_err(|e| napi_failure(&e))?;
    let Some(list) = list else { return Ok(Vec::new()) };
    let not_array = || Failure::Usage(UsageKind::Type, "options.segmentSchemes must be an array of Scheme".to_owned());
    if !list.is_array().unwrap_or(false) {
        return Err(not_array());
    }
    let items = Vec::<Unknown<'_>>::from_unknown(list).map_err(|_| not_array())?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let not_scheme =
                || Failure::Usage(UsageKind::Type, format!("options.segmentSchemes[{i}] must be a Scheme"));
            if kind(&item)? != ValueType::Object {
                return Err(not_scheme());
            }
            <&Scheme>::from_unknown(item).map(|s| s.inner.clone()).map_err(|_| not_scheme())
        })
        .collect()
}

/// How many results one JSON text of `scoreManyAsync` holds.
const RESULT_CHUNK: usize = 1000;

/// Scores read records in parallel.
fn score_records(scheme: &kaohe::Scheme, records: Records) -> Vec<kaohe::Outcome> {
    scheme.score_entries_par(&convert::employees(records))
}

/// The background work of `scoreManyAsync`: no JS is touched on the thread pool.
pub struct ScoreBatch {
    scheme: kaohe::Scheme,
    records: Option<Records>,
    numbers: bool,
    panic_for_test: bool,
}

impl<'task> ScopedTask<'task> for ScoreBatch {
    type Output = std::result::Result<Vec<String>, Failure>;
    type JsValue = Vec<String>;

    fn compute(&mut self) -> Result<Self::Output> {
        let records = self.records.take().unwrap_or(Records::Values(Vec::new()));
        let (scheme, numbers, test_panic) = (&self.scheme, self.numbers, self.panic_for_test);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if test_panic {
                std::panic::panic_any("a test panic on the thread pool".to_owned());
            }
            let outcomes = score_records(scheme, records);
            outcomes.chunks(RESULT_CHUNK).map(|c| convert::outcomes_json(c, numbers)).collect()
        }));
        Ok(run.map_err(|p| panic_failure(p.as_ref())))
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> Result<Self::JsValue> {
        guard(env, || output)
    }

    fn reject(&mut self, env: &'task Env, err: Error) -> Result<Self::JsValue> {
        Err(to_napi(env, &napi_failure(&err)))
    }
}

/// Scores a JSON employees document (an array or JSON Lines) with a JSON scheme and
/// returns exactly the text `kaohe score --format json` prints (without its final
/// newline). For conformance checks: every binding has it.
#[napi]
pub fn score_json(env: Env, scheme_json: String, employees_json: String) -> Result<String> {
    guard(&env, || Ok(kaohe::score_json(&scheme_json, &employees_json)?))
}

/// Scores a JSON employees document with a JSON scheme, applies the scheme's
/// `population` rules, and returns exactly the text `kaohe calibrate --format json`
/// prints (without its final newline). `segmentSchemesJson` are the JSON texts of the
/// other schemes segments may be scored with (`--segment-scheme`); the problems of one
/// that does not load have paths under `segment_schemes[i]`.
#[napi(ts_args_type = "schemeJson: string, employeesJson: string, segmentSchemesJson?: readonly string[]")]
pub fn calibrate_json(
    env: Env,
    scheme_json: String,
    employees_json: String,
    segment_schemes_json: Option<Vec<String>>,
) -> Result<String> {
    let others = segment_schemes_json.unwrap_or_default();
    guard(&env, || Ok(kaohe::calibrate_segments_json(&scheme_json, &employees_json, &others)?))
}

/// Explains the employee `employeeId` of a JSON employees document and returns
/// exactly the text `kaohe explain --json` prints (without its final newline): the
/// card (combined by days worked when the scheme prorates), the proration, and the
/// text. `segmentSchemesJson` are the JSON texts of the other schemes segments may be
/// scored with, as for `calibrateJson`. Throws `InputError` (`unknown_employee`) when
/// no record has the id.
#[napi(
    ts_args_type = "schemeJson: string, employeesJson: string, employeeId: string, lang?: 'zh' | 'en' | (string & {}), segmentSchemesJson?: readonly string[]"
)]
pub fn explain_json(
    env: Env,
    scheme_json: String,
    employees_json: String,
    employee_id: String,
    lang: Option<String>,
    segment_schemes_json: Option<Vec<String>>,
) -> Result<String> {
    let others = segment_schemes_json.unwrap_or_default();
    guard(&env, || {
        let lang = self::lang(lang.as_deref(), "")?;
        Ok(kaohe::explain_json(&scheme_json, &employees_json, &employee_id, lang, &others)?)
    })
}

/// One entry of the error catalogue.
#[napi(object)]
pub struct ErrorCodeInfo {
    /// The stable snake_case code.
    #[napi(ts_type = "ErrorCode")]
    pub code: String,
    /// What it means, in one line.
    pub description: String,
    /// Whether it reports a problem with the scheme (a `SchemeError`).
    pub scheme: bool,
    /// Its kind, which decides the error class it is thrown as.
    #[napi(ts_type = "'scheme' | 'input' | 'script' | 'io' | 'internal'")]
    pub kind: String,
}

/// The catalogue of error codes, in order (the same in every binding).
#[napi]
pub fn error_codes() -> Vec<ErrorCodeInfo> {
    ErrorCode::ALL
        .iter()
        .map(|c| ErrorCodeInfo {
            code: c.as_str().to_owned(),
            description: c.description().to_owned(),
            scheme: c.is_scheme_error(),
            kind: c.kind().as_str().to_owned(),
        })
        .collect()
}
