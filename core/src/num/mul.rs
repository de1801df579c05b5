//! Multiplication where one factor's mantissa fits in 32 bits (a weight such as `20`,
//! `12.5` or `0.4`), giving the very `Decimal` rust_decimal 1.43 gives (value, scale
//! and sign).
//!
//! rust_decimal multiplies the mantissas exactly and adds the scales. When the
//! product is below 2^96 at a scale of at most 28 that is the answer. Otherwise
//! (`Buf24::rescale`) it drops the fewest decimal digits that bring the truncated
//! product below 2^96 and the scale to at most 28, and rounds once, half to even, on
//! everything dropped (the last digit's remainder against half, with a sticky bit
//! for the digits dropped before). It keeps the sign even when that rounds to zero.
//! Two 32-bit mantissas take a shortcut of their own: their product (below 2^64) is
//! divided by `10^(scale - 28)` with the same rounding, a zero drops its sign, and a
//! scale above 47 gives a plain `0`.
//!
//! A 32-bit mantissa times a 96-bit one is below 2^128, so here it is one `u128`
//! multiplication (for two 32-bit mantissas too), and the digits to drop are the
//! decimal digits of the product's top 32 bits (`floor(p / 2^96) < 10^d` exactly
//! when `p / 10^d < 2^96`); the division by a power of ten is a multiplication by
//! its reciprocal, corrected. Overflow and a rounding that carries into 2^96
//! (rust_decimal then drops one digit more) are left to rust_decimal: [`mul32`]
//! answers `None`.

use rust_decimal::Decimal;

/// Mantissas are below 2^96.
const LIMIT: u128 = 1 << 96;

/// The largest scale.
const MAX_SCALE: u32 = 28;

/// `RECIPROCAL[k]` is `ceil(2^128 / 10^k)` (for k >= 1; 10^k is not a power of two),
/// within 1 above `2^128 / 10^k`: `n * RECIPROCAL[k] / 2^128` is at least `n / 10^k`
/// and less than `n / 10^k + n / 2^128`, below `n / 10^k + 1` for any `n < 2^128`, so
/// its integer part is the truncated quotient or one more.
const RECIPROCAL: [u128; 29] = {
    let mut t = [0u128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = u128::MAX / super::pow10::U128[i] + 1;
        i += 1;
    }
    t
};

/// `floor(n * RECIPROCAL[k] / 2^128)`: the truncated `n / 10^k` or one more (four
/// 64×64-bit multiplications).
#[inline(always)]
fn estimate(n: u128, k: u32) -> u128 {
    let r = RECIPROCAL[k as usize];
    let (n1, n0) = ((n >> 64) as u64, n as u64);
    let (r1, r0) = ((r >> 64) as u64, r as u64);
    let wide = |x: u64, y: u64| u128::from(x) * u128::from(y);
    let (low, cross1, cross2) = (wide(n0, r0), wide(n0, r1), wide(n1, r0));
    let middle = (low >> 64) + u128::from(cross1 as u64) + u128::from(cross2 as u64);
    wide(n1, r1) + (cross1 >> 64) + (cross2 >> 64) + (middle >> 64)
}

/// `n / 10^k` rounded half to even (`1 <= k <= 28`, `n < 2^128`), without a
/// division (a `u128` one is a slow library call, and `u64` ones on 32-bit limbs
/// made this no faster than rust_decimal): [`estimate`], one too many at times,
/// which the sign of the remainder `n - q * 10^k` tells. That remainder lies within
/// ±10^k, so up to 10^18 its low 64 bits are all of it. Rounding on the whole
/// remainder is what rust_decimal's steps of 10^9 with a sticky bit come to. No
/// branch depends on the digits: a cut that rounds up half the time would be
/// mispredicted half the time.
#[inline(always)]
fn div_pow10_half_even(n: u128, k: u32) -> u128 {
    if k > 18 {
        return div_pow10_half_even_wide(n, k);
    }
    let p = super::pow10::U128[k as usize] as u64;
    let q = estimate(n, k);
    let rem = (n as u64).wrapping_sub((q as u64).wrapping_mul(p)) as i64;
    let over = rem < 0;
    let (q, rem) = (q - u128::from(over), rem.wrapping_add(p as i64 & -i64::from(over)) as u64);
    let half = p >> 1;
    q + u128::from((rem > half) | ((rem == half) & (q & 1 == 1)))
}

