//! Division by a divisor whose mantissa fits in 32 bits, giving the very `Decimal`
//! rust_decimal 1.43 gives (value, scale and sign).
//!
//! rust_decimal divides a 96-bit mantissa by a 32-bit one and, while there is a
//! remainder, extends the quotient by up to nine digits at a time (as many as keep it
//! within 96 bits and the scale within 28), rounds the last digit half-to-even on the
//! remainder and then strips trailing zeros in steps of 8 (repeated), 4, 2 and 1. The
//! same steps are taken here on a `u128` mantissa, with every division a `u64` one
//! (a `u128` division is a slow library call). The rare cases (a quotient that
//! overflows 96 bits and has to be scaled back, a wider divisor) are left to
//! rust_decimal: [`div32`] then answers `None`.

use rust_decimal::Decimal;

/// Mantissas are below 2^96.
const LIMIT: u128 = 1 << 96;

/// The largest dividend whose mantissa times 10^9 still fits in a `u64`.
const SMALL: u128 = (u64::MAX / 1_000_000_000) as u128;

/// The largest scale.
const MAX_SCALE: i32 = 28;

/// `FITS[x]` is the largest mantissa that can be multiplied by 10^x and stay below 2^96.
const FITS: [u128; 10] = {
    let mut t = [0u128; 10];
    let mut i = 0;
    while i < 10 {
        t[i] = (LIMIT - 1) / super::pow10::U32[i] as u128;
        i += 1;
    }
    t
};

/// `n / d` and `n % d` for `n < 2^96`, as at most two `u64` divisions: the high 64
/// bits first, then the remainder joined to the low 32 bits (it stays below `d`, so
/// the pair fits a `u64`).
#[inline(always)]
pub(super) fn div_rem_u32(n: u128, d: u32) -> (u128, u32) {
    let d64 = u64::from(d);
    if n >> 64 == 0 {
        let n = n as u64;
        let q = n / d64;
        return (u128::from(q), (n - q * d64) as u32);
    }
    let high = (n >> 32) as u64;
    let qh = high / d64;
    let t = ((high - qh * d64) << 32) | u64::from(n as u32);
    let ql = t / d64;
    ((u128::from(qh) << 32) | u128::from(ql), (t - ql * d64) as u32)
}

/// How many digits (0..=9) the quotient `q` at `scale` may be extended by: as many as
/// keep it below 2^96 and the scale at most 28. `None` when even that leaves the scale
/// negative (rust_decimal's overflow).
#[inline]
fn find_scale(q: u128, scale: i32) -> Option<u32> {
    let cap = if scale > MAX_SCALE - 9 { (MAX_SCALE - scale) as u32 } else { 9 };
    let mut x = cap;
    while x > 0 && q > FITS[x as usize] {
        x -= 1;
    }
    if x as i32 + scale < 0 { None } else { Some(x) }
}

/// `q / pow` when `pow` divides `q` exactly.
#[inline(always)]
fn exact_div(q: u128, pow: u32) -> Option<u128> {
    let (d, r) = div_rem_u32(q, pow);
    if r == 0 { Some(d) } else { None }
}

/// `q % 10`, from the 32-bit words (2^32 and 2^64 are both 6 modulo 10).
#[inline(always)]
pub(super) fn mod10(q: u128) -> u64 {
    (u64::from(q as u32) + 6 * (u64::from((q >> 32) as u32) + u64::from((q >> 64) as u32))) % 10
}

/// Strips trailing zeros the way rust_decimal does after an inexact division: by 10^8
/// while the low 32 bits are zero, then 10^4, 10^2 and 10 once each, never below
/// scale 0.
#[inline]
fn unscale(mut q: u128, mut scale: i32) -> (u128, i32) {
    // Most quotients end in another digit: nothing to strip.
    if scale == 0 || mod10(q) != 0 {
        return (q, scale);
    }
    while q as u32 == 0 && scale >= 8 {
        match exact_div(q, 100_000_000) {
            Some(d) => {
                q = d;
                scale -= 8;
            }
            None => break,
        }
    }
    if q & 0xF == 0 && scale >= 4 {
        if let Some(d) = exact_div(q, 10_000) {
            q = d;
            scale -= 4;
        }
    }
    if q & 0x3 == 0 && scale >= 2 {
        if let Some(d) = exact_div(q, 100) {
            q = d;
            scale -= 2;
        }
    }
    if q & 0x1 == 0 && scale >= 1 {
        if let Some(d) = exact_div(q, 10) {
            q = d;
            scale -= 1;
        }
    }
    (q, scale)
}

