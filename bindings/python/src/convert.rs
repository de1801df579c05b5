//! Python objects to JSON values and back, keeping numbers exact.
//!
//! Into JSON: `int` and `decimal.Decimal` keep their exact text, a `float` goes
//! through its shortest round-trip text (`0.1` stays one tenth), a NaN (the way
//! pandas and NumPy spell "no value") is `null`, `bool` stays a bool, mappings with
//! text keys become objects, lists and tuples arrays, NumPy scalars their Python
//! value. Out of JSON: exactly what `json.loads` would give.

use std::str::FromStr;

use kaohe::{Decimal, ErrorCode, KaoheError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Nesting deeper than this is refused (it also stops self-referencing containers).
const MAX_DEPTH: usize = 256;

/// Why a Python object has no JSON form, and where inside it.
#[derive(Debug)]
pub(crate) struct ConvertError {
    /// Path segments from the outside in (`values`, `sales`, `[2]`).
    path: Vec<String>,
    message: String,
}

impl ConvertError {
    fn new(message: impl Into<String>) -> Self {
        ConvertError { path: Vec::new(), message: message.into() }
    }

    fn within(mut self, segment: String) -> Self {
        self.path.insert(0, segment);
        self
    }

    /// The JSON path of the offending value, under `prefix` when there is one.
    fn path(&self, prefix: &str) -> String {
        let mut out = prefix.to_owned();
        for seg in &self.path {
            if !seg.starts_with('[') && !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
        out
    }

    /// As a core error with the given code, its path under `prefix`.
    pub(crate) fn into_error(self, code: ErrorCode, prefix: &str) -> KaoheError {
        let path = self.path(prefix);
        let e = KaoheError::new(code, self.message);
        if path.is_empty() { e } else { e.at(path) }
    }
}

/// `decimal.Decimal`.
pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// A Rust decimal as a `decimal.Decimal` (through its exact text).
pub(crate) fn decimal<'py>(py: Python<'py>, d: &Decimal) -> PyResult<Bound<'py, PyAny>> {
    decimal_type(py)?.call1((d.to_string(),))
}

/// An optional decimal as a `decimal.Decimal` or `None`.
pub(crate) fn opt_decimal<'py>(py: Python<'py>, d: Option<&Decimal>) -> PyResult<Bound<'py, PyAny>> {
    match d {
        Some(d) => decimal(py, d),
        None => Ok(py.None().into_bound(py)),
    }
}

fn number_from_text(text: &str) -> Result<Number, ConvertError> {
    Number::from_str(text).map_err(|_| ConvertError::new(format!("{text} is not a finite number")))
}

/// Converts a Python object into a JSON value.
pub(crate) fn to_value(obj: &Bound<'_, PyAny>) -> Result<Value, ConvertError> {
    to_value_at(obj, 0)
}

fn to_value_at(obj: &Bound<'_, PyAny>, depth: usize) -> Result<Value, ConvertError> {
    if depth > MAX_DEPTH {
        return Err(ConvertError::new(format!("nested more than {MAX_DEPTH} levels deep")));
    }
    let py = obj.py();
    let fail = |e: PyErr| ConvertError::new(e.to_string());
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow().map_err(fail)?.into_owned()));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return Ok(match i.extract::<i64>() {
            Ok(n) => Value::Number(n.into()),
            Err(_) => Value::Number(number_from_text(&i.str().map_err(fail)?.to_cow().map_err(fail)?)?),
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        if v.is_nan() {
            return Ok(Value::Null);
        }
        return Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| ConvertError::new(format!("{v} is not a finite number")));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = key_text(&k)?;
            let value = to_value_at(&v, depth + 1).map_err(|e| e.within(key.clone()))?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return sequence(l.iter(), l.len(), depth);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return sequence(t.iter(), t.len(), depth);
    }
    if obj.is_instance(decimal_type(py).map_err(fail)?).map_err(fail)? {
        if obj.call_method0("is_nan").map_err(fail)?.is_truthy().map_err(fail)? {
            return Ok(Value::Null);
        }
        let text = obj.str().map_err(fail)?;
        return Ok(Value::Number(number_from_text(&text.to_cow().map_err(fail)?)?));
    }
    if let Ok(m) = obj.cast::<PyMapping>() {
        let mut map = Map::new();
        for item in m.items().map_err(fail)?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(fail)?;
            let key = key_text(&k)?;
            let value = to_value_at(&v, depth + 1).map_err(|e| e.within(key.clone()))?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    // NumPy scalars (numpy.int64, numpy.bool_…) carry their Python value in `item()`.
    if is_numpy_scalar(obj) {
        let item = obj.call_method0("item").map_err(fail)?;
        return to_value_at(&item, depth + 1);
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_owned());
    Err(ConvertError::new(format!(
        "a value of type {type_name} has no JSON form (use str, int, float, Decimal, bool, None, dict or list)"
    )))
}

fn is_numpy_scalar(obj: &Bound<'_, PyAny>) -> bool {
    obj.get_type().module().is_ok_and(|m| m.to_cow().is_ok_and(|m| m == "numpy"))
}

fn key_text(k: &Bound<'_, PyAny>) -> Result<String, ConvertError> {
    match k.cast::<PyString>() {
        Ok(s) => s.to_cow().map(|c| c.into_owned()).map_err(|e| ConvertError::new(e.to_string())),
        Err(_) => Err(ConvertError::new(format!(
            "keys must be text, not {}",
            k.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_owned())
        ))),
    }
}

fn sequence<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    len: usize,
    depth: usize,
) -> Result<Value, ConvertError> {
    let mut out = Vec::with_capacity(len);
    for (i, item) in items.enumerate() {
        out.push(to_value_at(&item, depth + 1).map_err(|e| e.within(format!("[{i}]")))?);
    }
    Ok(Value::Array(out))
}

/// A JSON value as the Python object `json.loads` would give.
pub(crate) fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => number_to_py(py, n)?,
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(xs) => {
            let items = xs.iter().map(|x| to_py(py, x)).collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Object(m) => map_to_py(py, m)?.into_any(),
    })
}

/// A JSON object as a `dict`.
pub(crate) fn map_to_py<'py>(py: Python<'py>, m: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, x) in m {
        d.set_item(k, to_py(py, x)?)?;
    }
    Ok(d)
}

fn number_to_py<'py>(py: Python<'py>, n: &Number) -> PyResult<Bound<'py, PyAny>> {
    if let Some(i) = n.as_i64() {
        return Ok(i.into_pyobject(py)?.into_any());
    }
    let text = n.as_str();
    let integral = !text.contains(['.', 'e', 'E']);
    if integral {
        // Beyond 64 bits: Python's int reads the digits exactly, as json.loads does.
        return INT.import(py, "builtins", "int")?.call1((text,));
    }
    let f: f64 = text
        .parse()
        .map_err(|_| crate::errors::to_pyerr(py, &crate::errors::internal(format!("bad JSON number {text}"))))?;
    Ok(PyFloat::new(py, f).into_any())
}
