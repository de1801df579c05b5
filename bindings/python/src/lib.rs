//! Python binding of kaohe (pyo3): the module `kaohe._kaohe`.
//!
//! A thin layer: it converts Python values to the core's types and back, maps core
//! errors to Python exceptions, and releases the GIL around batch work. Every rule,
//! default and check lives in the core.

mod analytics;
mod card;
mod convert;
mod errors;
mod table;

use std::path::PathBuf;

use kaohe::{ErrorCode, Format, KaoheError, Lang, Outcome};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

/// Rust allocations of the extension (cards, employees, buffers) go to mimalloc;
/// Python objects are still allocated by Python.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use card::{PyAdjustmentResult, PyEmployeeError, PyIndicatorResult, PySchemeRef, PyScoreCard};
use convert::{decimal, opt_decimal, to_py, to_value};
use errors::{core_to_pyerr, guard, internal, scheme_to_pyerr, to_pyerr};

/// How many records are read from Python between two chances for other threads to run.
const YIELD_EVERY: usize = 4096;

/// A compiled appraisal scheme: immutable, safe to share between threads.
#[pyclass(frozen, module = "kaohe", name = "Scheme")]
pub struct PyScheme {
    inner: kaohe::Scheme,
}

fn outcome_to_py(py: Python<'_>, scheme: &kaohe::Scheme, o: Outcome) -> PyResult<Py<PyAny>> {
    Ok(match o {
        Ok(card) => Py::new(py, PyScoreCard { card, scheme: scheme.clone() })?.into_any(),
        Err(inner) => Py::new(py, PyEmployeeError { inner })?.into_any(),
    })
}

/// The id of a record that could not be converted, when it has a readable one.
fn record_id(obj: &Bound<'_, PyAny>) -> Option<String> {
    let id = obj.get_item("id").ok()?;
    kaohe::inputs::id_of(&to_value(&id).ok()?)
}

impl PyScheme {
    fn loaded(py: Python<'_>, r: Result<kaohe::Scheme, kaohe::SchemeErrors>) -> PyResult<Self> {
        r.map(|inner| PyScheme { inner }).map_err(|e| scheme_to_pyerr(py, &e))
    }
}

/// Reads an iterable of employee records; an unreadable record becomes an error entry in
/// its place. Reading needs the GIL, so other threads and Ctrl-C get in now and then.
pub(crate) fn read_entries(
    py: Python<'_>,
    employees: &Bound<'_, PyAny>,
) -> PyResult<Vec<Result<kaohe::Employee, kaohe::EmployeeError>>> {
    let mut entries = Vec::new();
    for (i, item) in employees.try_iter()?.enumerate() {
        if i % YIELD_EVERY == YIELD_EVERY - 1 {
            py.check_signals()?;
            py.detach(|| ());
        }
        let item = item?;
        entries.push(match to_value(&item) {
            Ok(v) => kaohe::score::record(i, v),
            Err(e) => Err(kaohe::EmployeeError {
                id: record_id(&item),
                error: e.into_error(ErrorCode::InvalidInput, &format!("employees[{i}]")),
            }),
        });
    }
    Ok(entries)
}

