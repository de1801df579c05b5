//! The one catalogue of error codes, and the error values that carry them.
//!
//! Every failure kaohe reports has a stable snake_case [`ErrorCode`], a message a
//! person can act on, and a location: a JSON path into the scheme or the employee
//! (`indicators[1].scoring.target`, `values.sales`), and for scripts a line and a
//! column. The code strings are identical in every binding.

use std::fmt;

use serde::Serialize;

/// Stable error codes. The string form ([`ErrorCode::as_str`]) never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The scheme is unreadable or has the wrong shape.
    InvalidScheme,
    /// Two items of one kind share an identifier.
    DuplicateId,
    /// Sibling weights do not sum to exactly 100.
    WeightsMismatch,
    /// An expression names something that is neither an input, a derived value nor a provided function.
    UnknownName,
    /// A script or expression does not parse.
    ScriptCompile,
    /// Derived values depend on each other in a cycle.
    DependencyCycle,
    /// An employee lacks a value an indicator needs.
    MissingInput,
    /// An employee's value has the wrong type, is out of bounds, or the employee record is malformed.
    InvalidInput,
    /// A script failed while running (division by zero, wrong types, overflow…).
    ScriptRuntime,
    /// A script hit a sandbox limit (operations, depth, sizes).
    ScriptLimit,
    /// An employees document (JSON, JSON Lines, CSV) is unreadable as a whole.
    InvalidDocument,
    /// An employee named by the caller is not in the batch.
    UnknownEmployee,
    /// An appeal was filed after its filing window closed.
    AppealLate,
    /// An appeal names an indicator or adjustment that may not be appealed (or the scheme has no appeal rules).
    AppealNotAppealable,
    /// An employee already filed as many appeals as the scheme allows.
    AppealLimit,
    /// An appeal event is not allowed in the appeal's state (deciding a closed appeal, an unknown appeal…).
    AppealTransition,
    /// An appeal event is malformed, out of date order, or dated after "now".
    AppealEvent,
    /// A result does not match the scheme or the re-scoring it claims to come from.
    ResultMismatch,
    /// A file could not be read (front ends only; the core does no I/O).
    Io,
    /// An internal failure that should never happen (a caught panic in a binding).
    Internal,
    /// Forced-distribution quotas that cannot all hold (in every group, or in one group's head counts).
    QuotaInfeasible,
}

