//! Values between JavaScript and the core.
//!
//! In: JS data becomes `serde_json::Value` records. `JSON.stringify` (V8's native
//! serializer) reads a batch in one call when that is exact; otherwise, and for the
//! cases it gets wrong (NaN, ±Infinity, bigints, cycles), the value is read one by one
//! through Node-API. Out: results are written as JSON text in the contract's shape (the
//! core's own serialization) and `JSON.parse` turns them into plain objects.

use kaohe::{Actual, Decimal, EmployeeError, ErrorCode, KaoheError, Outcome, ScoreCard};
use napi::bindgen_prelude::*;
use napi::{Env, JSON, JsValue, ValueType};
use serde_json::{Map, Number, Value};

use crate::errors::{Failure, UsageKind};

/// How deep JS data may nest (records are shallow; this stops cycles).
const MAX_DEPTH: usize = 64;

/// A JS value that is not JSON data, and where it sits.
#[derive(Debug)]
pub struct Unreadable {
    /// JSON path inside the value read (`values.sales`), empty at the top.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Unreadable {
    fn at(path: &str, message: impl Into<String>) -> Self {
        Unreadable { path: path.to_owned(), message: message.into() }
    }

    fn napi(path: &str, e: &Error) -> Self {
        Unreadable::at(path, e.reason.clone())
    }

