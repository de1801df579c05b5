//! Employees as they arrive: an id, attributes kept beside the result, and input values.
//!
//! Values are read once, when the record is read: a JSON number becomes the exact
//! decimal it spells, a string is kept as shared text, and anything else (rating
//! groups, numbers beyond the decimal range) stays JSON. Scoring, re-scoring under
//! another scheme (what-if, appeals) and analytics then work on the read values and
//! never parse the same number twice. Written back out, every value is what was given.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use smallvec::SmallVec;
use smol_str::SmolStr;

use crate::error::{ErrorCode, KaoheError};
use crate::value::Ratings;

/// One employee to score.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Employee {
    /// The employee's identifier (inline up to 23 bytes, so that reading it to start a
    /// card reads nothing beyond the record).
    #[serde(deserialize_with = "id_text")]
    pub id: crate::result::Id,
    /// Attributes kept beside the result (department, level, manager…); not scored.
    /// Shared with every result card of the employee (cloning it is a reference count).
    #[serde(default, skip_serializing_if = "crate::result::no_attributes")]
    pub attributes: Arc<Map<String, Value>>,
    /// Input values by input name.
    #[serde(default)]
    pub values: Values,
}

impl Employee {
    /// An employee with the given id and values.
    pub fn new(id: impl Into<crate::result::Id>, values: Map<String, Value>) -> Self {
        Employee { id: id.into(), attributes: Arc::default(), values: values.into() }
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

fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<crate::result::Id, D::Error> {
    let v = Value::deserialize(d)?;
    id_of(&v).map(Into::into).ok_or_else(|| serde::de::Error::custom("id must be a string or a number"))
}

/// A value shown in a message, cut at 40 characters.
pub(crate) fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
}

/// One input value as given, read once.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// `null`: no value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A JSON number, exactly as written (`45.50` keeps its two places).
    Number(Decimal),
    /// A string as given, with the decimal it spells when it spells one (`"45.5"`, read
    /// once). It may also be a yes/no or ratings (`"3;5;4"`): the scheme's input type decides.
    Text(Arc<TextInput>),
    /// Rating groups given as lists of plain numbers (`{"peer": [3, 5], "partner": []}`),
    /// read once. A group given an empty list keeps it here; scoring leaves it out.
    Ratings(Arc<Ratings>),
    /// Anything else: other objects and arrays, numbers beyond the decimal range or not
    /// plainly written (`1e3`, `-0`, kept as written).
    Json(Box<Value>),
}

/// A string input as given, with the decimal it spells when it spells one. Kept
/// behind one pointer so that an [`Input`] stays small (24 bytes): numbers, the usual
/// input, are read straight from it.
#[derive(Debug, Clone, PartialEq)]
pub struct TextInput {
    /// The text as given.
    pub text: Arc<str>,
    /// The decimal it spells (`"45.5"`), read once; `None` when it spells none.
    pub number: Option<Decimal>,
}

// A population holds one `Input` per value: a text or JSON value behind a pointer keeps
// every value at 24 bytes (40 with them inline), which scoring reads faster.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Input>() == 24);

impl Input {
    /// Text as given, with the decimal it spells read once.
    pub fn text(s: impl Into<Arc<str>>) -> Input {
        let text: Arc<str> = s.into();
        let number = crate::num::parse_decimal(&text);
        Input::Text(Arc::new(TextInput { text, number }))
    }

    /// Reads a JSON value.
    pub fn from_json(v: Value) -> Input {
        match v {
            Value::Null => Input::Null,
            Value::Bool(b) => Input::Bool(b),
            // Only a plain literal becomes a decimal, so that writing it back gives the same text.
            Value::Number(n) => match crate::num::parse_plain(n.as_str()).or_else(|| {
                Decimal::from_str_exact(n.as_str()).ok().filter(|d| !d.is_zero() || !n.as_str().starts_with('-'))
            }) {
                Some(d) => Input::Number(d),
                None => Input::Json(Box::new(Value::Number(n))),
            },
            Value::String(s) => Input::text(s),
            Value::Object(groups) => match ratings(&groups) {
                Some(r) => Input::Ratings(Arc::new(r)),
                None => Input::Json(Box::new(Value::Object(groups))),
            },
            other => Input::Json(Box::new(other)),
        }
    }

    /// The value as JSON, as it was given.
    pub fn to_json(&self) -> Value {
        match self {
            Input::Null => Value::Null,
            Input::Bool(b) => Value::Bool(*b),
            Input::Number(d) => crate::num::decimal_to_json_number(*d),
            Input::Text(t) => Value::String(t.text.to_string()),
            Input::Ratings(r) => Value::Object(
                r.iter()
                    .map(|(g, xs)| (g.to_owned(), xs.iter().map(|x| crate::num::decimal_to_json_number(*x)).collect()))
                    .collect(),
            ),
            Input::Json(v) => Value::clone(v),
        }
    }

