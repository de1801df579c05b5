//! Powers of ten in each integer width the decimal fast paths work in, built once at
//! compile time (`U32[k]` is 10^k as a `u32`, and so on).

/// A table of `$len` entries of type `$t`: 10^0 up to 10^(`$powers` - 1), then ones.
macro_rules! powers {
    ($t:ty, $len:expr, $powers:expr) => {{
        let mut t: [$t; $len] = [1; $len];
        let mut i = 1;
        while i < $powers {
            t[i] = t[i - 1] * 10;
            i += 1;
        }
        t
    }};
}

/// 10^0 ..= 10^9 (every power of ten a `u32` holds).
pub(super) const U32: [u32; 10] = powers!(u32, 10, 10);

/// 10^0 ..= 10^19 (every power of ten a `u64` holds).
pub(super) const U64: [u64; 20] = powers!(u64, 20, 20);

/// 10^0 ..= 10^18 (every power of ten an `i64` holds), padded with ones to 32 entries
/// so that an index masked to 5 bits needs no bounds check.
pub(super) const I64: [i64; 32] = powers!(i64, 32, 19);

/// 10^0 ..= 10^28 (up to the largest decimal scale).
pub(super) const U128: [u128; 29] = powers!(u128, 29, 29);

#[cfg(test)]
mod tests {
    #[test]
    fn every_table_holds_the_powers_of_ten() {
        for (k, p) in super::U128.iter().enumerate() {
            assert_eq!(*p, 10u128.pow(k as u32));
            assert_eq!(super::U64.get(k).map(|x| u128::from(*x)), (k < 20).then_some(*p));
            assert_eq!(super::U32.get(k).map(|x| u128::from(*x)), (k < 10).then_some(*p));
        }
        for (k, p) in super::I64.iter().enumerate() {
            assert_eq!(*p, if k < 19 { 10i64.pow(k as u32) } else { 1 });
        }
    }
}
