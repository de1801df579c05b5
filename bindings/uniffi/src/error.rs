//! The one error type of the binding, and the panic guard every export runs under.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use kaohe::ErrorCode;

/// One problem, as data: a stable code, a message a person can act on, and where it
/// points (a JSON path, a line and column inside a script or document).
///
/// Used for the problems of a scheme ([`KaoheError::SchemeError`]) and for an
/// employee that failed inside a batch ([`crate::Outcome::Failed`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorDetail {
    /// The stable snake_case code (`weights_mismatch`, `invalid_input`…).
    pub code: String,
    /// A message a person can act on.
    pub message: String,
    /// A JSON path into the scheme (`indicators[0].weight`) or the employee (`values.sales`).
    pub path: Option<String>,
    /// Line inside a script (1-based), or inside a document.
    pub line: Option<i32>,
    /// Column inside a script (1-based), or inside a document.
    pub column: Option<i32>,
}

fn position(p: Option<u32>) -> Option<i32> {
    p.map(|v| i32::try_from(v).unwrap_or(i32::MAX))
}

impl From<&kaohe::KaoheError> for ErrorDetail {
    fn from(e: &kaohe::KaoheError) -> Self {
        ErrorDetail {
            code: e.code.as_str().to_owned(),
            message: e.message.clone(),
            path: e.path.clone(),
            line: position(e.line),
            column: position(e.column),
        }
    }
}

/// Every failure of the binding. Each variant carries the stable `code`, the
/// `message`, and the location (`path`, `line`, `column`) of the (first) problem.
///
/// In Kotlin this is `KaoheException` (`SchemeException`, `EmployeeException`…), and
/// the `message` field is renamed `detail` there because `Throwable.message` is taken.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum KaoheError {
    /// The scheme did not load: `problems` lists every problem found (validation never
    /// stops at the first); `code`, `message`, `path`, `line`, `column` repeat the first.
    SchemeError {
        /// Code of the first problem (`invalid_scheme`, `duplicate_id`, `weights_mismatch`,
        /// `unknown_name`, `script_compile`, `dependency_cycle`, `quota_infeasible`).
        code: String,
        /// Message of the first problem.
        message: String,
        /// JSON path of the first problem.
        path: Option<String>,
        /// Script line of the first problem.
        line: Option<i32>,
        /// Script column of the first problem.
        column: Option<i32>,
        /// Every problem, in the order found.
        problems: Vec<ErrorDetail>,
    },
    /// One employee could not be scored (`missing_input`, `invalid_input`,
    /// `script_runtime`, `script_limit`…).
    EmployeeError {
        /// The employee's id, when the record had one.
        id: Option<String>,
        /// The stable code.
        code: String,
        /// What went wrong.
        message: String,
        /// JSON path (`values.sales`, `employees[3].id`).
        path: Option<String>,
        /// Script line.
        line: Option<i32>,
        /// Script column.
        column: Option<i32>,
    },
    /// An employees document (or a table) is unreadable as a whole (`invalid_document`).
    DocumentError {
        /// The stable code.
        code: String,
        /// What went wrong.
        message: String,
        /// JSON path, when there is one.
        path: Option<String>,
        /// Line inside the document.
        line: Option<i32>,
        /// Column inside the document.
        column: Option<i32>,
    },
    /// A failure that should never happen: a caught panic (`internal_error`).
    UnexpectedError {
        /// Always `internal_error`.
        code: String,
        /// The panic's message.
        message: String,
        /// Never set.
        path: Option<String>,
        /// Never set.
        line: Option<i32>,
        /// Never set.
        column: Option<i32>,
    },
}

impl KaoheError {
    /// The stable code of the (first) problem.
    pub fn code(&self) -> &str {
        match self {
            KaoheError::SchemeError { code, .. }
            | KaoheError::EmployeeError { code, .. }
            | KaoheError::DocumentError { code, .. }
            | KaoheError::UnexpectedError { code, .. } => code,
        }
    }

    /// The message of the (first) problem.
    pub fn message(&self) -> &str {
        match self {
            KaoheError::SchemeError { message, .. }
            | KaoheError::EmployeeError { message, .. }
            | KaoheError::DocumentError { message, .. }
            | KaoheError::UnexpectedError { message, .. } => message,
        }
    }

    /// A scheme that did not load.
    pub fn scheme(errors: &kaohe::SchemeErrors) -> Self {
        let problems: Vec<ErrorDetail> = errors.errors.iter().map(ErrorDetail::from).collect();
        let first = problems.first().cloned().unwrap_or_else(|| ErrorDetail {
            code: errors.code().as_str().to_owned(),
            message: errors.to_string(),
            path: None,
            line: None,
            column: None,
        });
        KaoheError::SchemeError {
            code: first.code,
            message: first.message,
            path: first.path,
            line: first.line,
            column: first.column,
            problems,
        }
    }

