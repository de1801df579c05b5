//! Reading scheme text (JSON, the canonical format, or YAML) into the model.
//!
//! Shape errors (`invalid_scheme`) carry the JSON path of the offending field and,
//! for JSON, the line and column.

use serde::de::DeserializeOwned;

use serde_json::Value;

use crate::error::{ErrorCode, KaoheError, SchemeErrors};
use crate::scheme::{Adjustment, Formula, Grade, InputDecl, Node, Scheme};

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
    from_json(text).map_err(|first| match serde_json::from_str::<Value>(text) {
        Ok(value) => every_shape_error(&value, first),
        Err(_) => SchemeErrors::one(first),
    })
}

/// Joins a path prefix and a path relative to it (`.` is the element itself).
fn join(prefix: &str, rel: &str) -> String {
    match rel {
        "" | "." => prefix.to_owned(),
        r if r.starts_with('[') => format!("{prefix}{r}"),
        r => format!("{prefix}.{r}"),
    }
}

/// Reads `value` as a `T` on its own, recording its first shape error under `path`.
fn read_as<T: DeserializeOwned>(value: &Value, path: &str, errors: &mut Vec<KaoheError>) {
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(value) {
        let at = join(path, &e.path().to_string());
        errors.push(shape_error(at, e.into_inner().to_string(), None, None));
    }
}

/// Indicator nodes level by level: a node without its children, then each child.
fn read_nodes(nodes: &[Value], path: &str, errors: &mut Vec<KaoheError>) {
    for (i, node) in nodes.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let mut shallow = node.clone();
        let children = shallow.as_object_mut().and_then(|o| o.remove("indicators"));
        read_as::<Node>(&shallow, &at, errors);
        match children {
            Some(Value::Array(kids)) => read_nodes(&kids, &format!("{at}.indicators"), errors),
            Some(other) => read_as::<Vec<Node>>(&other, &format!("{at}.indicators"), errors),
            None => {}
        }
    }
}

/// Every shape problem of a scheme that failed to read, not only the first: each
/// element of its lists and maps is read on its own (so one bad indicator does not
/// hide the next), then the remaining fields one at a time. The first error keeps
/// the position the parser gave it and comes first.
fn every_shape_error(value: &Value, first: KaoheError) -> SchemeErrors {
    let Value::Object(top) = value else {
        return SchemeErrors::one(first);
    };
    let mut errors = Vec::new();
    let mut rest = top.clone();
    if let Some(Value::Array(nodes)) = rest.get_mut("indicators") {
        read_nodes(nodes, "indicators", &mut errors);
        nodes.clear();
    }
    for key in ["adjustments", "grades"] {
        if let Some(Value::Array(items)) = rest.get_mut(key) {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{key}[{i}]");
                if key == "grades" {
                    read_as::<Grade>(item, &at, &mut errors);
                } else {
                    read_as::<Adjustment>(item, &at, &mut errors);
                }
            }
            items.clear();
        }
    }
    for key in ["inputs", "derived"] {
        if let Some(Value::Object(items)) = rest.get_mut(key) {
            for (name, item) in items.iter() {
                let at = format!("{key}.{name}");
                if key == "inputs" {
                    read_as::<InputDecl>(item, &at, &mut errors);
                } else {
                    read_as::<Formula>(item, &at, &mut errors);
                }
            }
            items.clear();
        }
    }
    // The remaining fields: report one, set it aside, read again.
    let mut set_aside: Vec<String> = Vec::new();
    for _ in 0..top.len() + 1 {
        let Err(e) = serde_path_to_error::deserialize::<_, Scheme>(&Value::Object(rest.clone())) else {
            break;
        };
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        if set_aside.iter().any(|k| message == format!("missing field `{k}`")) {
            break;
        }
        errors.push(shape_error(path.clone(), message, None, None));
        let key = path.split(['.', '[']).next().unwrap_or_default().to_owned();
        if key.is_empty() || rest.remove(&key).is_none() {
            break;
        }
        set_aside.push(key);
    }
    if errors.is_empty() {
        return SchemeErrors::one(first);
    }
    if let Some(i) = errors.iter().position(|e| e.path == first.path) {
        errors.remove(i);
    }
    errors.insert(0, first);
    SchemeErrors { errors }
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
    serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        every_shape_error(&value, shape_error(path, e.into_inner().to_string(), None, None))
    })
}

/// Reads a scheme in the given format.
pub fn scheme_from_str(text: &str, format: Format) -> Result<Scheme, SchemeErrors> {
    match format {
        Format::Json => scheme_from_json(text),
        Format::Yaml => scheme_from_yaml(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROKEN: &str = r#"{
  "id": "broken", "version": "1", "name": "Broken", "colour": "red",
  "inputs": {"x": {"type": "number"}, "y": {"type": "decimal"}},
  "indicators": [
    {"id": "a", "name": "A", "weight": "forty", "value": "x", "scoring": {"type": "ratio", "target": 1}},
    {"id": "g", "name": "G", "weight": 60, "indicators": [
      {"id": "b", "name": "B", "weight": 100, "value": "x", "scoring": {"type": "ratio", "target": 1}, "wieght": 3}
    ]}
  ],
  "grades": [{"grade": "A", "min": "high"}, {"grade": "B"}]
}"#;

    fn paths(errs: &SchemeErrors) -> Vec<String> {
        errs.errors.iter().map(|e| e.path.clone().unwrap_or_default()).collect()
    }

    #[test]
    fn every_shape_error_is_reported_with_its_path() {
        let Err(errs) = scheme_from_json(BROKEN) else { panic!("the scheme is broken") };
        let found = paths(&errs);
        for want in ["inputs.y.type", "indicators[0].weight", "indicators[1].indicators[0]", "grades[0].min", "colour"]
        {
            assert!(found.iter().any(|p| p.starts_with(want)), "no error at {want}: {found:?}");
        }
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(errs.errors.iter().all(|e| e.code == ErrorCode::InvalidScheme));
        // The parser's first error comes first and keeps its line.
        assert!(errs.errors[0].line.is_some(), "{:?}", errs.errors[0]);
    }

    #[test]
    fn a_value_reports_the_same_problems() {
        let value: Value = serde_json::from_str(BROKEN).unwrap_or_default();
        let Err(errs) = scheme_from_value(value) else { panic!("the scheme is broken") };
        assert_eq!(errs.errors.len(), 5, "{:?}", paths(&errs));
    }

    #[test]
    fn a_missing_required_field_is_reported_once() {
        let Err(errs) = scheme_from_json(r#"{"id": [1], "version": "1", "name": "N", "indicators": []}"#) else {
            panic!("the id is not readable")
        };
        assert_eq!(errs.errors.len(), 1, "{:?}", paths(&errs));
    }
}