impl ErrorCode {
    /// Every code, in catalogue order.
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::InvalidScheme,
        ErrorCode::DuplicateId,
        ErrorCode::WeightsMismatch,
        ErrorCode::UnknownName,
        ErrorCode::ScriptCompile,
        ErrorCode::DependencyCycle,
        ErrorCode::MissingInput,
        ErrorCode::InvalidInput,
        ErrorCode::ScriptRuntime,
        ErrorCode::ScriptLimit,
        ErrorCode::InvalidDocument,
        ErrorCode::UnknownEmployee,
        ErrorCode::AppealLate,
        ErrorCode::AppealNotAppealable,
        ErrorCode::AppealLimit,
        ErrorCode::AppealTransition,
        ErrorCode::AppealEvent,
        ErrorCode::ResultMismatch,
        ErrorCode::Io,
        ErrorCode::Internal,
        ErrorCode::QuotaInfeasible,
    ];

    /// The stable snake_case string of this code.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidScheme => "invalid_scheme",
            ErrorCode::DuplicateId => "duplicate_id",
            ErrorCode::WeightsMismatch => "weights_mismatch",
            ErrorCode::UnknownName => "unknown_name",
            ErrorCode::ScriptCompile => "script_compile",
            ErrorCode::DependencyCycle => "dependency_cycle",
            ErrorCode::MissingInput => "missing_input",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::ScriptRuntime => "script_runtime",
            ErrorCode::ScriptLimit => "script_limit",
            ErrorCode::InvalidDocument => "invalid_document",
            ErrorCode::UnknownEmployee => "unknown_employee",
            ErrorCode::AppealLate => "appeal_late",
            ErrorCode::AppealNotAppealable => "appeal_not_appealable",
            ErrorCode::AppealLimit => "appeal_limit",
            ErrorCode::AppealTransition => "appeal_transition",
            ErrorCode::AppealEvent => "appeal_event",
            ErrorCode::ResultMismatch => "result_mismatch",
            ErrorCode::Io => "io_error",
            ErrorCode::Internal => "internal_error",
            ErrorCode::QuotaInfeasible => "quota_infeasible",
        }
    }

    /// Looks a code up by its string form.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// What the code means, in one line (the catalogue's description).
    pub const fn description(self) -> &'static str {
        match self {
            ErrorCode::InvalidScheme => "the scheme is unreadable or has the wrong shape",
            ErrorCode::DuplicateId => "two items of one kind share an identifier",
            ErrorCode::WeightsMismatch => "sibling weights do not sum to exactly 100",
            ErrorCode::UnknownName => {
                "an expression names something that is neither an input, a derived value nor a provided function"
            }
            ErrorCode::ScriptCompile => "a script or expression does not parse",
            ErrorCode::DependencyCycle => "derived values depend on each other in a cycle",
            ErrorCode::MissingInput => "an employee lacks a value an indicator needs",
            ErrorCode::InvalidInput => "an employee's value has the wrong type or is out of bounds",
            ErrorCode::ScriptRuntime => "a script failed while running",
            ErrorCode::ScriptLimit => "a script hit a sandbox limit",
            ErrorCode::InvalidDocument => "an employees document is unreadable as a whole",
            ErrorCode::UnknownEmployee => "the employee named is not in the batch",
            ErrorCode::AppealLate => "an appeal was filed after its filing window closed",
            ErrorCode::AppealNotAppealable => "an appeal names something that may not be appealed",
            ErrorCode::AppealLimit => "the employee already filed as many appeals as the scheme allows",
            ErrorCode::AppealTransition => "an appeal event is not allowed in the appeal's state",
            ErrorCode::AppealEvent => "an appeal event is malformed, out of order, or dated after now",
            ErrorCode::ResultMismatch => "a result does not match its scheme or its inputs",
            ErrorCode::Io => "a file could not be read",
            ErrorCode::Internal => "an internal failure",
            ErrorCode::QuotaInfeasible => "forced-distribution quotas cannot all hold",
        }
    }

    /// The kind of problem, which every binding maps to its exception class
    /// (`SchemeError`, `InputError`, `ScriptError`…).
    pub const fn kind(self) -> ErrorKind {
        match self {
            ErrorCode::InvalidScheme
            | ErrorCode::DuplicateId
            | ErrorCode::WeightsMismatch
            | ErrorCode::UnknownName
            | ErrorCode::ScriptCompile
            | ErrorCode::DependencyCycle
            | ErrorCode::QuotaInfeasible => ErrorKind::Scheme,
            ErrorCode::MissingInput
            | ErrorCode::InvalidInput
            | ErrorCode::InvalidDocument
            | ErrorCode::UnknownEmployee
            | ErrorCode::AppealLate
            | ErrorCode::AppealNotAppealable
            | ErrorCode::AppealLimit
            | ErrorCode::AppealTransition
            | ErrorCode::AppealEvent
            | ErrorCode::ResultMismatch => ErrorKind::Input,
            ErrorCode::ScriptRuntime | ErrorCode::ScriptLimit => ErrorKind::Script,
            ErrorCode::Io => ErrorKind::Io,
            ErrorCode::Internal => ErrorKind::Internal,
        }
    }

    /// Whether this code reports a problem with the scheme (as opposed to an employee).
    pub const fn is_scheme_error(self) -> bool {
        matches!(self.kind(), ErrorKind::Scheme)
    }
}

/// The kinds of error codes: what a binding raises them as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The scheme is wrong (`SchemeError`).
    Scheme,
    /// An employee or an employees document is wrong (`InputError`).
    Input,
    /// A script failed while scoring (`ScriptError`).
    Script,
    /// A file could not be read.
    Io,
    /// A bug caught at a boundary.
    Internal,
}