#[pymethods]
impl PyScheme {
    /// Loads and compiles a scheme from JSON text.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: String) -> PyResult<Self> {
        guard(py, || Self::loaded(py, kaohe::Scheme::from_json(&text)))
    }

    /// Loads and compiles a scheme from YAML text.
    #[staticmethod]
    fn from_yaml(py: Python<'_>, text: String) -> PyResult<Self> {
        guard(py, || Self::loaded(py, kaohe::Scheme::from_yaml(&text)))
    }

    /// Loads and compiles a scheme file: YAML for `.yaml`/`.yml`, JSON otherwise.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        guard(py, || {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| to_pyerr(py, &KaoheError::new(ErrorCode::Io, format!("cannot read {shown}: {e}"))))?;
            Self::loaded(py, kaohe::Scheme::from_str_format(&text, Format::from_path(&shown)))
        })
    }

    /// Loads and compiles a scheme from a dict (as `json.load` would give it).
    #[staticmethod]
    fn from_dict(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(py, || {
            let value = to_value(obj).map_err(|e| {
                scheme_to_pyerr(py, &kaohe::SchemeErrors::one(e.into_error(ErrorCode::InvalidScheme, "")))
            })?;
            Self::loaded(py, kaohe::Scheme::from_value(value))
        })
    }

    /// Scheme id.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }

    /// Scheme version.
    #[getter]
    fn version(&self) -> &str {
        self.inner.version()
    }

    /// `sha256:` and the SHA-256 of the scheme's canonical serialization.
    #[getter]
    fn hash(&self) -> &str {
        self.inner.hash()
    }

    /// The scheme's name in `lang` (`"zh"` or `"en"`).
    #[pyo3(signature = (lang = "zh"))]
    fn name(&self, lang: &str) -> String {
        self.inner.scheme().name.get(lang).to_owned()
    }

    /// Leaf indicator ids in document order.
    #[getter]
    fn indicator_ids(&self) -> Vec<String> {
        self.inner.indicator_ids().into_iter().map(str::to_owned).collect()
    }

    /// Names of the declared inputs.
    #[getter]
    fn input_names(&self) -> Vec<String> {
        self.inner.input_names().into_iter().map(str::to_owned).collect()
    }

    /// A summary of the loaded scheme, as `kaohe check` shows it: id, version, hash,
    /// name, the indicator tree with weights (`indicators`), the inputs, and how many
    /// expressions run natively or as Rhai scripts. (A scheme that does not validate
    /// never loads: `Scheme.from_*` raises `SchemeError` with every problem found.)
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let s = &self.inner;
            let json = |v: Result<serde_json::Value, serde_json::Error>| -> PyResult<Bound<'py, PyAny>> {
                to_py(py, &v.map_err(|e| to_pyerr(py, &internal(e.to_string())))?)
            };
            let d = PyDict::new(py);
            d.set_item("id", s.id())?;
            d.set_item("version", s.version())?;
            d.set_item("hash", s.hash())?;
            d.set_item("name", json(serde_json::to_value(&s.scheme().name))?)?;
            let items = PyList::empty(py);
            for item in s.outline() {
                let i = PyDict::new(py);
                i.set_item("id", item.id)?;
                i.set_item("name", json(serde_json::to_value(item.name))?)?;
                i.set_item("depth", item.depth)?;
                i.set_item("kind", item.kind)?;
                i.set_item("weight", decimal(py, &item.weight)?)?;
                i.set_item("effective_weight", decimal(py, &item.effective_weight)?)?;
                i.set_item("target", opt_decimal(py, item.target.as_ref())?)?;
                items.append(i)?;
            }
            d.set_item("indicators", items)?;
            d.set_item("inputs", s.input_names())?;
            let (native, script) = s.plan_counts();
            let plans = PyDict::new(py);
            plans.set_item("native", native)?;
            plans.set_item("script", script)?;
            d.set_item("expressions", plans)?;
            Ok(d)
        })
    }

    /// The scheme as written, as a dict (`Scheme.from_dict` reads it back).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let v = serde_json::to_value(self.inner.scheme()).map_err(|e| to_pyerr(py, &internal(e.to_string())))?;
            to_py(py, &v)
        })
    }

    /// The scheme as written, as JSON text.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            serde_json::to_string_pretty(self.inner.scheme()).map_err(|e| to_pyerr(py, &internal(e.to_string())))
        })
    }

    /// Scores one employee, `{"id", "attributes"?: {...}, "values": {...}}`.
    /// Raises `InputError` or `ScriptError` when the employee cannot be scored.
    fn score(&self, py: Python<'_>, employee: &Bound<'_, PyAny>) -> PyResult<PyScoreCard> {
        guard(py, || {
            let value = to_value(employee).map_err(|e| to_pyerr(py, &e.into_error(ErrorCode::InvalidInput, "")))?;
            let employee = kaohe::Employee::from_value(value).map_err(|e| to_pyerr(py, &e))?;
            let scheme = &self.inner;
            let card = py.detach(|| scheme.score(&employee)).map_err(|e| to_pyerr(py, &e))?;
            Ok(PyScoreCard { card, scheme: scheme.clone() })
        })
    }

    /// Scores a batch in parallel, without the GIL. One entry per employee, in order:
    /// a `ScoreCard`, or an `EmployeeError` in the place of an employee that failed.
    fn score_many<'py>(&self, py: Python<'py>, employees: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        guard(py, || {
            let entries = read_entries(py, employees)?;
            let scheme = &self.inner;
            let outcomes = py.detach(move || scheme.score_entries_par(&entries));
            let items = outcomes.into_iter().map(|o| outcome_to_py(py, scheme, o)).collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)
        })
    }

    /// Scores a batch and applies the scheme's `population` rules: ranks, raw and
    /// calibrated grades with the reason for each move, roll-up and pay. Returns the
    /// result as a dict in the JSON shape of `calibrate_json` (decimals as strings).
    /// `segment_schemes` are the other schemes a prorated employee's segments may name
    /// in their `scheme` attribute (id or id@version); this scheme must prorate then.
    /// Raises `SchemeError` (`quota_infeasible`) when a group's head counts cannot hold,
    /// and for segment schemes that are not allowed (`invalid_scheme`, `duplicate_id`).
    #[pyo3(signature = (employees, *, segment_schemes = None))]
    fn calibrate<'py>(
        &self,
        py: Python<'py>,
        employees: &Bound<'py, PyAny>,
        segment_schemes: Option<Vec<PyRef<'py, PyScheme>>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let others: Vec<kaohe::Scheme> =
                segment_schemes.unwrap_or_default().iter().map(|s| s.inner.clone()).collect();
            let entries = read_entries(py, employees)?;
            let scheme = &self.inner;
            let population =
                py.detach(move || scheme.calibrate_segments(&others, &entries)).map_err(|e| to_pyerr(py, &e))?;
            let v = serde_json::to_value(&population).map_err(|e| to_pyerr(py, &internal(e.to_string())))?;
            to_py(py, &v)
        })
    }

    /// Explains a score card in words (`lang` is `"zh"` or `"en"`).
    #[pyo3(signature = (card, lang = "zh"))]
    fn explain(&self, py: Python<'_>, card: &Bound<'_, PyScoreCard>, lang: &str) -> PyResult<String> {
        let lang = parse_lang(lang)?;
        guard(py, || Ok(self.inner.explain(&card.get().card, lang)))
    }

    /// Explains the employee `employee_id` of a batch in words, as `kaohe explain`
    /// prints it: a prorated employee's records (segments) each scored under the scheme
    /// they name (this one or one of `segment_schemes`), combined by days worked, with
    /// the segments and their sum shown. Raises `InputError` (`unknown_employee`) when
    /// no record has the id, the error of a record that does not score, and
    /// `SchemeError` for segment schemes that are not allowed.
    #[pyo3(signature = (employee_id, employees, *, lang = "zh", segment_schemes = None))]
    fn explain_employee<'py>(
        &self,
        py: Python<'py>,
        employee_id: &str,
        employees: &Bound<'py, PyAny>,
        lang: &str,
        segment_schemes: Option<Vec<PyRef<'py, PyScheme>>>,
    ) -> PyResult<String> {
        let lang = parse_lang(lang)?;
        guard(py, || {
            let others: Vec<kaohe::Scheme> =
                segment_schemes.unwrap_or_default().iter().map(|s| s.inner.clone()).collect();
            let entries = read_entries(py, employees)?;
            let scheme = &self.inner;
            py.detach(move || scheme.explain_employee(&others, &entries, employee_id, lang))
                .map(|e| e.text)
                .map_err(|e| to_pyerr(py, &e.error))
        })
    }

    /// Scores a pandas or polars DataFrame (or a pyarrow Table), one row per employee.
    /// See `kaohe._frame.score_frame`.
    fn score_frame<'py>(slf: &Bound<'py, Self>, df: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("kaohe._frame")?.getattr("score_frame")?.call1((slf, df))
    }

    /// Scores a table given column by column (the DataFrame path; see `kaohe._frame`).
    ///
    /// `columns[i]` holds the cells of the column named `headers[i]`, either joined by
    /// "\x1f" in one text or as a list of texts; an empty cell is an absent value.
    /// Returns `(name, is_decimal, scale, cells)` per result column.
    fn _score_table<'py>(
        &self,
        py: Python<'py>,
        headers: Vec<String>,
        columns: Vec<Bound<'py, PyAny>>,
        n_rows: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(py, || {
            let cells = columns
                .iter()
                .map(|c| -> PyResult<table::Cells> {
                    Ok(match c.cast::<PyString>() {
                        Ok(s) => table::Cells::Joined(s.to_cow()?.into_owned()),
                        Err(_) => table::Cells::Each(
                            c.extract::<Vec<Option<String>>>()?.into_iter().map(Option::unwrap_or_default).collect(),
                        ),
                    })
                })
                .collect::<PyResult<Vec<_>>>()?;
            let scheme = &self.inner;
            let out = py
                .detach(move || table::score_table(scheme, &headers, &cells, n_rows))
                .map_err(|e| to_pyerr(py, &e))?;
            let cols = out
                .into_iter()
                .map(|c| {
                    let values = PyList::new(py, c.cells.cells())?;
                    PyTuple::new(
                        py,
                        [
                            c.name.into_pyobject(py)?.into_any(),
                            pyo3::types::PyBool::new(py, c.decimal).to_owned().into_any(),
                            c.scale.into_pyobject(py)?.into_any(),
                            values.into_any(),
                        ],
                    )
                })
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, cols)
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Scheme(id={}, version={}, indicators={})",
            card::py_repr(self.inner.id()),
            card::py_repr(self.inner.version()),
            self.inner.indicator_ids().len()
        )
    }

    /// Pickles as its JSON text (read back with `Scheme.from_json`).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let json = slf.get().to_json(py)?;
        let from_json = slf.get_type().getattr("from_json")?;
        PyTuple::new(py, [from_json, PyTuple::new(py, [json])?.into_any()])
    }
}

