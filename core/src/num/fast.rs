//! Decimal operations scoring runs on every employee, on `i128`/`i64` mantissas: each
//! gives the very `Decimal` rust_decimal gives (same value, same scale) and leaves to it
//! every case that would not fit.

use rust_decimal::Decimal;

use super::RoundingMode;

/// Powers of ten up to 10^28 (the largest decimal scale) as `i128`.
const POW10: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Compares two decimals. Scoring compares values of different scales all the time
/// (`12345.67` against a minimum of `0`); with the mantissas brought to one scale in
/// `i128` that is one multiplication, where [`Decimal::cmp`] rescales in 32-bit
/// limbs. Falls back to it when the scaled mantissa would not fit.
#[inline]
pub fn cmp(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    let (sa, sb) = (a.scale(), b.scale());
    let (ma, mb) = (a.mantissa(), b.mantissa());
    if sa == sb {
        return ma.cmp(&mb);
    }
    let scaled = if sa < sb {
        POW10[(sb - sa) as usize].checked_mul(ma).map(|x| (x, mb))
    } else {
        POW10[(sa - sb) as usize].checked_mul(mb).map(|y| (ma, y))
    };
    match scaled {
        Some((x, y)) => x.cmp(&y),
        None => a.cmp(&b),
    }
}

/// `a < b` through [`cmp`].
#[inline]
pub fn lt(a: Decimal, b: Decimal) -> bool {
    cmp(a, b).is_lt()
}

/// `a <= b` through [`cmp`].
#[inline]
pub fn le(a: Decimal, b: Decimal) -> bool {
    cmp(a, b).is_le()
}

/// `x` limited to `lo..=hi` through [`cmp`] (`lo <= hi`).
#[inline]
pub fn clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal {
    if lt(x, lo) {
        lo
    } else if lt(hi, x) {
        hi
    } else {
        x
    }
}

/// [`round`] on the `i128` mantissa: one division by a power of ten and the mode's
/// rule for the remainder. `None` when the result would not fit (left to rust_decimal).
#[inline]
pub(super) fn round(d: Decimal, places: u32, mode: RoundingMode) -> Option<Decimal> {
    let (m, scale) = (d.mantissa(), d.scale());
    if places > 28 {
        return None;
    }
    let q = if scale <= places {
        POW10[(places - scale) as usize].checked_mul(m)?
    } else {
        let div = POW10[(scale - places) as usize];
        // Most mantissas and divisors fit in 64 bits, where division is one instruction.
        let (q, r) = match (i64::try_from(m), i64::try_from(div)) {
            (Ok(m), Ok(d)) => (i128::from(m / d), i128::from(m % d)),
            _ => (m / div, m % div),
        };
        let away = match mode {
            RoundingMode::Down => false,
            RoundingMode::Up => r != 0,
            RoundingMode::Floor => r < 0,
            RoundingMode::Ceiling => r > 0,
            RoundingMode::HalfUp => 2 * r.abs() >= div,
            RoundingMode::HalfEven => {
                let twice = 2 * r.abs();
                twice > div || (twice == div && q % 2 != 0)
            }
        };
        if away { q + m.signum() } else { q }
    };
    // A zero result is never negative: from_i128 has no sign for 0.
    Decimal::try_from_i128_with_scale(q, places).ok()
}

/// A plain literal (`-12.50`: an optional minus, digits, an optional point and
/// digits, at most 18 digits in all) read in one pass; `None` for anything else,
/// which [`Decimal::from_str_exact`] then reads.
#[inline]
pub fn parse_plain(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut m: i64 = 0;
    let mut count = 0;
    let mut point = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + i64::from(c - b'0');
                count += 1;
            }
            b'.' if point.is_none() && i > 0 && i + 1 < digits.len() => point = Some(i),
            _ => return None,
        }
    }
    if count > 18 || (negative && m == 0) {
        return None;
    }
    let scale = point.map_or(0, |p| digits.len() - p - 1);
    Some(Decimal::new(if negative { -m } else { m }, scale as u32))
}

#[cfg(test)]
mod tests {

    use proptest::prelude::*;

    use super::*;

    /// The same decimal bit for bit: value, scale and sign (of zero too).
    fn same(a: Option<Decimal>, b: Option<Decimal>) -> bool {
        a.map(|d| d.serialize()) == b.map(|d| d.serialize())
    }

    /// Decimals of every size: small and large mantissas, any scale, both signs.
    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (-100_000i64..100_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..29)
                .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
            Just(Decimal::ZERO),
            Just(Decimal::MAX),
            Just(Decimal::MIN),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn comparison_is_rust_decimal(a in decimal(), b in decimal()) {
            prop_assert_eq!(cmp(a, b), a.cmp(&b), "{} vs {}", a, b);
        }

        #[test]
        fn plain_literals_read_as_from_str_exact(m in any::<i64>(), s in 0usize..20, lead in 0usize..3) {
            let digits = m.unsigned_abs().to_string();
            let digits = format!("{}{digits}", "0".repeat(lead));
            let text = if s > 0 && s < digits.len() {
                format!("{}{}.{}", if m < 0 { "-" } else { "" }, &digits[..digits.len() - s], &digits[digits.len() - s..])
            } else {
                format!("{}{digits}", if m < 0 { "-" } else { "" })
            };
            if let Some(d) = parse_plain(&text) {
                prop_assert!(same(Some(d), Decimal::from_str_exact(&text).ok()), "{text}");
            }
        }
    }

    #[test]
    fn plain_literals() {
        for t in ["0", "7", "-7", "45.50", "0.001", "-0.5", "123456789012345678", "00.5", "10"] {
            assert!(same(parse_plain(t), Decimal::from_str_exact(t).ok()), "{t}");
        }
        for t in ["", "-", "-0", "1.", ".5", "1e3", "+1", "1.2.3", " 1", "1234567890123456789", "１"] {
            assert_eq!(parse_plain(t), None, "{t}");
        }
    }
}