impl ErrorKind {
    /// The stable snake_case name of the kind.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Scheme => "scheme",
            ErrorKind::Input => "input",
            ErrorKind::Script => "script",
            ErrorKind::Io => "io",
            ErrorKind::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One error: a code, a message, and where it points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KaoheError {
    /// The stable code.
    pub code: ErrorCode,
    /// A message a person can act on.
    pub message: String,
    /// A JSON path into the scheme (`indicators[0].weight`) or the employee (`values.sales`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Line inside a script (1-based), or inside a document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Column inside a script (1-based), or inside a document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl KaoheError {
    /// A new error with no location.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        KaoheError { code, message: message.into(), path: None, line: None, column: None }
    }

    /// Sets the JSON path.
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Sets the line and column.
    pub fn at_position(mut self, line: Option<u32>, column: Option<u32>) -> Self {
        self.line = line;
        self.column = column;
        self
    }
}

impl fmt::Display for KaoheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.code)?;
        if let Some(path) = &self.path {
            write!(f, " {path}")?;
        }
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, " (line {l}, column {c})")?,
            (Some(l), None) => write!(f, " (line {l})")?,
            _ => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for KaoheError {}

/// Every problem found in a scheme, in one list (validation never stops at the first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeErrors {
    /// The problems, in the order found (document order where possible).
    pub errors: Vec<KaoheError>,
}

impl SchemeErrors {
    /// Wraps a single problem.
    pub fn one(error: KaoheError) -> Self {
        SchemeErrors { errors: vec![error] }
    }

    /// The code of the first problem (the one a caller usually branches on).
    pub fn code(&self) -> ErrorCode {
        self.errors.first().map_or(ErrorCode::InvalidScheme, |e| e.code)
    }

    /// Whether any problem has this code.
    pub fn has(&self, code: ErrorCode) -> bool {
        self.errors.iter().any(|e| e.code == code)
    }
}

impl fmt::Display for SchemeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(f, "the scheme has {n} problem{}", if n == 1 { "" } else { "s" })?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemeErrors {}

/// Any failure of a call that both loads a scheme and reads employees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The scheme did not load.
    #[error("{0}")]
    Scheme(SchemeErrors),
    /// A document or a single employee failed.
    #[error("{0}")]
    Other(KaoheError),
}

impl Error {
    /// The code of the (first) problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Scheme(s) => s.code(),
            Error::Other(e) => e.code,
        }
    }

    /// The problems as a flat list (one for non-scheme errors).
    pub fn errors(&self) -> Vec<KaoheError> {
        match self {
            Error::Scheme(s) => s.errors.clone(),
            Error::Other(e) => vec![e.clone()],
        }
    }
}

impl From<SchemeErrors> for Error {
    fn from(e: SchemeErrors) -> Self {
        Error::Scheme(e)
    }
}

impl From<KaoheError> for Error {
    fn from(e: KaoheError) -> Self {
        Error::Other(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
            assert!(seen.insert(c.as_str()), "duplicate code {c}");
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'));
        }
    }

    #[test]
    fn kinds_sort_codes_into_classes() {
        assert_eq!(ErrorCode::WeightsMismatch.kind(), ErrorKind::Scheme);
        assert_eq!(ErrorCode::InvalidDocument.kind(), ErrorKind::Input);
        assert_eq!(ErrorCode::ScriptLimit.kind(), ErrorKind::Script);
        assert_eq!(ErrorCode::Io.kind().as_str(), "io");
        let scheme: Vec<&str> =
            ErrorCode::ALL.into_iter().filter(|c| c.is_scheme_error()).map(ErrorCode::as_str).collect();
        assert_eq!(
            scheme,
            [
                "invalid_scheme",
                "duplicate_id",
                "weights_mismatch",
                "unknown_name",
                "script_compile",
                "dependency_cycle",
                "quota_infeasible"
            ]
        );
    }

    #[test]
    fn display_names_location() {
        let e = KaoheError::new(ErrorCode::ScriptCompile, "unexpected '*'")
            .at("derived.twice")
            .at_position(Some(1), Some(5));
        assert_eq!(e.to_string(), "[script_compile] derived.twice (line 1, column 5): unexpected '*'");
    }
}
