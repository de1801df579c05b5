//! Reading scheme text (JSON, the canonical format, or YAML) into the model.
//!
//! Shape errors (`invalid_scheme`) carry the JSON path of the offending field and,
//! for JSON, the line and column.

use serde::de::DeserializeOwned;

use crate::error::{ErrorCode, KaoheError, SchemeErrors};
use crate::scheme::Scheme;

/// The format of a scheme text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON (canonical).
    Json,
    /// YAML.
    Yaml,
}

impl Format {
    /// Guesses the format from a file name (`.yaml`/`.yml` are YAML, anything else JSON).
    pub fn from_path(path: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") { Format::Yaml } else { Format::Json }
    }
}

fn shape_error(path: String, message: String, line: Option<u32>, column: Option<u32>) -> KaoheError {
    let mut e = KaoheError::new(ErrorCode::InvalidScheme, message).at_position(line, column);
    if !path.is_empty() && path != "." {
        e = e.at(path);
    }
    e
}

/// Reads JSON text into `T`, reporting the path of a shape error.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, KaoheError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let (line, column) = (u32::try_from(inner.line()).ok(), u32::try_from(inner.column()).ok());
        let msg = inner.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
        shape_error(path, msg, line, column)
    })?;
    de.end().map_err(|e| shape_error(String::new(), format!("trailing text after the scheme: {e}"), None, None))?;
    Ok(value)
}

/// Reads a scheme from JSON text.
pub fn scheme_from_json(text: &str) -> Result<Scheme, SchemeErrors> {
    from_json(text).map_err(SchemeErrors::one)
}

/// Reads a scheme from YAML text (numbers through their shortest decimal spelling).
pub fn scheme_from_yaml(text: &str) -> Result<Scheme, SchemeErrors> {
    let value: serde_json::Value = serde_norway::from_str(text).map_err(|e| {
        let (line, column) =
            e.location().map_or((None, None), |l| (u32::try_from(l.line()).ok(), u32::try_from(l.column()).ok()));
        SchemeErrors::one(shape_error(String::new(), format!("the YAML does not parse: {e}"), line, column))
    })?;
    scheme_from_value(value)
}

/// Reads a scheme from an already parsed JSON value (bindings hand over dicts and objects).
pub fn scheme_from_value(value: serde_json::Value) -> Result<Scheme, SchemeErrors> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        SchemeErrors::one(shape_error(path, e.into_inner().to_string(), None, None))
    })
}

/// Reads a scheme in the given format.
pub fn scheme_from_str(text: &str, format: Format) -> Result<Scheme, SchemeErrors> {
    match format {
        Format::Json => scheme_from_json(text),
        Format::Yaml => scheme_from_yaml(text),
    }
}
