//! Reading an employee's values into checked slots.
//!
//! Values ([`crate::employee::Input`]) are read by the scheme's input declarations: numbers exactly (a string spelling a decimal
//! counts), integers without a fraction, bools (`true`/`false`, `"yes"`/`"no"`,
//! `1`/`0`), text, and ratings (`{"peer": [3, 5, 4]}`, or `"3;5;4"` from a table).

use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::Value;

pub use crate::employee::{Employee, id_of};
use crate::employee::{Input, show};
use crate::error::{ErrorCode, KaoheError};
use crate::num::{decimal_from_json, parse_decimal};
use crate::scheme::InputType;
use crate::value::{Ratings, Val, same_name};

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

impl InputSpec {
    /// Reads the employee's value (or the default) into a checked value.
    #[inline]
    pub fn read(&self, raw: Option<&Input>) -> Result<Val, KaoheError> {
        // The usual cases inline in the caller, their result in registers: a number
        // within its bounds (and written without decimals for an integer input), and
        // a boolean.
        let number = match raw {
            Some(Input::Number(d)) => Some(*d),
            Some(Input::Text(t)) => t.number,
            _ => None,
        };
        if let (InputType::Number | InputType::Integer, Some(d)) = (self.kind, number) {
            if (self.kind == InputType::Number || d.scale() == 0)
                && self.min.is_none_or(|m| !crate::num::lt(d, m))
                && self.max.is_none_or(|m| !crate::num::lt(m, d))
            {
                return Ok(Val::Num(d));
            }
        }
        if let (InputType::Bool, Some(Input::Bool(b))) = (self.kind, raw) {
            return Ok(Val::Bool(*b));
        }
        self.read_any(raw)
    }

    /// [`InputSpec::read`] of any value.
    fn read_any(&self, raw: Option<&Input>) -> Result<Val, KaoheError> {
        let raw = match raw {
            None | Some(Input::Null) => return Ok(self.default.clone()),
            // Text that spells a number is not blank: no need to read it again.
            Some(v @ Input::Text(_)) if v.is_blank() && self.kind != InputType::Text => {
                return Ok(self.default.clone());
            }
            Some(v) => v,
        };
        self.convert(raw)
    }

    /// Converts a present value.
    pub fn convert(&self, raw: &Input) -> Result<Val, KaoheError> {
        let name = &self.name;
        match self.kind {
            InputType::Number | InputType::Integer => {
                let d = match raw {
                    Input::Number(d) => *d,
                    _ => raw.decimal().ok_or_else(|| self.not_a("a number", raw))?,
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
                Input::Bool(b) => Ok(Val::Bool(*b)),
                Input::Number(d) if d.scale() == 0 && (d.is_zero() || *d == Decimal::ONE) => {
                    Ok(Val::Bool(!d.is_zero()))
                }
                Input::Text(t) => match t.text.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" | "y" | "1" | "是" => Ok(Val::Bool(true)),
                    "false" | "no" | "n" | "0" | "否" => Ok(Val::Bool(false)),
                    _ => Err(self.not_a("true or false", raw)),
                },
                _ => Err(self.not_a("true or false", raw)),
            },
            InputType::Text => match raw {
                Input::Text(t) => Ok(Val::Text(t.text.clone())),
                Input::Number(d) => Ok(Val::Text(Arc::from(d.to_string()))),
                Input::Json(v) => match &**v {
                    Value::Number(n) => Ok(Val::Text(Arc::from(n.as_str()))),
                    _ => Err(self.not_a("text", raw)),
                },
                _ => Err(self.not_a("text", raw)),
            },
            InputType::Ratings => match raw {
                Input::Ratings(r) => self.read_ratings(r),
                Input::Json(v) => self.ratings(v),
                // Text spells ratings only inside a group ("peer": "3;5;4"), never the whole input.
                _ => Err(invalid(
                    name,
                    format!(
                        "'{name}' must map rater groups to ratings, like {{\"peer\": [3, 5]}}, got {}",
                        raw.shown()
                    ),
                )),
            },
        }
    }