/// `a / b` as [`Decimal::checked_div`] gives it, when `b`'s mantissa fits in 32 bits
/// and the quotient never overflows 96 bits; `None` otherwise (also for `b == 0`),
/// leaving the answer to rust_decimal.
#[inline]
pub(super) fn div32(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (d, b_negative, b_scale) = super::fast::parts(b);
    let d = u32::try_from(d).ok().filter(|&d| d != 0)?;
    let (n, a_negative, a_scale) = super::fast::parts(a);
    if n == 0 {
        return Some(Decimal::ZERO);
    }
    let negative = a_negative ^ b_negative;
    let mut scale = a_scale as i32 - b_scale as i32;
    let (mut q, mut rem);
    let mut inexact = false;
    if n <= SMALL && (0..=MAX_SCALE - 9).contains(&scale) {
        // A small dividend: rust_decimal divides it, then (if there is a remainder)
        // extends the quotient by nine digits. Dividing `n * 10^9` does both at once.
        let big = n as u64 * 1_000_000_000;
        let (qq, rr) = (big / u64::from(d), big % u64::from(d));
        if rr == 0 && qq % 1_000_000_000 == 0 {
            // `d` divides `n`: the quotient is exact at this scale.
            return Some(from_u128(u128::from(qq / 1_000_000_000), negative, scale));
        }
        (q, rem, scale, inexact) = (u128::from(qq), rr as u32, scale + 9, true);
    } else {
        (q, rem) = div_rem_u32(n, d);
    }
    if rem != 0 || scale < 0 {
        loop {
            let power = if rem == 0 {
                if scale >= 0 {
                    break;
                }
                (-scale).min(9) as u32
            } else {
                inexact = true;
                let x = if scale == MAX_SCALE { 0 } else { find_scale(q, scale)? };
                if x == 0 {
                    // No room for another digit: round the last one half-to-even.
                    let twice = 2 * u64::from(rem);
                    let up = twice > u64::from(d) || (twice == u64::from(d) && q & 1 == 1);
                    q += u128::from(up);
                    if q == LIMIT {
                        return None;
                    }
                    break;
                }
                x
            };
            let p = super::pow10::U32[power as usize];
            scale += power as i32;
            q *= u128::from(p);
            let scaled = u64::from(rem) * u64::from(p);
            let digits = scaled / u64::from(d);
            rem = (scaled - digits * u64::from(d)) as u32;
            q += u128::from(digits);
            if q >= LIMIT {
                return None;
            }
        }
    }
    if inexact {
        (q, scale) = unscale(q, scale);
    }
    Some(from_u128(q, negative, scale))
}