    /// An employee that failed (its id when known).
    pub fn employee(id: Option<String>, e: &kaohe::KaoheError) -> Self {
        let d = ErrorDetail::from(e);
        KaoheError::EmployeeError { id, code: d.code, message: d.message, path: d.path, line: d.line, column: d.column }
    }

    /// Any core error, sorted into its variant by code.
    pub fn other(e: &kaohe::KaoheError) -> Self {
        match e.code {
            c if c.is_scheme_error() => KaoheError::scheme(&kaohe::SchemeErrors::one(e.clone())),
            ErrorCode::InvalidDocument | ErrorCode::Io => {
                let d = ErrorDetail::from(e);
                KaoheError::DocumentError {
                    code: d.code,
                    message: d.message,
                    path: d.path,
                    line: d.line,
                    column: d.column,
                }
            }
            ErrorCode::Internal => KaoheError::internal(e.message.clone()),
            _ => KaoheError::employee(None, e),
        }
    }

    /// An internal failure (a caught panic).
    pub fn internal(message: String) -> Self {
        KaoheError::UnexpectedError {
            code: ErrorCode::Internal.as_str().to_owned(),
            message,
            path: None,
            line: None,
            column: None,
        }
    }
}

impl From<kaohe::SchemeErrors> for KaoheError {
    fn from(e: kaohe::SchemeErrors) -> Self {
        KaoheError::scheme(&e)
    }
}

impl From<kaohe::KaoheError> for KaoheError {
    fn from(e: kaohe::KaoheError) -> Self {
        KaoheError::other(&e)
    }
}

impl From<kaohe::EmployeeError> for KaoheError {
    /// An employee's failure keeps its id; a scheme or document problem met on the way
    /// (segment schemes not allowed) keeps its own variant.
    fn from(e: kaohe::EmployeeError) -> Self {
        match KaoheError::other(&e.error) {
            KaoheError::EmployeeError { .. } => KaoheError::employee(e.id, &e.error),
            other => other,
        }
    }
}

impl From<kaohe::Error> for KaoheError {
    fn from(e: kaohe::Error) -> Self {
        match e {
            kaohe::Error::Scheme(s) => KaoheError::scheme(&s),
            kaohe::Error::Other(o) => KaoheError::other(&o),
        }
    }
}

impl fmt::Display for KaoheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code(), self.message())?;
        if let KaoheError::SchemeError { problems, .. } = self
            && problems.len() > 1
        {
            write!(f, " (and {} more problems)", problems.len() - 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for KaoheError {}

/// Runs `f`, turning a panic into [`KaoheError::UnexpectedError`] (`internal_error`) so
/// that no panic crosses the boundary.
pub fn guard<T>(f: impl FnOnce() -> Result<T, KaoheError>) -> Result<T, KaoheError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(KaoheError::internal(format!("internal failure in kaohe (a bug, please report it): {message}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal_error() {
        let r: Result<(), KaoheError> = guard(|| panic!("boom"));
        let Err(e) = r else { panic!("expected an error") };
        assert_eq!(e.code(), "internal_error");
        assert!(matches!(e, KaoheError::UnexpectedError { .. }));
        assert!(e.message().contains("boom"));
    }

    #[test]
    fn an_employee_error_keeps_its_id_unless_it_is_about_the_scheme() {
        let unknown = kaohe::KaoheError::new(ErrorCode::UnknownEmployee, "x").at("id");
        let e = KaoheError::from(kaohe::EmployeeError { id: Some("T9".into()), error: unknown });
        assert!(matches!(e, KaoheError::EmployeeError { id: Some(ref id), .. } if id == "T9"), "{e:?}");
        let scheme = kaohe::KaoheError::new(ErrorCode::InvalidScheme, "x").at("population.proration");
        let e = KaoheError::from(kaohe::EmployeeError { id: None, error: scheme });
        assert!(matches!(e, KaoheError::SchemeError { .. }), "{e:?}");
    }

    #[test]
    fn codes_sort_into_variants() {
        let doc = kaohe::KaoheError::new(ErrorCode::InvalidDocument, "x");
        assert!(matches!(KaoheError::from(doc), KaoheError::DocumentError { .. }));
        let dup = kaohe::KaoheError::new(ErrorCode::DuplicateId, "x").at("indicators[1].id");
        let KaoheError::SchemeError { problems, path, .. } = KaoheError::from(dup) else {
            panic!("expected a scheme error")
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(path.as_deref(), Some("indicators[1].id"));
    }
}