/// [`div_pow10_half_even`] for 10^19 and above, with a `u128` remainder (only a
/// product at a scale of 47 or more is cut that far).
#[inline(never)]
fn div_pow10_half_even_wide(n: u128, k: u32) -> u128 {
    let p = super::pow10::U128[k as usize];
    let q = estimate(n, k);
    let rem = n.wrapping_sub(q.wrapping_mul(p));
    let over = (rem as i128) < 0;
    let (q, rem) = (q - u128::from(over), rem.wrapping_add(p & 0u128.wrapping_sub(u128::from(over))));
    let half = p >> 1;
    q + u128::from((rem > half) | ((rem == half) & (q & 1 == 1)))
}

/// How many decimal digits `t` has (0 for 0): its bit length times log10(2) (as
/// 1233/4096) is that count or one less, told apart by one comparison.
#[inline(always)]
fn digits(t: u32) -> u32 {
    let guess = ((32 - t.leading_zeros()) * 1233) >> 12;
    // At most 32 * 1233 >> 12 = 9.
    guess + u32::from(t >= super::pow10::U32[guess as usize])
}

/// The decimal with mantissa `q` (below 2^96), `scale` (0..=28) and sign, a zero
/// keeping the sign it is given.
#[inline(always)]
fn decimal(q: u128, negative: bool, scale: u32) -> Decimal {
    let mut d = Decimal::from_parts(q as u32, (q >> 32) as u32, (q >> 64) as u32, false, scale);
    d.set_sign_negative(negative);
    d
}

