//! Decimal operations scoring runs on every employee, on `i128`/`i64` mantissas: each
//! gives the very `Decimal` rust_decimal gives (same value, same scale) and leaves to it
//! every case that would not fit.

use rust_decimal::Decimal;

use super::{RoundingMode, pow10};

/// The magnitude of a decimal's mantissa (below 2^96), its sign and its scale.
#[inline(always)]
pub(super) fn parts(d: Decimal) -> (u128, bool, u32) {
    let u = d.unpack();
    ((u128::from(u.hi) << 64) | (u128::from(u.mid) << 32) | u128::from(u.lo), u.negative, u.scale)
}

/// Compares two decimals. Scoring compares values of different scales all the time
/// (`12345.67` against a minimum of `0`). When both mantissas fit in an `i64` the
/// comparison is one of them against the other, or, scales at most 18 digits apart,
/// one of them times a power of ten (a single widening 64×64-bit multiplication)
/// against the other. Other pairs go to `cmp_wide`.
#[inline(always)]
pub fn cmp(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    let (ua, ub) = (a.unpack(), b.unpack());
    if ua.hi | ub.hi == 0 && (ua.mid | ub.mid) >> 31 == 0 && ua.scale.abs_diff(ub.scale) <= 18 {
        let x = ((i64::from(ua.mid) << 32) | i64::from(ua.lo)) * if ua.negative { -1 } else { 1 };
        let y = ((i64::from(ub.mid) << 32) | i64::from(ub.lo)) * if ub.negative { -1 } else { 1 };
        return if ua.scale == ub.scale {
            x.cmp(&y)
        } else if ua.scale < ub.scale {
            (i128::from(x) * i128::from(pow10::I64[(ub.scale - ua.scale) as usize & 31])).cmp(&i128::from(y))
        } else {
            i128::from(x).cmp(&(i128::from(y) * i128::from(pow10::I64[(ua.scale - ub.scale) as usize & 31])))
        };
    }
    cmp_wide(a, b)
}