/// The decimal with mantissa `q` (below 2^96) and `scale` (0..=28).
#[inline(always)]
fn from_u128(q: u128, negative: bool, scale: i32) -> Decimal {
    Decimal::from_parts(q as u32, (q >> 32) as u32, (q >> 64) as u32, negative, scale as u32)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_else(|_| panic!("bad test literal {s}"))
    }

    /// The same decimal bit for bit: value, scale and sign (of zero too).
    fn same(a: Option<Decimal>, b: Option<Decimal>) -> bool {
        a.map(|d| d.serialize()) == b.map(|d| d.serialize())
    }

    /// Checks `super::super::checked_div` against rust_decimal and, when the fast
    /// path answers, that answer too.
    fn check(a: Decimal, b: Decimal) -> Result<(), TestCaseError> {
        let want = a.checked_div(b);
        let fast = div32(a, b);
        prop_assert!(fast.is_none() || same(fast, want), "{a} / {b}: fast {fast:?}, rust_decimal {want:?}");
        let got = super::super::checked_div(a, b);
        prop_assert!(same(got, want), "{a} / {b}: {got:?}, rust_decimal {want:?}");
        Ok(())
    }

    /// Dividends of every size: small, 64-bit and 96-bit mantissas (28-digit results of
    /// earlier divisions among them), every scale, both signs, zeros.
    fn dividend() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (-100_000i64..100_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..29)
                .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
            // 28-digit mantissas (10^27 ..= 2^96 - 1).
            (10u128.pow(27)..LIMIT, any::<bool>(), 0u32..29).prop_map(|(m, neg, s)| Decimal::from_parts(
                m as u32,
                (m >> 32) as u32,
                (m >> 64) as u32,
                neg,
                s
            )),
            (0u32..29, any::<bool>()).prop_map(|(s, neg)| Decimal::from_parts(0, 0, 0, neg, s)),
            Just(Decimal::MAX),
            Just(Decimal::MIN),
        ]
    }

    /// Divisors with a 32-bit mantissa mostly (small counts, weights like `0.7` and
    /// `100`, powers of ten, any 32-bit value at any scale), and some wider ones.
    fn divisor() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            4 => (1i64..200, 0u32..3, any::<bool>()).prop_map(|(m, s, neg)| Decimal::new(if neg { -m } else { m }, s)),
            2 => (prop::sample::select(vec![1i64, 3, 7, 9, 10, 100, 1000, 1_000_000_000, 4_294_967_295]), 0u32..29, any::<bool>())
                .prop_map(|(m, s, neg)| Decimal::new(if neg { -m } else { m }, s)),
            3 => (any::<u32>(), 0u32..29, any::<bool>()).prop_map(|(m, s, neg)| Decimal::from_parts(m, 0, 0, neg, s)),
            1 => (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => (0u32..29).prop_map(|s| Decimal::new(0, s)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40_000))]

        #[test]
        fn division_is_rust_decimal(a in dividend(), b in divisor()) {
            check(a, b)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Quotients that land next to 2^96 or need rounding at scale 28.
        #[test]
        fn division_near_the_limits(m in (LIMIT - (1u128 << 40))..LIMIT, s in 0u32..29, b in 1u32..20, bs in 0u32..29) {
            let a = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, false, s);
            check(a, Decimal::from_parts(b, 0, 0, false, bs))?;
            check(-a, Decimal::from_parts(b, 0, 0, true, bs))?;
        }

        /// Every 32-bit divisor at every scale, against a dividend at every scale.
        #[test]
        fn division_by_any_32_bit_divisor(a in any::<i64>(), s in 0u32..29, b in 1u32.., bs in 0u32..29) {
            check(Decimal::new(a, s), Decimal::from_parts(b, 0, 0, false, bs))?;
        }
    }

    #[test]
    fn quirks() {
        let cases = [
            ("1", "5", "0.20"),
            ("2", "3", "0.6666666666666666666666666667"),
            ("-1", "3", "-0.3333333333333333333333333333"),
            ("10", "4", "2.50"),
            ("0.0000000000000000000000000001", "3", "0"),
            ("5", "0.7", "7.1428571428571428571428571429"),
            ("7", "0.7", "10"),
            ("100", "1", "100"),
            ("1", "100", "0.01"),
            ("85", "100", "0.85"),
            ("3.3333333333333333333333333333", "100", "0.0333333333333333333333333333"),
            ("79228162514264337593543950335", "1", "79228162514264337593543950335"),
            ("79228162514264337593543950335", "0.1", "overflow"),
            ("79228162514264337593543950335", "3", "26409387504754779197847983445"),
            ("7.9228162514264337593543950335", "0.3", "26.409387504754779197847983445"),
            ("1", "0", "overflow"),
            ("0", "-7", "0"),
            ("-0", "7", "0"),
        ];
        for (a, b, want) in cases {
            let (a, b) = (d(a), d(b));
            let got = super::super::checked_div(a, b);
            assert!(same(got, a.checked_div(b)), "{a} / {b}");
            assert_eq!(got.map_or("overflow".to_string(), |x| x.to_string()), want, "{a} / {b}");
        }
        // 1/3 at scale 28, and 1 / 3 (scale 0) at every dividend scale.
        for s in 0..=28 {
            let a = Decimal::new(1, s);
            for b in [1, 3, 7, 10, 100, 1000] {
                let b = Decimal::from(b);
                assert!(same(div32(a, b), a.checked_div(b)), "{a} / {b}");
            }
        }
    }

    /// The fast path answers the usual cases itself.
    #[test]
    fn fast_path_covers_the_usual_cases() {
        let dividends =
            ["85", "0.85", "12.5", "3.3333333333333333333333333333", "-7.1428571428571428571428571429", "0"];
        for a in dividends {
            for b in ["100", "0.7", "3", "1", "10", "4.5", "-12"] {
                assert!(div32(d(a), d(b)).is_some(), "{a} / {b}");
            }
        }
    }
}
