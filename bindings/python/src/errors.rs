//! Core errors as Python exceptions, and the guard that keeps panics from crossing
//! the boundary as anything but a `KaoheError`.
//!
//! The exception classes live in Python (`kaohe/_errors.py`): with the limited API
//! for Python 3.9 a Rust class cannot extend `Exception`. Which class a code maps to
//! is the only decision made here.

use std::panic::{AssertUnwindSafe, catch_unwind};

use kaohe::{ErrorCode, ErrorKind, KaoheError, SchemeErrors};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyType};

static KAOHE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static SCHEME_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INPUT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static SCRIPT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const ERRORS_MODULE: &str = "kaohe._errors";

/// The exception class of a code: scheme codes are `SchemeError`, problems with an
/// employee or a document are `InputError`, failing scripts are `ScriptError`, and
/// the rest (`io_error`, `internal_error`) the base `KaoheError`.
fn class_of(py: Python<'_>, code: ErrorCode) -> PyResult<&Bound<'_, PyType>> {
    let (cell, name) = match code.kind() {
        ErrorKind::Scheme => (&SCHEME_ERROR, "SchemeError"),
        ErrorKind::Input => (&INPUT_ERROR, "InputError"),
        ErrorKind::Script => (&SCRIPT_ERROR, "ScriptError"),
        ErrorKind::Io | ErrorKind::Internal => (&KAOHE_ERROR, "KaoheError"),
    };
    cell.import(py, ERRORS_MODULE, name)
}

/// The exception object of one core error (not raised).
pub(crate) fn exception<'py>(py: Python<'py>, e: &KaoheError) -> PyResult<Bound<'py, PyAny>> {
    class_of(py, e.code)?.call1((e.message.as_str(), e.code.as_str(), e.path.as_deref(), e.line, e.column))
}

/// A plain `KaoheError` object for one problem of a list.
fn problem<'py>(py: Python<'py>, e: &KaoheError) -> PyResult<Bound<'py, PyAny>> {
    KAOHE_ERROR.import(py, ERRORS_MODULE, "KaoheError")?.call1((
        e.message.as_str(),
        e.code.as_str(),
        e.path.as_deref(),
        e.line,
        e.column,
    ))
}

/// A core error raised as its exception class.
pub(crate) fn to_pyerr(py: Python<'_>, e: &KaoheError) -> PyErr {
    match exception(py, e) {
        Ok(obj) => PyErr::from_value(obj),
        Err(err) => err,
    }
}

/// Every problem of a scheme raised as one `SchemeError` carrying the full list.
pub(crate) fn scheme_to_pyerr(py: Python<'_>, e: &SchemeErrors) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let first = e
            .errors
            .first()
            .cloned()
            .unwrap_or_else(|| KaoheError::new(ErrorCode::InvalidScheme, "the scheme did not load"));
        let problems = e.errors.iter().map(|p| problem(py, p)).collect::<PyResult<Vec<_>>>()?;
        let obj = SCHEME_ERROR.import(py, ERRORS_MODULE, "SchemeError")?.call1((
            first.message.as_str(),
            first.code.as_str(),
            first.path.as_deref(),
            first.line,
            first.column,
            PyList::new(py, problems)?,
        ))?;
        Ok(PyErr::from_value(obj))
    };
    build().unwrap_or_else(|err| err)
}

/// A failure of a call that loads a scheme and reads employees.
pub(crate) fn core_to_pyerr(py: Python<'_>, e: &kaohe::Error) -> PyErr {
    match e {
        kaohe::Error::Scheme(s) => scheme_to_pyerr(py, s),
        kaohe::Error::Other(k) => to_pyerr(py, k),
    }
}

/// An `internal_error` for something that should never happen.
pub(crate) fn internal(message: impl Into<String>) -> KaoheError {
    KaoheError::new(ErrorCode::Internal, message)
}

/// Runs `f`, turning a panic into a `KaoheError` with code `internal_error`.
///
/// Every entry point of the module goes through this, so that no Rust panic reaches
/// Python as pyo3's `PanicException` (which is not an `Exception`).
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(to_pyerr(py, &internal(format!("internal error in kaohe (please report): {what}"))))
        }
    }
}
