//! Employees as they arrive, and reading their values into checked slots.
//!
//! An employee is `{"id", "attributes"?: {...}, "values": {...}}`. Values are read
//! by the scheme's input declarations: numbers exactly (a string spelling a decimal
//! counts), integers without a fraction, bools (`true`/`false`, `"yes"`/`"no"`,
//! `1`/`0`), text, and ratings (`{"peer": [3, 5, 4]}`, or `"3;5;4"` from a table).

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{ErrorCode, KaoheError};
use crate::num::{decimal_from_json, parse_decimal};
use crate::scheme::InputType;
use crate::value::{Ratings, Val};

/// One employee to score.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Employee {
    /// The employee's identifier.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Attributes kept beside the result (department, level, manager…); not scored.
    /// Shared with every result card of the employee (cloning it is a reference count).
    #[serde(default, skip_serializing_if = "crate::result::no_attributes")]
    pub attributes: Arc<Map<String, Value>>,
    /// Input values by input name.
    #[serde(default)]
    pub values: Map<String, Value>,
}

impl Employee {
    /// An employee with the given id and values.
    pub fn new(id: impl Into<String>, values: Map<String, Value>) -> Self {
        Employee { id: id.into(), attributes: Arc::default(), values }
    }

    /// Reads one employee from a JSON value, with a message naming what is wrong.
    pub fn from_value(v: Value) -> Result<Employee, KaoheError> {
        if !v.is_object() {
            return Err(KaoheError::new(
                ErrorCode::InvalidInput,
                format!("an employee record must be an object {{\"id\", \"values\"}}, got {}", show(&v)),
            ));
        }
        let id = v.get("id").and_then(id_of);
        serde_json::from_value(v).map_err(|e| {
            let mut err = KaoheError::new(ErrorCode::InvalidInput, format!("the employee record is malformed: {e}"));
            if id.is_none() {
                err = err.at("id");
            }
            err
        })
    }
}

/// The id of an employee record given as text or a number.
pub fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.as_str().to_owned()),
        _ => None,
    }
}

fn id_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Value::deserialize(d)?;
    id_of(&v).ok_or_else(|| serde::de::Error::custom("id must be a string or a number"))
}

/// How one input is read and checked.
#[derive(Debug, Clone)]
pub(crate) struct InputSpec {
    pub name: String,
    pub kind: InputType,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub default: Val,
    /// Rating scales `(lo, hi, indicator id)` of the indicators that read this input.
    pub scales: Vec<(Decimal, Decimal, String)>,
    /// Rater groups weighed by the indicators that read this input (empty: keep every group).
    pub groups: Vec<Arc<str>>,
}

fn invalid(name: &str, message: String) -> KaoheError {
    KaoheError::new(ErrorCode::InvalidInput, message).at(format!("values.{name}"))
}

/// Empty or only spaces (a blank cell), looking no further than the first character otherwise.
fn blank(s: &str) -> bool {
    s.chars().next().is_none_or(char::is_whitespace) && s.trim().is_empty()
}

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
}

impl InputSpec {
    /// Reads the employee's raw value (or the default) into a checked value.
    pub fn read(&self, raw: Option<&Value>) -> Result<Val, KaoheError> {
        let raw = match raw {
            None | Some(Value::Null) => return Ok(self.default.clone()),
            Some(Value::String(s)) if blank(s) && self.kind != InputType::Text => {
                return Ok(self.default.clone());
            }
            Some(v) => v,
        };
        self.convert(raw)
    }

