//! Core errors as JavaScript errors.
//!
//! A kaohe failure leaves Rust as a plain JS `Error` whose properties carry the
//! core's data: `code` (the stable snake_case code), `path`, `line`, `column`, `errors`
//! (every problem, for scheme errors the full list) and, for a failed employee,
//! `employeeId`. `index.js` re-throws it as the matching `KaoheError` subclass.

use std::any::Any;

use kaohe::{ErrorCode, KaoheError};
use napi::bindgen_prelude::*;
use napi::{Env, JsValue};

/// A failure on the way out of the binding, before it becomes a JS error.
#[derive(Debug, Clone)]
pub enum Failure {
    /// One core error (an employee, a document, a file), maybe for a named employee.
    One(KaoheError, Option<String>),
    /// A scheme that did not load: every problem found.
    Scheme(kaohe::SchemeErrors),
    /// A misused argument (wrong JS type, unknown language): a `TypeError`/`RangeError`.
    Usage(UsageKind, String),
}

/// Which standard JS error a usage failure becomes.
#[derive(Debug, Clone, Copy)]
pub enum UsageKind {
    /// `TypeError`.
    Type,
    /// `RangeError`.
    Range,
}

impl From<KaoheError> for Failure {
    fn from(e: KaoheError) -> Self {
        Failure::One(e, None)
    }
}

impl From<kaohe::SchemeErrors> for Failure {
    fn from(e: kaohe::SchemeErrors) -> Self {
        Failure::Scheme(e)
    }
}

impl From<kaohe::Error> for Failure {
    fn from(e: kaohe::Error) -> Self {
        match e {
            kaohe::Error::Scheme(s) => Failure::Scheme(s),
            kaohe::Error::Other(e) => Failure::One(e, None),
        }
    }
}

impl From<kaohe::EmployeeError> for Failure {
    fn from(e: kaohe::EmployeeError) -> Self {
        Failure::One(e.error, e.id)
    }
}

/// The `internal_error` a caught panic becomes.
pub fn panic_failure(payload: &(dyn Any + Send)) -> Failure {
    let what = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    Failure::One(
        KaoheError::new(ErrorCode::Internal, format!("internal error in the kaohe native module: {what}")),
        None,
    )
}

/// One error's details as a plain object in the contract's shape (`{code, message, path?, line?, column?}`).
pub fn detail<'env>(env: &'env Env, e: &KaoheError) -> Result<Object<'env>> {
    let mut o = Object::new(env)?;
    o.set("code", e.code.as_str())?;
    o.set("message", e.message.as_str())?;
    if let Some(p) = &e.path {
        o.set("path", p.as_str())?;
    }
    if let Some(l) = e.line {
        o.set("line", l)?;
    }
    if let Some(c) = e.column {
        o.set("column", c)?;
    }
    Ok(o)
}

fn located<'env>(env: &'env Env, message: String, first: &KaoheError, all: &[KaoheError]) -> Result<Object<'env>> {
    let mut err = env.create_error(Error::new(Status::GenericFailure, message))?;
    err.set("code", first.code.as_str())?;
    if let Some(p) = &first.path {
        err.set("path", p.as_str())?;
    }
    if let Some(l) = first.line {
        err.set("line", l)?;
    }
    if let Some(c) = first.column {
        err.set("column", c)?;
    }
    let mut list = env.create_array(u32::try_from(all.len()).unwrap_or(u32::MAX))?;
    for (i, e) in all.iter().enumerate() {
        list.set(u32::try_from(i).unwrap_or(u32::MAX), detail(env, e)?)?;
    }
    err.set("errors", list)?;
    Ok(err)
}

/// The JS error object of a failure.
pub fn js_error<'env>(env: &'env Env, f: &Failure) -> Result<Object<'env>> {
    match f {
        Failure::One(e, employee) => {
            let mut err = located(env, e.to_string(), e, std::slice::from_ref(e))?;
            if let Some(id) = employee {
                err.set("employeeId", id.as_str())?;
            }
            Ok(err)
        }
        Failure::Scheme(s) => {
            let fallback;
            let first = match s.errors.first() {
                Some(e) => e,
                None => {
                    fallback = KaoheError::new(ErrorCode::InvalidScheme, "the scheme did not load");
                    &fallback
                }
            };
            let mut err = located(env, s.to_string(), first, &s.errors)?;
            err.set("code", s.code().as_str())?;
            Ok(err)
        }
        Failure::Usage(kind, message) => {
            let code = match kind {
                UsageKind::Type => "ERR_INVALID_ARG_TYPE",
                UsageKind::Range => "ERR_INVALID_ARG_VALUE",
            };
            let e = Error::new(code.to_owned(), message.clone());
            let value = match kind {
                UsageKind::Type => JsTypeError::from(e).into_unknown(*env),
                UsageKind::Range => JsRangeError::from(e).into_unknown(*env),
            };
            Object::from_unknown(value)
        }
    }
}

/// A failure as the `napi::Error` a binding function returns (it throws that very object).
pub fn to_napi(env: &Env, f: &Failure) -> Error {
    match js_error(env, f) {
        Ok(obj) => Error::from(obj.to_unknown()),
        Err(e) => e,
    }
}

/// Runs `body`, turning a failure into a thrown JS error and a panic into `internal_error`.
pub fn guard<T>(env: &Env, body: impl FnOnce() -> std::result::Result<T, Failure>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(f)) => Err(to_napi(env, &f)),
        Err(payload) => Err(to_napi(env, &panic_failure(payload.as_ref()))),
    }
}

/// A `napi::Error` met while converting values, as a failure of the call.
pub fn napi_failure(e: &Error) -> Failure {
    Failure::One(
        KaoheError::new(ErrorCode::Internal, format!("the Node binding failed to convert a value: {}", e.reason)),
        None,
    )
}