    /// No value: absent from the scheme's point of view (`null`, or blank text).
    pub fn is_blank(&self) -> bool {
        match self {
            Input::Null => true,
            Input::Text(t) => t.number.is_none() && blank(&t.text),
            _ => false,
        }
    }

    /// The value as a decimal: a number, or text spelling one.
    pub fn decimal(&self) -> Option<Decimal> {
        match self {
            Input::Number(d) => Some(*d),
            Input::Text(t) => t.number,
            Input::Json(v) => crate::num::decimal_from_json(v),
            Input::Null | Input::Bool(_) | Input::Ratings(_) => None,
        }
    }

    /// The value shown in a message, cut at 40 characters.
    pub fn shown(&self) -> String {
        match self {
            Input::Number(d) => d.to_string(),
            other => show(&other.to_json()),
        }
    }
}

/// Rating groups read once: an object whose every entry is an array of plain numbers
/// (anything else is left as JSON, for the scheme's input to judge).
fn ratings(groups: &Map<String, Value>) -> Option<Ratings> {
    let mut out = Ratings::default();
    for (group, v) in groups {
        let plain = |x: &Value| match x {
            Value::Number(n) => crate::num::parse_plain(n.as_str()),
            _ => None,
        };
        let xs: SmallVec<[Decimal; 8]> = match v {
            Value::Array(items) => items.iter().map(plain).collect::<Option<_>>()?,
            _ => return None,
        };
        out.push(group, xs);
    }
    Some(out)
}

/// Empty or only spaces (a blank cell), looking no further than the first character otherwise.
pub(crate) fn blank(s: &str) -> bool {
    s.chars().next().is_none_or(char::is_whitespace) && s.trim().is_empty()
}

/// An employee's input values by name, in name order, each read once ([`Input`]).
/// Reads from and writes to a JSON object.
///
/// The names are held apart from the values and shared between the records of a
/// batch that name the same inputs (as the records of one file or table do), so each
/// employee holds only its values, side by side, and scoring matches the scheme's
/// inputs to them once per set of names rather than once per employee.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Values {
    /// Sorted, unique.
    names: Arc<[SmolStr]>,
    /// One per name.
    inputs: Vec<Input>,
}

impl Values {
    /// The value of an input, if given.
    pub fn get(&self, name: &str) -> Option<&Input> {
        self.position(name).ok().map(|i| &self.inputs[i])
    }

    /// Sets an input's value (read as [`Input::from_json`]).
    pub fn insert(&mut self, name: impl Into<String>, value: Value) {
        let name: String = name.into();
        let input = Input::from_json(value);
        match self.position(&name) {
            Ok(i) => self.inputs[i] = input,
            Err(i) => {
                let mut names = self.names.to_vec();
                names.insert(i, SmolStr::from(name));
                self.names = names.into();
                self.inputs.insert(i, input);
            }
        }
    }

    /// Removes an input's value, returning it.
    pub fn remove(&mut self, name: &str) -> Option<Input> {
        let i = self.position(name).ok()?;
        let mut names = self.names.to_vec();
        names.remove(i);
        self.names = names.into();
        Some(self.inputs.remove(i))
    }

    /// The values in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Input)> {
        self.names.iter().map(SmolStr::as_str).zip(&self.inputs)
    }

    /// How many values are given.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Whether no value is given.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The values as a JSON object, as they were given.
    pub fn to_json(&self) -> Map<String, Value> {
        self.iter().map(|(k, v)| (k.to_owned(), v.to_json())).collect()
    }

    /// The names (sorted, possibly shared with other records) and the values beside them.
    pub(crate) fn parts(&self) -> (&Arc<[SmolStr]>, &[Input]) {
        (&self.names, &self.inputs)
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.names.binary_search_by(|k| k.as_str().cmp(name))
    }
}

/// The names of a record, shared with an earlier record read on this thread that
/// named the same inputs (records of one batch nearly always do; the few sets
/// remembered cover inputs that some records leave out).
fn shared_names(names: Vec<SmolStr>) -> Arc<[SmolStr]> {
    thread_local! {
        static RECENT: std::cell::RefCell<crate::recent::Recent<Arc<[SmolStr]>, 4>> =
            const { std::cell::RefCell::new(crate::recent::Recent::new()) };
    }
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some(shared) = recent.find(|shared| **shared == *names) {
            return Arc::clone(shared);
        }
        Arc::clone(recent.insert(names.into()))
    })
}