    /// Converts a present value.
    pub fn convert(&self, raw: &Value) -> Result<Val, KaoheError> {
        let name = &self.name;
        match self.kind {
            InputType::Number | InputType::Integer => {
                let Some(d) = decimal_from_json(raw) else {
                    return Err(invalid(name, format!("'{name}' must be a number, got {}", show(raw))));
                };
                if self.kind == InputType::Integer && d.scale() != 0 && !d.fract().is_zero() {
                    return Err(invalid(name, format!("'{name}' must be a whole number, got {d}")));
                }
                if let Some(min) = self.min.filter(|m| crate::num::lt(d, *m)) {
                    return Err(invalid(name, format!("'{name}' is {d}, below its minimum {min}")));
                }
                if let Some(max) = self.max.filter(|m| crate::num::lt(*m, d)) {
                    return Err(invalid(name, format!("'{name}' is {d}, above its maximum {max}")));
                }
                Ok(Val::Num(d))
            }
            InputType::Bool => match raw {
                Value::Bool(b) => Ok(Val::Bool(*b)),
                Value::Number(n) if n.as_str() == "0" || n.as_str() == "1" => Ok(Val::Bool(n.as_str() == "1")),
                Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" | "y" | "1" | "是" => Ok(Val::Bool(true)),
                    "false" | "no" | "n" | "0" | "否" => Ok(Val::Bool(false)),
                    _ => Err(invalid(name, format!("'{name}' must be true or false, got {}", show(raw)))),
                },
                _ => Err(invalid(name, format!("'{name}' must be true or false, got {}", show(raw)))),
            },
            InputType::Text => match raw {
                Value::String(s) => Ok(Val::Text(Arc::from(s.as_str()))),
                Value::Number(n) => Ok(Val::Text(Arc::from(n.as_str()))),
                _ => Err(invalid(name, format!("'{name}' must be text, got {}", show(raw)))),
            },
            InputType::Ratings => self.ratings(raw),
        }
    }

    fn ratings(&self, raw: &Value) -> Result<Val, KaoheError> {
        let name = &self.name;
        let Value::Object(groups) = raw else {
            return Err(invalid(
                name,
                format!("'{name}' must map rater groups to ratings, like {{\"peer\": [3, 5]}}, got {}", show(raw)),
            ));
        };
        let mut out = Ratings::default();
        for (group, v) in groups {
            // Groups no indicator weighs are ignored (unless no indicator declares any: scripts then see all).
            let key: Arc<str> = if self.groups.is_empty() {
                Arc::from(group.as_str())
            } else {
                match self.groups.iter().find(|g| ***g == **group) {
                    Some(g) => g.clone(),
                    None => continue,
                }
            };
            let mut xs = Vec::with_capacity(if let Value::Array(items) = v { items.len() } else { 1 });
            let mut push = |item: &Value, text: Option<&str>| -> Result<(), KaoheError> {
                let d = match text {
                    Some(t) => parse_decimal(t),
                    None => decimal_from_json(item),
                }
                .ok_or_else(|| {
                    invalid(name, format!("rating of '{name}' by '{group}' must be a number, got {}", show(item)))
                })?;
                self.check_scale(d, group)?;
                xs.push(d);
                Ok(())
            };
            match v {
                Value::Null => continue,
                Value::Array(items) => {
                    for item in items {
                        push(item, None)?;
                    }
                }
                Value::String(s) => {
                    for t in s.split([';', '|', '；']).map(str::trim).filter(|t| !t.is_empty()) {
                        push(v, Some(t))?;
                    }
                }
                other => push(other, None)?,
            }
            if !xs.is_empty() {
                out.groups.push(key);
                out.values.push(xs);
            }
        }
        if out.groups.is_empty() {
            return Ok(self.default.clone());
        }
        Ok(Val::Ratings(Arc::new(out)))
    }

    fn check_scale(&self, d: Decimal, group: &str) -> Result<(), KaoheError> {
        let name = &self.name;
        for (lo, hi, indicator) in &self.scales {
            if crate::num::lt(d, *lo) || crate::num::lt(*hi, d) {
                return Err(invalid(
                    name,
                    format!(
                        "rating {d} of '{name}' by '{group}' is outside the scale {lo}–{hi} of indicator '{indicator}'"
                    ),
                )
                .at(format!("values.{name}.{group}")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: InputType) -> InputSpec {
        InputSpec {
            name: "x".into(),
            kind,
            min: Some(Decimal::ZERO),
            max: Some(Decimal::from(100)),
            default: Val::None,
            scales: vec![(Decimal::ONE, Decimal::from(5), "collab".into())],
            groups: Vec::new(),
        }
    }

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap_or(Value::Null)
    }

    #[test]
    fn numbers() {
        let n = spec(InputType::Number);
        assert_eq!(n.read(Some(&json("45.50"))), Ok(Val::Num(Decimal::new(4550, 2))));
        assert_eq!(n.read(Some(&json("\"45.5\""))), Ok(Val::Num(Decimal::new(455, 1))));
        assert_eq!(n.read(Some(&json("null"))), Ok(Val::None));
        assert_eq!(n.read(Some(&json("\"\""))), Ok(Val::None));
        assert_eq!(n.read(Some(&json("101"))).map_err(|e| e.code), Err(ErrorCode::InvalidInput));
        assert_eq!(n.read(Some(&json("\"lots\""))).map_err(|e| e.code), Err(ErrorCode::InvalidInput));
        let i = spec(InputType::Integer);
        assert_eq!(i.read(Some(&json("2.5"))).map_err(|e| e.code), Err(ErrorCode::InvalidInput));
        assert_eq!(i.read(Some(&json("2.0"))), Ok(Val::Num(Decimal::new(20, 1))));
    }

    #[test]
    fn bools_and_ratings() {
        let b = spec(InputType::Bool);
        assert_eq!(b.read(Some(&json("\"yes\""))), Ok(Val::Bool(true)));
        assert_eq!(b.read(Some(&json("0"))), Ok(Val::Bool(false)));
        assert!(b.read(Some(&json("\"maybe\""))).is_err());
        let r = spec(InputType::Ratings);
        let v = r.read(Some(&json(r#"{"peer": "3;5; 4", "manager": [4], "partner": []}"#)));
        let Ok(Val::Ratings(m)) = v else { panic!("{v:?}") };
        assert_eq!(m.groups.len(), 2);
        assert_eq!(m.get("peer"), Some(&[Decimal::from(3), Decimal::from(5), Decimal::from(4)][..]));
        let e = r.read(Some(&json(r#"{"peer": [6]}"#))).err().map(|e| (e.code, e.path));
        assert_eq!(e, Some((ErrorCode::InvalidInput, Some("values.x.peer".into()))));
    }

    #[test]
    fn employee_records() {
        let e = Employee::from_value(json(r#"{"id": 7, "values": {"a": 1}}"#));
        assert_eq!(e.map(|e| e.id), Ok("7".to_owned()));
        let e = Employee::from_value(json(r#"{"values": {}}"#));
        assert_eq!(e.map_err(|e| e.code), Err(ErrorCode::InvalidInput));
        let e = Employee::from_value(json(r#"["E1", {}, {"a": 1}]"#));
        assert_eq!(e.map_err(|e| e.code), Err(ErrorCode::InvalidInput));
    }
}