    fn not_a(&self, what: &str, raw: &Input) -> KaoheError {
        let name = &self.name;
        invalid(name, format!("'{name}' must be {what}, got {}", raw.shown()))
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
            let Some(key) = self.rater_key(group) else { continue };
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
                out.push(&key, xs);
            }
        }
        Ok(self.ratings_or_default(out))
    }

    /// The key a rater group is kept under; `None` for a group no indicator weighs
    /// (unless no indicator declares any: scripts then see every group).
    fn rater_key(&self, group: &str) -> Option<Arc<str>> {
        if self.groups.is_empty() {
            return Some(Arc::from(group));
        }
        self.groups.iter().find(|g| same_name(g, group)).cloned()
    }

    /// The ratings read, or the input's default when no weighed group has any.
    fn ratings_or_default(&self, out: Ratings) -> Val {
        if out.is_empty() { self.default.clone() } else { Val::Ratings(Arc::new(out)) }
    }

    /// Ratings read with the record: shared as they are when the scheme weighs every
    /// group given (a group given an empty list counts as not given: whoever reads
    /// ratings skips it), otherwise only the weighed groups are kept.
    ///
    /// A group's ratings are within a scale when its smallest and largest are, so only
    /// those are checked; a group with a rating outside is then checked rating by
    /// rating, to name the same rating and scale as checking each would.
    fn read_ratings(&self, given: &Arc<Ratings>) -> Result<Val, KaoheError> {
        let mut share = true;
        let mut any = false;
        for (group, xs, extremes) in given.iter_extremes() {
            let Some((min, max)) = extremes else {
                continue;
            };
            if self.groups.is_empty() || self.groups.iter().any(|g| same_name(g, group)) {
                if self.scales.iter().any(|(lo, hi, _)| crate::num::lt(min, *lo) || crate::num::lt(*hi, max)) {
                    for x in xs {
                        self.check_scale(*x, group)?;
                    }
                }
                any = true;
            } else {
                share = false;
            }
        }
        if share && any {
            return Ok(Val::Ratings(given.clone()));
        }
        let mut out = Ratings::default();
        for (group, xs) in given.iter().filter(|(_, xs)| !xs.is_empty()) {
            if let Some(key) = self.rater_key(group) {
                out.push(&key, xs.iter().copied());
            }
        }
        Ok(self.ratings_or_default(out))
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

    fn json(s: &str) -> Input {
        Input::from_json(serde_json::from_str(s).unwrap_or(Value::Null))
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
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("peer"), Some(&[Decimal::from(3), Decimal::from(5), Decimal::from(4)][..]));
        let e = r.read(Some(&json(r#"{"peer": [6]}"#))).err().map(|e| (e.code, e.path));
        assert_eq!(e, Some((ErrorCode::InvalidInput, Some("values.x.peer".into()))));
        // Rating groups read with the record: shared whole, or cut to the weighed groups.
        let given = json(r#"{"peer": [3, 5], "manager": [4], "board": [9]}"#);
        assert!(matches!(given, Input::Ratings(_)));
        assert!(r.read(Some(&given)).is_err(), "9 is outside 1–5 when every group counts");
        let mut weighed = spec(InputType::Ratings);
        weighed.groups = vec![Arc::from("manager"), Arc::from("peer")];
        let Ok(Val::Ratings(m)) = weighed.read(Some(&given)) else { panic!("ratings") };
        assert_eq!(m.groups().collect::<Vec<_>>(), ["manager", "peer"]);
        let only_board = json(r#"{"board": [9]}"#);
        assert_eq!(weighed.read(Some(&only_board)), Ok(Val::None));
        let empty = json(r#"{"peer": [], "manager": [2]}"#);
        let Ok(Val::Ratings(m)) = weighed.read(Some(&empty)) else { panic!("ratings") };
        let given: Vec<_> = m.iter().filter(|(_, xs)| !xs.is_empty()).map(|(g, _)| g).collect();
        assert_eq!(given, ["manager"], "an empty group counts as not given");
        let board_empty = json(r#"{"board": [], "manager": [2]}"#);
        let Ok(Val::Ratings(m)) = weighed.read(Some(&board_empty)) else { panic!("ratings") };
        assert!(
            matches!(board_empty, Input::Ratings(ref r) if Arc::ptr_eq(r, &m)),
            "shared: only an empty group is not weighed"
        );
        let all_empty = json(r#"{"peer": [], "manager": []}"#);
        assert_eq!(weighed.read(Some(&all_empty)), Ok(Val::None), "no rating at all is no value");
    }

    /// A ratings input read by two indicators, scales 1–5 and 2–4.
    fn two_scales() -> InputSpec {
        let mut r = spec(InputType::Ratings);
        r.scales.push((Decimal::from(2), Decimal::from(4), "lead".into()));
        r
    }

    /// The error of reading ratings given with the record.
    fn error_of(r: &InputSpec, text: &str) -> Option<(ErrorCode, String, Option<String>)> {
        let given = json(text);
        assert!(matches!(given, Input::Ratings(_)), "{text} is read with the record");
        r.read(Some(&given)).err().map(|e| (e.code, e.message, e.path))
    }

    #[test]
    fn out_of_scale_rating_named_as_when_each_is_checked() {
        let r = two_scales();
        // 4.50 is the first rating outside a scale (2–4, not 1–5), though 0 and 6 are further out.
        assert_eq!(
            error_of(&r, r#"{"manager": [3], "peer": [3, 4.50, 0, 6, 2]}"#),
            Some((
                ErrorCode::InvalidInput,
                "rating 4.50 of 'x' by 'peer' is outside the scale 2–4 of indicator 'lead'".into(),
                Some("values.x.peer".into())
            ))
        );
        // Outside the first scale: named with it, though the second is off too.
        assert_eq!(
            error_of(&r, r#"{"peer": [2, 3, 0.5, 4]}"#).map(|e| e.1),
            Some("rating 0.5 of 'x' by 'peer' is outside the scale 1–5 of indicator 'collab'".into())
        );
        // The first group in order with a rating outside, not the one furthest out.
        assert_eq!(
            error_of(&r, r#"{"a": [3, 3.0], "b": [4, 1], "c": [40]}"#),
            Some((
                ErrorCode::InvalidInput,
                "rating 1 of 'x' by 'b' is outside the scale 2–4 of indicator 'lead'".into(),
                Some("values.x.b".into())
            ))
        );
        // Bounds are in, whatever their scale; empty groups are skipped.
        assert_eq!(error_of(&r, r#"{"peer": [2.00, 4.0, 3], "manager": []}"#), None);
        // A group no indicator weighs is not checked.
        let mut weighed = two_scales();
        weighed.groups = vec![Arc::from("peer")];
        assert_eq!(error_of(&weighed, r#"{"board": [0, 9], "peer": [2, 3]}"#), None);
        assert_eq!(
            error_of(&weighed, r#"{"board": [0, 9], "peer": [2, 5, 3]}"#).map(|e| e.1),
            Some("rating 5 of 'x' by 'peer' is outside the scale 2–4 of indicator 'lead'".into())
        );
    }

    #[test]
    fn same_error_as_ratings_read_from_json() {
        // Ratings read with the record against ratings in a form read by the input
        // (checked rating by rating as each is read): the same error.
        let r = two_scales();
        for text in [
            r#"{"peer": [3, 4.50, 0, 6]}"#,
            r#"{"manager": [4, 3], "peer": [2, 1.9, 5]}"#,
            r#"{"a": [], "b": [2, 4], "c": [5, 1]}"#,
            r#"{"peer": [-3]}"#,
        ] {
            let Input::Ratings(given) = json(text) else { panic!("{text}") };
            let Ok(value) = serde_json::from_str::<Value>(text) else { panic!("{text}") };
            let by_record = r.convert(&Input::Ratings(given)).err();
            let by_json = r.convert(&Input::Json(Box::new(value))).err();
            assert!(by_record.is_some(), "{text}");
            assert_eq!(by_record, by_json, "{text}");
        }
    }

    #[test]
    fn extremes_check_as_checking_each_rating() {
        /// Every rating of every weighed, non-empty group checked in turn, as before.
        fn each(r: &InputSpec, given: &Ratings) -> Result<(), KaoheError> {
            for (group, xs) in given.iter() {
                if !xs.is_empty() && (r.groups.is_empty() || r.groups.iter().any(|g| same_name(g, group))) {
                    for x in xs {
                        r.check_scale(*x, group)?;
                    }
                }
            }
            Ok(())
        }
        let mut rng = fastrand::Rng::with_seed(20);
        let names = ["a", "b", "c", "d"];
        let mut errors = 0;
        for case in 0..4000 {
            let mut r = two_scales();
            if case % 3 == 0 {
                r.scales.push((Decimal::new(15, 1), Decimal::new(450, 2), "half".into()));
            }
            if case % 4 == 1 {
                r.groups = vec![Arc::from("b"), Arc::from("d")];
            }
            let mut given = Ratings::default();
            for name in names.iter().take(rng.usize(1..=4)) {
                let xs: Vec<Decimal> =
                    (0..rng.usize(0..5)).map(|_| Decimal::new(rng.i64(-5..=65), rng.u32(0..=1))).collect();
                given.push(name, xs);
            }
            let read = r.read_ratings(&Arc::new(given.clone())).err();
            errors += usize::from(read.is_some());
            assert_eq!(read, each(&r, &given).err(), "{given:?}");
        }
        assert!((500..3500).contains(&errors), "both outcomes are tried: {errors} errors");
    }
}
