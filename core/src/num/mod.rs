//! Exact decimal numbers as they are written, and the rounding rules.
//!
//! A number in a scheme or in inputs is read as the decimal it spells: JSON numbers
//! through serde_json's arbitrary-precision text, strings that spell a decimal, and
//! YAML numbers through their shortest round-trip text. Nothing goes through `f64`
//! arithmetic.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod div;
mod fast;
mod mul;
mod pow10;

pub use fast::{clamp, cmp, le, lt, parse_plain};

/// A decimal read exactly from a scheme (a JSON number or a string spelling one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec(pub Decimal);

impl Dec {
    /// The decimal value.
    pub const fn get(self) -> Decimal {
        self.0
    }
}

impl From<Decimal> for Dec {
    fn from(d: Decimal) -> Self {
        Dec(d)
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Parses text that spells a decimal (`"12.50"`, `"-3"`, `"1e3"`), trimming spaces.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(d) = fast::parse_plain(t) {
        return Some(d);
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    Decimal::from_str_exact(t)
        .ok()
        .or_else(|| if t.contains(['e', 'E']) { Decimal::from_scientific(t).ok() } else { None })
}

/// Reads an `f64` (only YAML or a binding hands one over) through its shortest
/// round-trip decimal text, so `0.1` stays one tenth.
pub fn decimal_from_f64(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    parse_decimal(&format!("{v}"))
}

struct DecVisitor;

impl<'de> Visitor<'de> for DecVisitor {
    type Value = Dec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number (or a string spelling a decimal number)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Dec, E> {
        Decimal::from_i128_with_scale(v, 0)
            .checked_add(Decimal::ZERO)
            .map(Dec)
            .ok_or_else(|| E::custom("number too large"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dec, E> {
        decimal_from_f64(v).map(Dec).ok_or_else(|| E::custom(format!("{v} is not a finite decimal number")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
        parse_decimal(v).map(Dec).ok_or_else(|| E::custom(format!("'{v}' is not a decimal number")))
    }

    // serde_json's arbitrary-precision numbers arrive as a one-entry map holding the literal text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dec, A::Error> {
        let Some((_, text)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom("expected a number"));
        };
        self.visit_str(&text)
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dec, D::Error> {
        d.deserialize_any(DecVisitor)
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&normalized(self.0))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Dec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact decimal: a JSON number read as the decimal it spells, or a string spelling one.",
            "anyOf": [{"type": "number"}, {"type": "string", "pattern": "^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*$"}]
        })
    }
}

/// Reads a JSON value as a decimal: a number (its exact literal) or a string spelling one.
pub fn decimal_from_json(v: &serde_json::Value) -> Option<Decimal> {
    match v {
        // A JSON number's text is already clean: no trimming or sign handling needed.
        serde_json::Value::Number(n) => fast::parse_plain(n.as_str())
            .or_else(|| Decimal::from_str_exact(n.as_str()).ok())
            .or_else(|| parse_decimal(n.as_str())),
        serde_json::Value::String(s) => parse_decimal(s),
        _ => None,
    }
}

/// Writes a decimal as a JSON number with its exact literal (no float round trip).
pub fn decimal_to_json_number(d: Decimal) -> serde_json::Value {
    serde_json::Number::from_str(&d.to_string()).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// How a number is rounded to its places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Ties away from zero (四舍五入).
    #[default]
    HalfUp,
    /// Ties to the even neighbour (banker's rounding).
    HalfEven,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
    /// Toward negative infinity.
    Floor,
    /// Toward positive infinity.
    Ceiling,
}

impl RoundingMode {
    /// Every rounding mode.
    pub const ALL: [RoundingMode; 6] = [
        RoundingMode::HalfUp,
        RoundingMode::HalfEven,
        RoundingMode::Down,
        RoundingMode::Up,
        RoundingMode::Floor,
        RoundingMode::Ceiling,
    ];

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }
}

/// `a / b`, exactly [`Decimal::checked_div`] (the same value, scale and sign; `None`
/// for a zero divisor or an overflow). Divisors whose mantissa fits in 32 bits (the
/// usual targets, counts and weight sums) are divided here with `u64` divisions; any
/// other case goes to rust_decimal.
#[inline]
pub fn checked_div(a: Decimal, b: Decimal) -> Option<Decimal> {
    div::div32(a, b).or_else(|| a.checked_div(b))
}

/// `a * b`, exactly [`Decimal::checked_mul`]: the same value, scale and sign (of a
/// zero too), `None` on an overflow. rust_decimal multiplies the mantissas exactly
/// and adds the scales; a product that does not fit 96 bits, or whose scale exceeds
/// 28, loses the fewest digits that make it fit, rounded half to even. When either
/// mantissa fits in 32 bits (a weight such as `20`, `12.5` or `0.4`, in either
/// order) the product is taken here with one `u128` multiplication and `u64`
/// divisions; any other case, and the rare overflow, go to rust_decimal.
#[inline]
pub fn checked_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    match mul::mul32(a, b) {
        Some(p) => Some(p),
        None => mul_wide(a, b),
    }
}

/// [`checked_mul`] for what the fast path leaves: rust_decimal's multiplication,
/// kept out of line so that [`checked_mul`] stays small enough to inline.
#[cold]
#[inline(never)]
fn mul_wide(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_mul(b)
}

/// Rounds `d` to `places` with `mode`, and writes exactly `places` digits after the point.
pub fn round(d: Decimal, places: u32, mode: RoundingMode) -> Decimal {
    if let Some(r) = fast::round(d, places, mode) {
        return r;
    }
    let mut r = d.round_dp_with_strategy(places, mode.strategy());
    r.rescale(places);
    if r.is_zero() {
        // No "-0.00".
        r.set_sign_positive(true);
    }
    r
}

/// Whether `d` has a 32-bit mantissa and at most nine decimals. Sums of up to 2^16
/// such values are exact in any order: brought to one scale each is below 2^62, the
/// sum below 2^78, far from the 96 bits where rust_decimal starts rounding.
pub(crate) fn narrow(d: Decimal) -> bool {
    let u = d.unpack();
    u.mid | u.hi == 0 && u.scale <= 9
}

/// The decimal without trailing zeros (`"1.500"` → `"1.5"`), never `-0`.
pub fn normalized(d: Decimal) -> Decimal {
    fast::normalized(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_comparison_and_rounding_agree_with_rust_decimal() {
        let values = [
            "0",
            "-0",
            "1",
            "-1",
            "0.5",
            "-0.5",
            "1.5",
            "2.5",
            "-2.5",
            "0.125",
            "-0.125",
            "0.005",
            "-0.005",
            "12345.675",
            "99.995",
            "-99.995",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "1.0000000000000000000000000005",
            "123.456789",
            "100",
            "100.00",
            "0.1",
            "-0.1",
            "3.333333333333333333333333333",
        ];
        let modes = RoundingMode::ALL;
        for a in values {
            let a = Decimal::from_str(a).unwrap_or_default();
            for b in values {
                let b = Decimal::from_str(b).unwrap_or_default();
                assert_eq!(cmp(a, b), a.cmp(&b), "{a} vs {b}");
            }
            for places in [0, 1, 2, 3, 4, 10, 28] {
                for mode in modes {
                    let mut want = a.round_dp_with_strategy(places, mode.strategy());
                    want.rescale(places);
                    if want.is_zero() {
                        want.set_sign_positive(true);
                    }
                    let got = round(a, places, mode);
                    assert_eq!(got.to_string(), want.to_string(), "{a} to {places} places, {mode:?}");
                }
            }
        }
    }

    /// A random decimal of every kind the proptest strategies draw: small, 64-bit,
    /// 96-bit and 28-digit mantissas, any scale, both signs, zeros.
    fn random_decimal(rng: &mut fastrand::Rng) -> Decimal {
        let m: u128 = match rng.u8(0..6) {
            0 => u128::from(rng.u32(0..100_000)),
            1 => u128::from(rng.u64(..)),
            2 => rng.u128(..) >> 32,
            3 => rng.u128(10u128.pow(27)..1 << 96),
            4 => 0,
            _ => u128::from(rng.u32(..)),
        };
        Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, rng.bool(), rng.u32(0..29))
    }

    /// Millions of random cases against rust_decimal, bit for bit (division,
    /// multiplication, comparison, normalization, rounding). Slow in a debug
    /// build: `cargo test --release -p kaohe --lib num::tests::sweep -- --ignored`.
    #[test]
    #[ignore = "slow: run with --release --ignored"]
    fn sweep_against_rust_decimal() {
        let cases: usize = std::env::var("SWEEP_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(5_000_000);
        let mut rng = fastrand::Rng::with_seed(0x6b616f6865);
        let modes = RoundingMode::ALL;
        let bits = |d: Option<Decimal>| d.map(|d| d.serialize());
        for _ in 0..cases {
            let a = random_decimal(&mut rng);
            let b = match rng.u8(0..4) {
                0 => Decimal::new(rng.i64(-200..200), rng.u32(0..3)),
                1 => Decimal::new(10i64.pow(rng.u32(0..10)), rng.u32(0..29)),
                _ => Decimal::from_parts(rng.u32(..), 0, 0, rng.bool(), rng.u32(0..29)),
            };
            assert_eq!(bits(checked_div(a, b)), bits(a.checked_div(b)), "{a} / {b}");
            let b = random_decimal(&mut rng);
            assert_eq!(bits(checked_div(a, b)), bits(a.checked_div(b)), "{a} / {b}");
            assert_eq!(bits(checked_mul(a, b)), bits(a.checked_mul(b)), "{a} * {b}");
            assert_eq!(cmp(a, b), a.cmp(&b), "{a} vs {b}");
            // A weight (a small one, or any 32-bit mantissa at any scale) times anything, both orders.
            let w = match rng.u8(0..3) {
                0 => Decimal::new(rng.i64(-2000..2000), rng.u32(0..3)),
                _ => Decimal::from_parts(rng.u32(..), 0, 0, rng.bool(), rng.u32(0..29)),
            };
            assert_eq!(bits(checked_mul(w, a)), bits(w.checked_mul(a)), "{w} * {a}");
            assert_eq!(bits(checked_mul(a, w)), bits(a.checked_mul(w)), "{a} * {w}");
            let mut want = a.normalize();
            if want.is_zero() {
                want.set_sign_positive(true);
            }
            assert_eq!(bits(Some(normalized(a))), bits(Some(want)), "{a}");
            let (places, mode) = (rng.u32(0..29), modes[rng.usize(0..6)]);
            let mut want = a.round_dp_with_strategy(places, mode.strategy());
            want.rescale(places);
            if want.is_zero() {
                want.set_sign_positive(true);
            }
            assert_eq!(bits(Some(round(a, places, mode))), bits(Some(want)), "{a} to {places} {mode:?}");
        }
    }

    fn d(s: &str) -> Decimal {
        parse_decimal(s).unwrap_or_else(|| panic!("bad test literal {s}"))
    }

    #[test]
    fn modes() {
        let cases = [
            ("2.345", RoundingMode::HalfUp, "2.35"),
            ("-2.345", RoundingMode::HalfUp, "-2.35"),
            ("2.345", RoundingMode::HalfEven, "2.34"),
            ("2.355", RoundingMode::HalfEven, "2.36"),
            ("2.349", RoundingMode::Down, "2.34"),
            ("-2.349", RoundingMode::Down, "-2.34"),
            ("2.341", RoundingMode::Up, "2.35"),
            ("-2.341", RoundingMode::Up, "-2.35"),
            ("-2.341", RoundingMode::Floor, "-2.35"),
            ("2.349", RoundingMode::Floor, "2.34"),
            ("-2.349", RoundingMode::Ceiling, "-2.34"),
            ("2.341", RoundingMode::Ceiling, "2.35"),
            ("30", RoundingMode::HalfUp, "30.00"),
            ("-0.001", RoundingMode::HalfUp, "0.00"),
        ];
        for (x, mode, want) in cases {
            assert_eq!(round(d(x), 2, mode).to_string(), want, "{x} {mode:?}");
        }
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(d("0.1").to_string(), "0.1");
        assert_eq!(d(" +12.50 ").to_string(), "12.50");
        assert_eq!(d("1e3"), Decimal::from(1000));
        assert!(parse_decimal("lots").is_none());
        assert!(parse_decimal("").is_none());
        assert_eq!(decimal_from_f64(0.1), Some(d("0.1")));
    }

    #[test]
    fn json_numbers_keep_their_literal() {
        let v: serde_json::Value = serde_json::from_str("[0.1, 4.20, 12345678901234567890.5]").unwrap_or_default();
        let got: Vec<String> =
            v.as_array().into_iter().flatten().filter_map(decimal_from_json).map(|x| x.to_string()).collect();
        assert_eq!(got, ["0.1", "4.20", "12345678901234567890.5"]);
        let dec: Vec<Dec> = serde_json::from_str("[0.1, \"2.5\", 3]").unwrap_or_default();
        assert_eq!(dec, vec![Dec(d("0.1")), Dec(d("2.5")), Dec(d("3"))]);
    }
}