impl From<Map<String, Value>> for Values {
    fn from(map: Map<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

impl FromIterator<(String, Value)> for Values {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let (names, inputs) = iter.into_iter().map(|(k, v)| (SmolStr::from(k), Input::from_json(v))).unzip();
        Values::from_parts(names, inputs)
    }
}

impl Values {
    /// Names and their values side by side, in any order (a later value of the same
    /// name wins, as in a JSON object).
    fn from_parts(mut names: Vec<SmolStr>, mut inputs: Vec<Input>) -> Values {
        if !names.is_sorted_by(|a, b| a < b) {
            let mut entries: Vec<(SmolStr, Input)> = names.into_iter().zip(inputs).collect();
            entries.reverse();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|a, b| a.0 == b.0);
            (names, inputs) = entries.into_iter().unzip();
        }
        Values { names: shared_names(names), inputs }
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, &v.to_json())?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = Values;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of input values by name")
            }

            // Straight into names and values, without building a JSON map first (a
            // name of up to 23 bytes is read without an allocation).
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Values, A::Error> {
                let n = map.size_hint().unwrap_or(0);
                let (mut names, mut inputs) = (Vec::with_capacity(n), Vec::with_capacity(n));
                while let Some((k, v)) = map.next_entry::<SmolStr, Value>()? {
                    names.push(k);
                    inputs.push(Input::from_json(v));
                }
                Ok(Values::from_parts(names, inputs))
            }
        }
        d.deserialize_map(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap_or(Value::Null)
    }

    #[test]
    fn employee_records() {
        let e = Employee::from_value(json(r#"{"id": 7, "values": {"a": 1}}"#));
        assert_eq!(e.map(|e| e.id), Ok("7".into()));
        let e = Employee::from_value(json(r#"{"values": {}}"#));
        assert_eq!(e.map_err(|e| e.code), Err(ErrorCode::InvalidInput));
        let e = Employee::from_value(json(r#"["E1", {}, {"a": 1}]"#));
        assert_eq!(e.map_err(|e| e.code), Err(ErrorCode::InvalidInput));
    }

    #[test]
    fn values_read_once_and_write_back_as_given() {
        let given = r#"{"b":"45.5","a":45.50,"c":-0,"d":1e3,"e":123456789012345678901234567890,"f":{"peer":[3,5],"manager":[4]},"g":null,"h":true,"i":[1],"j":{"peer":[],"partner":null},"l":{"peer":[]},"k":{"manager":4}}"#;
        let Value::Object(map) = json(given) else { panic!("an object") };
        let values = Values::from(map);
        assert_eq!(values.get("a"), Some(&Input::Number(Decimal::new(4550, 2))));
        assert_eq!(values.get("b"), Some(&Input::text("45.5")));
        assert!(matches!(values.get("b"), Some(Input::Text(t)) if t.number == Some(Decimal::new(455, 1))));
        assert!(matches!(values.get("f"), Some(Input::Ratings(r)) if r.get("peer").is_some_and(|p| p.len() == 2)));
        assert!(matches!(values.get("k"), Some(Input::Json(_))), "a single number is kept as given");
        assert!(matches!(values.get("c"), Some(Input::Json(_))), "-0 keeps its sign as written");
        assert!(matches!(values.get("d"), Some(Input::Json(_))), "1e3 keeps its spelling");
        assert!(matches!(values.get("e"), Some(Input::Json(_))), "beyond the decimal range");
        assert_eq!(values.get("d").and_then(Input::decimal), Some(Decimal::from(1000)));
        assert_eq!(values.get("b").and_then(Input::decimal), Some(Decimal::new(455, 1)));
        assert!(values.get("g").is_some_and(Input::is_blank));
        let back = serde_json::to_string(&values).unwrap_or_default();
        // (serde_json itself writes 1e3 as 1e+3 when it reads it.)
        assert_eq!(
            back,
            r#"{"a":45.50,"b":"45.5","c":-0,"d":1e+3,"e":123456789012345678901234567890,"f":{"manager":[4],"peer":[3,5]},"g":null,"h":true,"i":[1],"j":{"partner":null,"peer":[]},"k":{"manager":4},"l":{"peer":[]}}"#
        );
        assert!(matches!(values.get("j"), Some(Input::Json(_))), "a null group is kept as given");
        assert!(matches!(values.get("l"), Some(Input::Ratings(_))), "an empty group is kept as given");
    }

    #[test]
    fn insert_remove_and_duplicates() {
        let mut values: Values = vec![("x".to_owned(), json("1")), ("x".to_owned(), json("2"))].into_iter().collect();
        assert_eq!(values.len(), 1);
        assert_eq!(values.get("x"), Some(&Input::Number(Decimal::from(2))), "the later value wins");
        let read: Result<Values, _> = serde_json::from_str(r#"{"b": 1, "a": 2, "b": 3}"#);
        let read = read.unwrap_or_default();
        assert_eq!(read.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(read.get("b"), Some(&Input::Number(Decimal::from(3))), "the later value wins");
        values.insert("a", json("\"t\""));
        values.insert("x", json("3"));
        assert_eq!(values.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "x"]);
        assert_eq!(values.remove("x"), Some(Input::Number(Decimal::from(3))));
        assert_eq!(values.remove("x"), None);
        assert!(!values.is_empty());
    }
}