/// Scores a JSON employees document with a JSON scheme, applies the scheme's
/// `population` rules and returns exactly the text `kaohe calibrate --format json`
/// prints, without its final newline. `segment_schemes_json` are the JSON texts of the
/// other schemes segments may be scored with (`--segment-scheme`); the problems of one
/// that does not load have paths under `segment_schemes[i]`.
#[pyfunction]
#[pyo3(signature = (scheme_json, employees_json, segment_schemes_json = None))]
fn calibrate_json(
    py: Python<'_>,
    scheme_json: String,
    employees_json: String,
    segment_schemes_json: Option<Vec<String>>,
) -> PyResult<String> {
    let others = segment_schemes_json.unwrap_or_default();
    guard(py, || {
        py.detach(|| kaohe::calibrate_segments_json(&scheme_json, &employees_json, &others))
            .map_err(|e| core_to_pyerr(py, &e))
    })
}

/// Explains the employee `employee_id` of a JSON employees document and returns
/// exactly the text `kaohe explain --json` prints, without its final newline: the card
/// (combined by days worked when the scheme prorates), the proration, and the text.
/// `segment_schemes_json` are the JSON texts of the other schemes segments may be
/// scored with, as for `calibrate_json`. Raises `InputError` (`unknown_employee`) when
/// no record has the id.
#[pyfunction]
#[pyo3(signature = (scheme_json, employees_json, employee_id, lang = "zh", segment_schemes_json = None))]
fn explain_json(
    py: Python<'_>,
    scheme_json: String,
    employees_json: String,
    employee_id: String,
    lang: &str,
    segment_schemes_json: Option<Vec<String>>,
) -> PyResult<String> {
    let lang = parse_lang(lang)?;
    let others = segment_schemes_json.unwrap_or_default();
    guard(py, || {
        py.detach(|| kaohe::explain_json(&scheme_json, &employees_json, &employee_id, lang, &others))
            .map_err(|e| core_to_pyerr(py, &e))
    })
}