    /// As an `invalid_input` error, its path under `prefix` (`employees[3]`) when given.
    pub fn into_error(self, prefix: Option<&str>) -> KaoheError {
        let path = match (prefix, self.path.is_empty()) {
            (Some(p), true) => Some(p.to_owned()),
            (Some(p), false) => Some(format!("{p}.{}", self.path)),
            (None, true) => None,
            (None, false) => Some(self.path),
        };
        let e = KaoheError::new(ErrorCode::InvalidInput, format!("the value cannot be read: {}", self.message));
        match path {
            Some(p) => e.at(p),
            None => e,
        }
    }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn number(x: f64, path: &str) -> std::result::Result<Value, Unreadable> {
    if !x.is_finite() {
        return Err(Unreadable::at(path, format!("{x} is not a finite number")));
    }
    // Whole numbers in the exact-integer range stay integers (`40`, not `40.0`).
    if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_991.0 {
        #[allow(clippy::cast_possible_truncation)]
        return Ok(Value::Number(Number::from(x as i64)));
    }
    Number::from_f64(x).map(Value::Number).ok_or_else(|| Unreadable::at(path, format!("{x} is not a finite number")))
}

/// Reads JS data as JSON, the way `JSON.stringify` reads it (`toJSON` is called;
/// functions, symbols and `undefined` are left out of objects and are `null` in arrays),
/// except that NaN and ±Infinity are errors rather than `null`, and a bigint becomes the
/// string of its digits, which the core reads as that exact number.
pub fn json_of(v: Unknown<'_>, path: &str, depth: usize) -> std::result::Result<Value, Unreadable> {
    Ok(json_or_skip(v, path, depth)?.unwrap_or(Value::Null))
}

/// `None`: a value JSON leaves out (a function, a symbol, `undefined`).
fn json_or_skip(v: Unknown<'_>, path: &str, depth: usize) -> std::result::Result<Option<Value>, Unreadable> {
    let napi = |e: Error| Unreadable::napi(path, &e);
    let value = match v.get_type().map_err(napi)? {
        ValueType::Null => Value::Null,
        ValueType::Boolean => Value::Bool(bool::from_unknown(v).map_err(napi)?),
        ValueType::Number => number(f64::from_unknown(v).map_err(napi)?, path)?,
        ValueType::String => Value::String(String::from_unknown(v).map_err(napi)?),
        ValueType::BigInt => {
            Value::String(v.coerce_to_string().and_then(|s| s.into_utf8()).and_then(|s| s.into_owned()).map_err(napi)?)
        }
        ValueType::Object => {
            if depth >= MAX_DEPTH {
                return Err(Unreadable::at(
                    path,
                    format!("the data nests deeper than {MAX_DEPTH} levels (or refers to itself)"),
                ));
            }
            if v.is_array().map_err(napi)? {
                let items = Vec::<Unknown<'_>>::from_unknown(v).map_err(napi)?;
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(json_of(item, &format!("{path}[{i}]"), depth + 1)?);
                }
                Value::Array(out)
            } else {
                let obj = Object::from_unknown(v).map_err(napi)?;
                let to_json = obj.get::<Unknown<'_>>("toJSON").map_err(napi)?;
                if let Some(to_json) = to_json.filter(|f| f.get_type().ok() == Some(ValueType::Function)) {
                    let f = Function::<'_, String, Unknown<'_>>::from_unknown(to_json).map_err(napi)?;
                    let key = path.rsplit(['.', '[']).next().unwrap_or("").trim_end_matches(']');
                    let replaced = f.apply(obj, key.to_owned()).map_err(napi)?;
                    return json_or_skip(replaced, path, depth + 1);
                }
                let keys = Object::keys(&obj).map_err(napi)?;
                let mut map = Map::new();
                for key in keys {
                    let Some(item) = obj.get::<Unknown<'_>>(&key).map_err(napi)? else {
                        continue;
                    };
                    if let Some(value) = json_or_skip(item, &child(path, &key), depth + 1)? {
                        map.insert(key, value);
                    }
                }
                Value::Object(map)
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

/// The id of an unreadable record, when it has a readable one.
fn id_of(v: Unknown<'_>) -> Option<String> {
    if v.get_type().ok()? != ValueType::Object {
        return None;
    }
    let obj = Object::from_unknown(v).ok()?;
    let id = obj.get::<Unknown<'_>>("id").ok()??;
    match id.get_type().ok()? {
        ValueType::String => String::from_unknown(id).ok(),
        ValueType::Number => {
            let x = f64::from_unknown(id).ok()?;
            match number(x, "").ok()? {
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// One record of a batch, read from JS: the JSON value, or the error entry in its place.
pub type Entry = std::result::Result<Value, EmployeeError>;

/// How many records one handle scope covers: V8 handles are freed scope by scope, so a
/// large batch does not pile up millions of live handles (which slows every GC).
const SCOPE_CHUNK: u32 = 256;

/// Reads a JS array of employee records value by value. A record that is not JS data
/// becomes an `invalid_input` error entry in its place.
fn entries(env: &Env, list: Unknown<'_>) -> std::result::Result<Vec<Entry>, Failure> {
    let napi = |e: Error| crate::errors::napi_failure(&e);
    let array = Array::from_unknown(list).map_err(napi)?;
    let len = array.len();
    let mut out = Vec::with_capacity(len as usize);
    let mut start = 0;
    while start < len {
        let end = len.min(start + SCOPE_CHUNK);
        EscapableHandleScope::with(env, array, |_scope, array| {
            for i in start..end {
                let item = array.get::<Unknown<'_>>(i)?.unwrap_or(Null.into_unknown(env)?);
                out.push(json_of(item, "", 0).map_err(|u| EmployeeError {
                    id: id_of(item),
                    error: u.into_error(Some(&format!("employees[{i}]"))),
                }));
            }
            Ok(())
        })
        .map_err(napi)?;
        start = end;
    }
    Ok(out)
}

/// The records of a batch as read from JS: the JSON text `JSON.stringify` made of them
/// (parsed later, off the JS thread when the batch runs in the background), or values
/// read one by one.
pub enum Records {
    /// `JSON.stringify(employees)`.
    Text(String),
    /// Records read value by value.
    Values(Vec<Entry>),
}

fn json_global<'env>(env: &'env Env) -> Result<JSON<'env>> {
    env.get_global()?.get_named_property_unchecked::<JSON<'_>>("JSON")
}

/// `JSON.stringify(value)` when that reads it exactly: the text has no `null` token (so
/// no NaN or ±Infinity was turned into one; stringify writes no spaces, so a token follows
/// `:`, `[` or `,`) and stringify did not throw (bigints, cycles). `None` means: read it
/// value by value instead, which reports those as they are.
fn stringified(env: &Env, value: Unknown<'_>) -> Option<String> {
    let text = json_global(env).ok()?.stringify(value).ok()?;
    let has_null = text == "null" || [":null", "[null", ",null"].iter().any(|t| text.contains(t));
    (!has_null).then_some(text)
}

/// Reads a JS array of employee records. Anything but an array is a `TypeError`.
pub fn read_batch(env: &Env, list: Unknown<'_>) -> std::result::Result<Records, Failure> {
    if !list.is_array().unwrap_or(false) {
        return Err(Failure::Usage(UsageKind::Type, "employees must be an array of employee records".to_owned()));
    }
    match stringified(env, list) {
        Some(text) => Ok(Records::Text(text)),
        None => entries(env, list).map(Records::Values),
    }
}

/// Reads one JS value (an employee, a scheme object) as JSON data.
pub fn read_one(env: &Env, value: Unknown<'_>) -> std::result::Result<Value, Unreadable> {
    if let Some(Ok(v)) = stringified(env, value).map(|text| serde_json::from_str(&text)) {
        return Ok(v);
    }
    json_of(value, "", 0)
}

/// The employees of a batch, each read into the core's type or an error entry in its place.
pub fn employees(records: Records) -> Vec<std::result::Result<kaohe::Employee, EmployeeError>> {
    let values: Vec<Entry> = match records {
        Records::Values(v) => v,
        Records::Text(text) => match serde_json::from_str::<Vec<Value>>(&text) {
            Ok(list) => list.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(EmployeeError {
                id: None,
                error: KaoheError::new(
                    ErrorCode::Internal,
                    format!("the Node binding could not read back JSON.stringify's text: {e}"),
                ),
            })],
        },
    };
    values.into_iter().enumerate().map(|(i, r)| r.and_then(|v| kaohe::score::record(i, v))).collect()
}

fn json_text(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned()));
}

fn json_number(out: &mut String, d: Decimal) {
    out.push_str(&d.to_string());
}

fn json_opt_number(out: &mut String, d: Option<Decimal>) {
    match d {
        Some(d) => json_number(out, d),
        None => out.push_str("null"),
    }
}

/// A card in the contract's JSON shape, its decimals written as JSON numbers.
fn card_with_numbers(out: &mut String, c: &ScoreCard) {
    out.push_str("{\"id\":");
    json_text(out, &c.id);
    out.push_str(",\"score\":");
    json_number(out, c.score);
    out.push_str(",\"grade\":");
    match &c.grade {
        Some(g) => json_text(out, g),
        None => out.push_str("null"),
    }
    out.push_str(",\"coefficient\":");
    json_opt_number(out, c.coefficient);
    out.push_str(",\"subtotal\":");
    json_number(out, c.subtotal);
    out.push_str(",\"indicators\":[");
    for (i, line) in c.indicators.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        json_text(out, &line.id);
        out.push_str(",\"actual\":");
        match &line.actual {
            None => out.push_str("null"),
            Some(Actual::Number(d)) => json_number(out, kaohe::num::normalized(*d)),
            Some(Actual::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
            Some(Actual::Text(t)) => json_text(out, t),
        }
        out.push_str(",\"achievement\":");
        json_opt_number(out, line.achievement);
        out.push_str(",\"weight\":");
        json_number(out, line.weight);
        out.push_str(",\"points\":");
        json_opt_number(out, line.points);
        out.push_str(",\"status\":\"");
        out.push_str(line.status.as_str());
        out.push_str("\"}");
    }
    out.push_str("],\"adjustments\":[");
    for (i, adj) in c.adjustments.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        json_text(out, &adj.id);
        out.push_str(if adj.applied { ",\"applied\":true" } else { ",\"applied\":false" });
        out.push_str(",\"delta\":");
        json_number(out, adj.delta);
        if adj.veto {
            out.push_str(",\"veto\":true");
        }
        out.push('}');
    }
    out.push(']');
    if !c.attributes.is_empty() {
        out.push_str(",\"attributes\":");
        out.push_str(&serde_json::to_string(&c.attributes).unwrap_or_else(|_| "{}".to_owned()));
    }
    out.push_str(",\"scheme\":{\"id\":");
    json_text(out, &c.scheme.id);
    out.push_str(",\"version\":");
    json_text(out, &c.scheme.version);
    out.push_str(",\"hash\":");
    json_text(out, &c.scheme.hash);
    out.push_str("}}");
}

/// One outcome as compact JSON: the contract's shape (the core's own serialization), or
/// with `numbers` the same shape with decimals as JSON numbers.
pub fn outcome_json(out: &mut String, o: &Outcome, numbers: bool) {
    match o {
        Ok(c) if numbers => card_with_numbers(out, c),
        _ => out.push_str(&kaohe::result::outcome_to_json_line(o)),
    }
}

/// A batch as one compact JSON array.
pub fn outcomes_json(list: &[Outcome], numbers: bool) -> String {
    let mut out = String::with_capacity(list.len().saturating_mul(640) + 2);
    out.push('[');
    for (i, o) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        outcome_json(&mut out, o, numbers);
    }
    out.push(']');
    out
}

/// `JSON.parse(text)`: how results become plain JS objects (V8 builds them far faster
/// than property-by-property calls through Node-API).
pub fn parse<'env>(env: &'env Env, text: String) -> Result<Unknown<'env>> {
    let parse: Function<'_, String, Unknown<'_>> = json_global(env)?.get_named_property_unchecked("parse")?;
    parse.call(text)
}