/// `a * b` as [`Decimal::checked_mul`] gives it, when either mantissa fits in 32 bits
/// (either order) and the product does not overflow; `None` otherwise (a wider pair,
/// an overflow, a rounding that carries into 2^96), leaving the answer to
/// rust_decimal.
#[inline]
pub(super) fn mul32(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (ua, ub) = (a.unpack(), b.unpack());
    let (w, m) = if ua.mid | ua.hi == 0 {
        (ua.lo, ub)
    } else if ub.mid | ub.hi == 0 {
        (ub.lo, ua)
    } else {
        return None;
    };
    let m = (u128::from(m.hi) << 64) | (u128::from(m.mid) << 32) | u128::from(m.lo);
    // Below (2^32 - 1) * (2^96 - 1) < 2^128.
    let p = u128::from(w) * m;
    if p == 0 {
        // rust_decimal's zero product: `0`, scale 0, never negative.
        return Some(Decimal::ZERO);
    }
    let negative = ua.negative ^ ub.negative;
    let scale = ua.scale + ub.scale;
    let top = (p >> 96) as u32;
    if top == 0 && scale <= MAX_SCALE {
        return Some(decimal(p, negative, scale));
    }
    // Two 32-bit mantissas (a product below 2^64, so only the scale is too large):
    // rust_decimal's shortcut answers a plain `0` beyond scale 47 ...
    if scale > MAX_SCALE + 19 && m >> 32 == 0 {
        return Some(Decimal::ZERO);
    }
    // The fewest digits that bring the truncated product below 2^96 (0..=10), and at
    // least as many as bring the scale down to 28.
    let drop = digits(top).max(scale.saturating_sub(MAX_SCALE));
    if drop > scale {
        // Overflow.
        return None;
    }
    let q = div_pow10_half_even(p, drop);
    if q == LIMIT {
        return None;
    }
    // ... and drops the sign of a product rounded to zero, which the wide path keeps.
    Some(decimal(q, negative && (q != 0 || m >> 32 != 0), scale - drop))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_else(|_| panic!("bad test literal {s}"))
    }

    fn from_mantissa(m: u128, negative: bool, scale: u32) -> Decimal {
        let mut x = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, negative, scale);
        x.set_sign_negative(negative);
        x
    }

    /// The same decimal: equal values, the same scale and the same sign (of zero
    /// too), bit for bit.
    fn same(a: Option<Decimal>, b: Option<Decimal>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => {
                a == b
                    && a.scale() == b.scale()
                    && a.is_sign_negative() == b.is_sign_negative()
                    && a.serialize() == b.serialize()
            }
            (None, None) => true,
            _ => false,
        }
    }

    /// Checks `super::super::checked_mul` against rust_decimal and, when the fast path
    /// answers, that answer too, in both orders.
    fn check(a: Decimal, b: Decimal) -> Result<(), TestCaseError> {
        for (x, y) in [(a, b), (b, a)] {
            let want = x.checked_mul(y);
            let fast = mul32(x, y);
            prop_assert!(fast.is_none() || same(fast, want), "{x} * {y}: fast {fast:?}, rust_decimal {want:?}");
            let got = super::super::checked_mul(x, y);
            prop_assert!(same(got, want), "{x} * {y}: {got:?}, rust_decimal {want:?}");
        }
        Ok(())
    }

    /// Factors of every size: small, 32-bit, 64-bit and 96-bit mantissas (28-digit
    /// quotients among them), every scale, both signs, zeros.
    fn factor() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (-100_000i64..100_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<u32>(), any::<bool>(), 0u32..29).prop_map(|(m, neg, s)| from_mantissa(m.into(), neg, s)),
            (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..29)
                .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
            // 28-digit mantissas (10^27 ..= 2^96 - 1) and the very top of the range.
            (10u128.pow(27)..LIMIT, any::<bool>(), 0u32..29).prop_map(|(m, neg, s)| from_mantissa(m, neg, s)),
            ((LIMIT - (1 << 40))..LIMIT, any::<bool>(), 0u32..29).prop_map(|(m, neg, s)| from_mantissa(m, neg, s)),
            // Zeros, negative zeros among them.
            (any::<bool>(), 0u32..29).prop_map(|(neg, s)| from_mantissa(0, neg, s)),
            Just(Decimal::MAX),
            Just(Decimal::MIN),
        ]
    }

    /// Mantissas at the ends of the 32-bit range and powers of ten.
    const SPECIAL_WEIGHTS: [u32; 8] = [1, 2, 5, 10, 100, 1000, 1_000_000_000, u32::MAX];

    /// 32-bit factors: weights like `20`, `12.5`, `0.4`, powers of ten, any 32-bit
    /// mantissa at any scale.
    fn weight() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            4 => (1i64..1000, 0u32..3, any::<bool>()).prop_map(|(m, s, neg)| Decimal::new(if neg { -m } else { m }, s)),
            2 => (prop::sample::select(SPECIAL_WEIGHTS.to_vec()), 0u32..29, any::<bool>())
                .prop_map(|(m, s, neg)| from_mantissa(m.into(), neg, s)),
            3 => (any::<u32>(), 0u32..29, any::<bool>()).prop_map(|(m, s, neg)| from_mantissa(m.into(), neg, s)),
            1 => (any::<bool>(), 0u32..29).prop_map(|(neg, s)| from_mantissa(0, neg, s)),
        ]
    }

    /// The inverse of `w` (coprime to 10) modulo `m` (at most 10^19).
    fn inverse(w: u128, m: u128) -> u128 {
        let (mut r0, mut r1, mut t0, mut t1) = (m as i128, (w % m) as i128, 0i128, 1i128);
        while r1 != 0 {
            let q = r0 / r1;
            (r0, r1) = (r1, r0 - q * r1);
            (t0, t1) = (t1, t0 - q * t1);
        }
        t0.rem_euclid(m as i128) as u128
    }

    /// The digits rust_decimal drops from the product `p` at scale `scale`.
    fn dropped(p: u128, scale: u32) -> u32 {
        let top = (p >> 96) as u32;
        let fit = if top == 0 { 0 } else { top.to_string().len() as u32 };
        if top == 0 && scale <= 28 { 0 } else { fit.max(scale.saturating_sub(28)) }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12_000))]

        #[test]
        fn multiplication_by_a_32_bit_factor_is_rust_decimal(w in weight(), a in factor()) {
            check(w, a)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6_000))]

        /// Any pair, most of them left to rust_decimal.
        #[test]
        fn multiplication_is_rust_decimal(a in factor(), b in factor()) {
            check(a, b)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8_000))]

        /// Products whose dropped digits are exactly a half, one unit either side of it,
        /// zero, one or all nines, with an odd or an even last kept digit: the factor
        /// `m` is moved so that `w * m` ends in the wanted digits at the position
        /// rust_decimal cuts.
        #[test]
        fn multiplication_at_rounding_boundaries(
            w in (0u32..429_496_729, prop::sample::select(vec![1u32, 3, 7, 9])).prop_map(|(x, u)| x * 10 + u),
            m in prop_oneof![any::<u32>().prop_map(u128::from), any::<u64>().prop_map(u128::from), 1u128..LIMIT],
            (ws, ms) in (0u32..29, 0u32..29),
            cut in 0usize..6,
            odd in any::<bool>(),
            (wneg, mneg) in (any::<bool>(), any::<bool>()),
        ) {
            let k = dropped(u128::from(w) * m, ws + ms);
            if (1..=19).contains(&k) {
                let p = 10u128.pow(k);
                let half = p / 2;
                let tail = [0, 1, half - 1, half, half + 1, p - 1][cut];
                // m ≡ tail / w (mod 10^k), so that w * m ends in `tail`.
                let mut m = m - m % p + tail % p * inverse(w.into(), p) % p;
                if (u128::from(w) * m / p % 2 == 1) != odd {
                    // w is odd: one more 10^k in m moves the kept part by w, an odd number.
                    m = if m + p < LIMIT { m + p } else { m - p };
                }
                if m < LIMIT {
                    check(from_mantissa(w.into(), wneg, ws), from_mantissa(m, mneg, ms))?;
                }
            }
        }

        /// Scales above 28 (up to 56), so that up to 28 digits are dropped, with the
        /// dropped digits again at a half or next to it: `w * m` is built as
        /// `kept * 10^k + tail` with a small `w` dividing it.
        #[test]
        fn multiplication_rounding_off_many_digits(
            kept in 0u128..1_000_000,
            k in 1u32..29,
            cut in 0usize..6,
            w in prop::sample::select(vec![1u32, 2, 4, 5, 8, 16, 25]),
            ws in 0u32..29,
            neg in any::<bool>(),
        ) {
            let p = 10u128.pow(k);
            let half = p / 2;
            let tail = [0, 1, half - 1, half, half + 1, p - 1][cut];
            let n = kept * p + tail;
            if n % u128::from(w) == 0 && n / u128::from(w) < LIMIT {
                let m = n / u128::from(w);
                // The product's scale is 28 + k, so rust_decimal drops exactly k digits.
                if let Some(ms) = (28 + k).checked_sub(ws).filter(|&s| s <= 28) {
                    check(from_mantissa(w.into(), false, ws), from_mantissa(m, neg, ms))?;
                }
            }
        }
    }

    /// The guess in [`digits`] changes only at powers of two and the answer only at
    /// powers of ten: checking next to all of them checks every `u32`.
    #[test]
    fn digits_counts_decimal_digits() {
        let points = (0..32).map(|i| 1u64 << i).chain((0..10).map(|i| 10u64.pow(i)));
        for t in points.flat_map(|x| [x - 1, x, x + 1]).chain([u64::from(u32::MAX)]) {
            let t = t as u32;
            let want = if t == 0 { 0 } else { t.to_string().len() as u32 };
            assert_eq!(digits(t), want, "{t}");
        }
    }

    /// `n / 10^k` rounded half to even by `u128` division.
    fn half_even_reference(n: u128, k: u32) -> u128 {
        let p = 10u128.pow(k);
        let (q, r) = (n / p, n % p);
        q + u128::from(r > p / 2 || (r == p / 2 && q % 2 == 1))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// The reciprocal division over the whole `u128` range, next to multiples of
        /// 10^k and their halves too.
        #[test]
        fn division_by_a_power_of_ten_is_exact(
            n in prop_oneof![any::<u128>(), any::<u64>().prop_map(u128::from), (u128::MAX - (1 << 70))..=u128::MAX],
            k in 1u32..29,
            near in -2i64..3,
            at in 0usize..3,
        ) {
            let p = 10u128.pow(k);
            prop_assert_eq!(div_pow10_half_even(n, k), half_even_reference(n, k), "{} / 10^{}", n, k);
            // n moved to a multiple of 10^k, or its half, give or take two.
            let base = (n - n % p).checked_add([0, p / 2, p - 1][at]);
            if let Some(m) = base.and_then(|b| b.checked_add_signed(near.into())) {
                prop_assert_eq!(div_pow10_half_even(m, k), half_even_reference(m, k), "{} / 10^{}", m, k);
            }
        }
    }

    /// A weight `w` and a mantissa `m` (below 2^96) whose product, cut by `k` digits,
    /// is 2^96 - 1 with more than a half cut off: it rounds up to 2^96.
    fn carry_case(k: u32) -> Option<(u32, u128)> {
        let p = 10u128.pow(k);
        let lo = (LIMIT - 1) * p + p / 2 + 1;
        let hi = LIMIT * p;
        (p as u32..u32::MAX).map(|w| (w, lo.div_ceil(u128::from(w)))).find_map(|(w, m)| {
            let n = m * u128::from(w);
            (n < hi && m < LIMIT).then_some((w, m))
        })
    }

    #[test]
    fn quirks() {
        let cases = [
            ("20", "0.8533333333333333333333333333", "17.066666666666666666666666666"),
            ("12.5", "0.8533333333333333333333333333", "10.666666666666666666666666666"),
            ("12.5", "0.8533333333333333333333333335", "10.666666666666666666666666669"),
            // 799999999999999999999999999960 needs two digits cut: 79999999999999999999999999999.60 rounds up.
            ("40", "1.9999999999999999999999999999", "80.00000000000000000000000000"),
            ("0.4", "0.85", "0.340"),
            ("3", "26409387504754779197847983445", "79228162514264337593543950335"),
            ("3", "26409387504754779197847983446", "overflow"),
            ("-2", "79228162514264337593543950335", "overflow"),
            ("2", "7.9228162514264337593543950335", "15.845632502852867518708790067"),
            ("5", "1.5845632502852867518708790067", "7.9228162514264337593543950335"),
            ("0.0000000000000000000000000001", "0.5", "0.0000000000000000000000000000"),
            ("0.0000000000000000000000000001", "1.5", "0.0000000000000000000000000002"),
            ("0.0000000000000000000000000001", "2.5", "0.0000000000000000000000000002"),
            ("0.0000000000000000000000000001", "0.0000000000000000000000000001", "0"),
            ("0", "-7", "0"),
            ("-0.00", "7.5", "0"),
        ];
        for (a, b, want) in cases {
            let (a, b) = (d(a), d(b));
            for (x, y) in [(a, b), (b, a)] {
                let got = super::super::checked_mul(x, y);
                assert!(same(got, x.checked_mul(y)), "{x} * {y}: {got:?} vs {:?}", x.checked_mul(y));
                assert_eq!(got.map_or("overflow".to_string(), |x| x.to_string()), want, "{x} * {y}");
            }
        }
    }

    #[test]
    fn sign_of_a_zero_product() {
        // A 64-bit mantissa times a 32-bit one, rounded to zero: rust_decimal keeps the sign.
        let a = Decimal::from_parts(0, 1, 0, false, 28);
        let b = Decimal::from_parts(1, 0, 0, true, 28);
        let want = a.checked_mul(b);
        assert!(want.is_some_and(|x| x.is_zero() && x.is_sign_negative() && x.scale() == 28), "{want:?}");
        assert!(same(mul32(a, b), want));
        assert!(same(mul32(b, a), want));
        // Two 32-bit mantissas rounded to zero: a positive zero at scale 28 ...
        let a = Decimal::from_parts(1, 0, 0, false, 10);
        let want = a.checked_mul(b);
        assert!(want.is_some_and(|x| x.is_zero() && !x.is_sign_negative() && x.scale() == 28), "{want:?}");
        assert!(same(mul32(a, b), want));
        // ... and beyond scale 47 a plain 0.
        let a = Decimal::from_parts(1, 0, 0, false, 28);
        let want = a.checked_mul(b);
        assert!(want.is_some_and(|x| x.is_zero() && !x.is_sign_negative() && x.scale() == 0), "{want:?}");
        assert!(same(mul32(a, b), want));
        // A zero factor: `0` at scale 0, whatever the signs and scales.
        let z = from_mantissa(0, true, 5);
        for x in [b, Decimal::MAX, Decimal::MIN, d("-12.5")] {
            assert!(same(mul32(z, x), Some(Decimal::ZERO)));
            assert!(same(super::super::checked_mul(x, z), x.checked_mul(z)));
        }
    }

    /// A rounding that carries into 2^96: rust_decimal divides that by ten once more
    /// (rounding again), giving 7922816251426433759354395034 at one scale less. Left
    /// to rust_decimal.
    #[test]
    fn rounding_into_2_pow_96() {
        for k in 1..=6 {
            let (w, m) = carry_case(k).unwrap_or_else(|| panic!("no product rounding into 2^96 at {k} digits"));
            for s in k + 1..=28 {
                let (a, b) = (from_mantissa(w.into(), false, 0), from_mantissa(m, true, s));
                let want = a.checked_mul(b);
                assert!(mul32(a, b).is_none(), "{a} * {b}");
                assert!(same(super::super::checked_mul(a, b), want));
                assert_eq!(want, Some(from_mantissa(7922816251426433759354395034, true, s - k - 1)), "{a} * {b}");
            }
            // At scale k there is no digit left to drop: an overflow.
            let (a, b) = (from_mantissa(w.into(), false, 0), from_mantissa(m, false, k));
            assert!(mul32(a, b).is_none());
            assert_eq!(super::super::checked_mul(a, b), None, "{a} * {b}");
            assert_eq!(a.checked_mul(b), None, "{a} * {b}");
        }
    }

    /// Times `f` on `n` products of a weight and a 28-digit quotient, and a checksum
    /// of the results.
    fn time(
        n: usize,
        weights: &[Decimal],
        quotients: &[Decimal],
        f: impl Fn(Decimal, Decimal) -> Option<Decimal>,
    ) -> (f64, u32) {
        let start = std::time::Instant::now();
        let mut sum = 0u32;
        for i in 0..n {
            // Lengths are powers of two: a mask, not a division, picks the operands.
            let (w, q) = (weights[i & (weights.len() - 1)], quotients[i & (quotients.len() - 1)]);
            if let Some(p) = f(std::hint::black_box(w), std::hint::black_box(q)) {
                sum = sum.wrapping_add(p.unpack().lo ^ p.scale());
            }
        }
        (start.elapsed().as_secs_f64() * 1e9 / n as f64, sum)
    }

    /// Weight × 28-digit quotient (scoring's `points`), the fast path against
    /// rust_decimal, in rounds taken in turn (the best round of each reported, as
    /// other work on the machine only slows a round down): `cargo test --release -p
    /// kaohe --lib num::mul::tests::speed -- --ignored --nocapture`. `MUL_SPEED_N`
    /// products a round (10M by default); `MUL_SPEED_ONLY=fast` or `rust` times one
    /// side once, e.g. under callgrind.
    #[test]
    #[ignore = "timing: run with --release --ignored --nocapture"]
    fn speed() {
        let n: usize = std::env::var("MUL_SPEED_N").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000_000);
        let only = std::env::var("MUL_SPEED_ONLY").unwrap_or_default();
        let weights: Vec<Decimal> = ["20", "12.5", "40", "0.4", "15", "7.5", "10", "2.5"].into_iter().map(d).collect();
        // Achievements `actual / target` as rust_decimal divides them: 28 digits, scale 26-28.
        let mut rng = fastrand::Rng::with_seed(7);
        let quotients: Vec<Decimal> =
            std::iter::repeat_with(|| Decimal::new(rng.i64(1..20_000), 1).checked_div(Decimal::from(rng.u32(1..1000))))
                .flatten()
                .filter(|q| q.mantissa() > 1 << 90)
                .take(4096)
                .collect();
        let rounds = if only.is_empty() { 5 } else { 1 };
        let (mut fast, mut rust) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..rounds {
            if only != "rust" {
                let (ns, sum) = time(n, &weights, &quotients, super::super::checked_mul);
                fast = fast.min(ns);
                if only.is_empty() {
                    assert_eq!(sum, time(n, &weights, &quotients, Decimal::checked_mul).1);
                }
            }
            if only != "fast" {
                rust = rust.min(time(n, &weights, &quotients, Decimal::checked_mul).0);
            }
        }
        eprintln!("{n} products, best of {rounds}: fast path {fast:.2} ns each, rust_decimal {rust:.2} ns each");
    }

    /// The fast path answers the usual cases itself.
    #[test]
    fn fast_path_covers_the_usual_cases() {
        let quotients = [
            "0.8533333333333333333333333333",
            "1.0666666666666666666666666667",
            "0.85",
            "-7.1428571428571428571428571429",
            "0.0333333333333333333333333333",
            "0",
            "12345.67",
        ];
        for a in quotients {
            for w in ["20", "12.5", "40", "0.4", "100", "1", "-3", "0.15"] {
                assert!(mul32(d(w), d(a)).is_some(), "{w} * {a}");
                assert!(mul32(d(a), d(w)).is_some(), "{a} * {w}");
            }
        }
    }
}