/// A language tag read, or a `ValueError`.
fn parse_lang(tag: &str) -> PyResult<Lang> {
    Lang::parse(tag).ok_or_else(|| PyValueError::new_err(format!("unknown language {tag:?}: use \"zh\" or \"en\"")))
}

/// Scores a JSON employees document (array or JSON Lines) with a JSON scheme and
/// returns exactly the text `kaohe score --format json` prints, without its final
/// newline. Raises `SchemeError` when the scheme does not load and `InputError` when
/// the document is not JSON; a failing employee is an error entry in the text.
#[pyfunction]
fn score_json(py: Python<'_>, scheme_json: String, employees_json: String) -> PyResult<String> {
    guard(py, || py.detach(|| kaohe::score_json(&scheme_json, &employees_json)).map_err(|e| core_to_pyerr(py, &e)))
}

/// Times the core alone on an employees document, for the benchmark: seconds to read
/// the records (`parse`), to score them in parallel (`score`) and on one thread
/// (`score_sequential`), to write the results as JSON (`write`), and to free the
/// employees and results (`free`). Nothing crosses into Python but the figures.
#[pyfunction]
fn _core_timings<'py>(
    py: Python<'py>,
    scheme: &Bound<'py, PyScheme>,
    employees_json: String,
) -> PyResult<Bound<'py, PyDict>> {
    use std::time::Instant;
    guard(py, || {
        let scheme = &scheme.get().inner;
        let timed = py.detach(move || -> Result<[(&'static str, f64); 5], KaoheError> {
            let t = Instant::now();
            let entries = kaohe::parse_employees(&employees_json)?;
            let parse = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let outcomes = scheme.score_entries_par(&entries);
            let score = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let text = kaohe::result::outcomes_to_json(&outcomes);
            let write = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let sequential = scheme.score_entries(&entries);
            let score_sequential = t.elapsed().as_secs_f64();
            if sequential != outcomes || text.is_empty() {
                return Err(internal("parallel and sequential scoring disagree"));
            }
            drop((sequential, text));
            let t = Instant::now();
            drop((outcomes, entries));
            let free = t.elapsed().as_secs_f64();
            Ok([
                ("parse", parse),
                ("score", score),
                ("free", free),
                ("score_sequential", score_sequential),
                ("write", write),
            ])
        });
        let d = PyDict::new(py);
        for (k, v) in timed.map_err(|e| to_pyerr(py, &e))? {
            d.set_item(k, v)?;
        }
        Ok(d)
    })
}

/// Raises a Rust panic inside the guard (for the test suite: a panic must reach
/// Python as a `KaoheError` with code `internal_error`).
#[pyfunction]
fn _panic_for_test(py: Python<'_>, message: String) -> PyResult<()> {
    guard(py, || std::panic::panic_any(message))
}

/// The module `kaohe._kaohe`.
#[pymodule]
fn _kaohe(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScheme>()?;
    m.add_class::<PyScoreCard>()?;
    m.add_class::<PyIndicatorResult>()?;
    m.add_class::<PyAdjustmentResult>()?;
    m.add_class::<PySchemeRef>()?;
    m.add_class::<PyEmployeeError>()?;
    m.add_function(wrap_pyfunction!(score_json, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate_json, m)?)?;
    m.add_function(wrap_pyfunction!(explain_json, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add_function(wrap_pyfunction!(_core_timings, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_analyze_json, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_whatif_json, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_trend_json, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_report_html, m)?)?;
    let codes = PyDict::new(m.py());
    for code in ErrorCode::ALL {
        codes.set_item(code.as_str(), code.description())?;
    }
    m.add("ERROR_CODES", codes)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