/// [`cmp`] for wide mantissas or far-apart scales: signs first, then the magnitudes
/// brought to one scale in `u128`. A scaled mantissa that overflows `u128` is past
/// every mantissa (they are below 2^96), so no pair needs [`Decimal::cmp`]. Kept out
/// of line so that [`cmp`] stays small enough to inline.
#[inline(never)]
fn cmp_wide(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let ((ma, na, sa), (mb, nb, sb)) = (parts(a), parts(b));
    // -1, 0 or 1: zero is neither negative nor positive, whatever its sign bit.
    let sign = |m: u128, negative: bool| {
        if m == 0 {
            0i8
        } else if negative {
            -1
        } else {
            1
        }
    };
    let (ga, gb) = (sign(ma, na), sign(mb, nb));
    if ga != gb || ga == 0 {
        return ga.cmp(&gb);
    }
    let magnitude = match sa.cmp(&sb) {
        Ordering::Equal => ma.cmp(&mb),
        Ordering::Less => pow10::U128[(sb - sa) as usize].checked_mul(ma).map_or(Ordering::Greater, |x| x.cmp(&mb)),
        Ordering::Greater => pow10::U128[(sa - sb) as usize].checked_mul(mb).map_or(Ordering::Less, |y| ma.cmp(&y)),
    };
    if ga < 0 { magnitude.reverse() } else { magnitude }
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

/// Mantissas are below 2^96.
const LIMIT: u128 = 1 << 96;

/// Whether rounding moves the truncated quotient one unit away from zero. `inexact`:
/// something was cut off; `half`: the cut-off part against half a unit; `odd`: the
/// truncated quotient is odd.
#[inline(always)]
fn away(mode: RoundingMode, negative: bool, inexact: bool, half: std::cmp::Ordering, odd: bool) -> bool {
    match mode {
        RoundingMode::Down => false,
        RoundingMode::Up => inexact,
        RoundingMode::Floor => inexact && negative,
        RoundingMode::Ceiling => inexact && !negative,
        RoundingMode::HalfUp => half.is_ge(),
        RoundingMode::HalfEven => half.is_gt() || (half.is_eq() && odd),
    }
}

/// `n / 10^k` rounded toward zero and the remainder, for `n < 2^96` and `k <= 28`,
/// without a `u128` division (a slow library call). A quotient by at least 10^20 is
/// below 2^30: it is estimated from the top 64 bits of `n` over the top bits of 10^k
/// (within one of the truth) and corrected. Other quotients are taken in steps of at
/// most 10^9 (floor division composes) until the rest fits a `u64`.
#[inline]
fn div_rem_pow10(n: u128, k: u32) -> (u128, u128) {
    let p = pow10::U128[k as usize];
    if k >= 20 {
        if n < p {
            return (0, n);
        }
        let mut q = u128::from((n >> 32) as u64 / (p >> 32) as u64);
        let mut prod = q * p;
        while prod > n {
            q -= 1;
            prod -= p;
        }
        while n - prod >= p {
            q += 1;
            prod += p;
        }
        return (q, n - prod);
    }
    let (mut q, mut left) = (n, k);
    while q >> 64 != 0 && left > 0 {
        let step = left.min(9);
        q = super::div::div_rem_u32(q, pow10::U64[step as usize] as u32).0;
        left -= step;
    }
    if let Ok(small) = u64::try_from(q) {
        q = u128::from(small / pow10::U64[left as usize]);
    }
    (q, n - q * p)
}

/// [`round`] on the magnitude of the mantissa: a multiplication by a power of ten
/// when the scale grows, else the truncated quotient by one and the mode's rule for
/// what was cut off (its exact size from a multiplication), in `u64` when the mantissa
/// fits. `None` when the result would not fit (left to rust_decimal).
#[inline]
pub(super) fn round(d: Decimal, places: u32, mode: RoundingMode) -> Option<Decimal> {
    if places > 28 {
        return None;
    }
    let (n, negative, scale) = parts(d);
    let q = if scale <= places {
        let k = places - scale;
        match u64::try_from(n).ok().filter(|_| k < 20).and_then(|n| n.checked_mul(pow10::U64[k as usize])) {
            Some(q) => u128::from(q),
            None => n.checked_mul(pow10::U128[k as usize]).filter(|&q| q < LIMIT)?,
        }
    } else {
        let k = scale - places;
        match u64::try_from(n) {
            Ok(n) if k < 20 => {
                let p = pow10::U64[k as usize];
                let q = n / p;
                let r = n - q * p;
                u128::from(q + u64::from(away(mode, negative, r != 0, r.cmp(&(p - r)), q & 1 == 1)))
            }
            _ => {
                let p = pow10::U128[k as usize];
                let (q, r) = div_rem_pow10(n, k);
                q + u128::from(away(mode, negative, r != 0, r.cmp(&(p - r)), q & 1 == 1))
            }
        }
    };
    // A zero result is never negative: from_parts drops the sign of 0.
    Some(Decimal::from_parts(q as u32, (q >> 32) as u32, (q >> 64) as u32, negative, places))
}

/// [`super::normalized`]: most values have no trailing zero (their mantissa does not
/// end in 0, told from its 32-bit words) and are already normalized; only the others
/// go through [`Decimal::normalize`].
#[inline]
pub(super) fn normalized(d: Decimal) -> Decimal {
    let (n, _, scale) = parts(d);
    if n != 0 && (scale == 0 || super::div::mod10(n) != 0) {
        return d;
    }
    let mut r = d.normalize();
    if r.is_zero() {
        r.set_sign_positive(true);
    }
    r
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
    use crate::num::RoundingMode;

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

    /// 28-digit mantissas (10^27 ..= 2^96 - 1), the products and quotients scoring rounds.
    fn wide() -> impl Strategy<Value = Decimal> {
        (10u128.pow(27)..LIMIT, any::<bool>(), 0u32..29)
            .prop_map(|(m, neg, s)| Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, neg, s))
    }

    const MODES: [RoundingMode; 6] = RoundingMode::ALL;

    /// rust_decimal's rounding, rescaled to exactly `places`, never `-0`.
    fn reference(d: Decimal, places: u32, mode: RoundingMode) -> Decimal {
        let mut r = d.round_dp_with_strategy(places, mode.strategy());
        r.rescale(places);
        if r.is_zero() {
            r.set_sign_positive(true);
        }
        r
    }

    /// The fast path, when it answers, and `num::round` always, give the reference.
    fn check_round(d: Decimal, places: u32, mode: RoundingMode) -> Result<(), TestCaseError> {
        let want = reference(d, places, mode);
        let fast = round(d, places, mode);
        prop_assert!(
            fast.is_none() || same(fast, Some(want)),
            "{d} to {places} {mode:?}: fast {fast:?}, want {want:?}"
        );
        let got = super::super::round(d, places, mode);
        prop_assert!(same(Some(got), Some(want)), "{d} to {places} {mode:?}: {got:?}, want {want:?}");
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn rounding_is_rust_decimal(d in decimal(), places in 0u32..29, mode in prop::sample::select(MODES.to_vec())) {
            check_round(d, places, mode)?;
        }

        #[test]
        fn rounding_wide_values_is_rust_decimal(d in wide(), places in 0u32..29) {
            for mode in MODES {
                check_round(d, places, mode)?;
            }
        }

        /// Exact halves and values one unit either side of them, where the modes differ, and
        /// values next to a multiple of the unit.
        #[test]
        fn rounding_near_halves_is_rust_decimal(q in any::<u128>(), k in 1u32..29, places in 0u32..5, cut in 0usize..6, neg in any::<bool>()) {
            let scale = (places + k).min(28);
            let k = scale - places;
            let p = 10u128.pow(k);
            // A truncated quotient that leaves room for the digits cut off.
            let q = q % (LIMIT / p);
            let cut = [0, 1, p / 2 - 1, p / 2, p / 2 + 1, p - 1][cut];
            let m = q * p + cut;
            if m < LIMIT {
                let d = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, neg, scale);
                for mode in MODES {
                    check_round(d, places, mode)?;
                }
            }
        }
    }

    /// rust_decimal's normalize, never `-0`.
    fn normalize_reference(d: Decimal) -> Decimal {
        let mut r = d.normalize();
        if r.is_zero() {
            r.set_sign_positive(true);
        }
        r
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn comparison_is_rust_decimal(a in decimal(), b in decimal()) {
            prop_assert_eq!(cmp(a, b), a.cmp(&b), "{} vs {}", a, b);
        }

        /// 28-digit mantissas (quotients, products) against any value, and against the
        /// same value written at another scale or with a negative zero.
        #[test]
        fn comparison_of_wide_values_is_rust_decimal(a in wide(), b in decimal(), k in 0u32..29) {
            prop_assert_eq!(cmp(a, b), a.cmp(&b), "{} vs {}", a, b);
            prop_assert_eq!(cmp(b, a), b.cmp(&a), "{} vs {}", b, a);
            let zero = Decimal::from_parts(0, 0, 0, true, k);
            prop_assert_eq!(cmp(a, zero), a.cmp(&zero), "{} vs -0 at scale {}", a, k);
            prop_assert_eq!(cmp(zero, a), zero.cmp(&a), "-0 at scale {} vs {}", k, a);
            // The same value at another scale, where rescaling loses no digit.
            let mut c = a;
            c.rescale(k);
            if c == a {
                prop_assert_eq!(cmp(a, c), std::cmp::Ordering::Equal, "{} vs {}", a, c);
                prop_assert_eq!(cmp(c, a), std::cmp::Ordering::Equal, "{} vs {}", c, a);
            }
        }

        /// Small mantissas at nearby scales, the usual comparison, and equal values
        /// written at different scales.
        #[test]
        fn comparison_of_small_values_is_rust_decimal(x in -10_000_000i64..10_000_000, sx in 0u32..29, y in -10_000_000i64..10_000_000, sy in 0u32..29, t in 0u32..20) {
            let (a, b) = (Decimal::new(x, sx), Decimal::new(y, sy));
            prop_assert_eq!(cmp(a, b), a.cmp(&b), "{} vs {}", a, b);
            if let Some(m) = x.checked_mul(10i64.pow(t.min(18))) {
                let c = Decimal::new(m, (sx + t.min(18)).min(28));
                prop_assert_eq!(cmp(a, c), a.cmp(&c), "{} vs {}", a, c);
                prop_assert_eq!(cmp(c, a), c.cmp(&a), "{} vs {}", c, a);
            }
        }

        #[test]
        fn normalized_is_rust_decimal(d in decimal()) {
            prop_assert!(same(Some(normalized(d)), Some(normalize_reference(d))), "{d}");
        }

        /// Mantissas ending in zeros, at every scale, both signs, zero among them.
        #[test]
        fn normalized_strips_trailing_zeros_as_rust_decimal(m in any::<u64>(), zeros in 0u32..12, s in 0u32..29, neg in any::<bool>()) {
            let m = u128::from(m) * 10u128.pow(zeros) % LIMIT;
            let d = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, neg, s);
            prop_assert!(same(Some(normalized(d)), Some(normalize_reference(d))), "{d}");
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
    fn normalized_by_hand() {
        for (x, want) in
            [("1.500", "1.5"), ("-0.00", "0"), ("0", "0"), ("100", "100"), ("0.85", "0.85"), ("12.340", "12.34")]
        {
            let d = Decimal::from_str_exact(x).unwrap_or_default();
            let got = normalized(d);
            assert_eq!(got.to_string(), want, "{x}");
            assert!(same(Some(got), Some(normalize_reference(d))), "{x}");
        }
        let mut negative_zero = Decimal::new(0, 3);
        negative_zero.set_sign_negative(true);
        assert!(negative_zero.is_sign_negative());
        assert!(same(Some(normalized(negative_zero)), Some(Decimal::ZERO)));
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
