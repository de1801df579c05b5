//! Powers of ten in each integer width the decimal fast paths work in, built once at
//! compile time (`U32[k]` is 10^k as a `u32`, and so on).

/// 10^0 ..= 10^9 (every power of ten a `u32` holds).
pub(super) const U32: [u32; 10] = {
    let mut t = [1u32; 10];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// 10^0 ..= 10^19 (every power of ten a `u64` holds).
pub(super) const U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// 10^0 ..= 10^18 (every power of ten an `i64` holds), padded with ones to 32 entries
/// so that an index masked to 5 bits needs no bounds check.
pub(super) const I64: [i64; 32] = {
    let mut t = [1i64; 32];
    let mut i = 1;
    while i < 19 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// 10^0 ..= 10^28 (up to the largest decimal scale).
pub(super) const U128: [u128; 29] = {
    let mut t = [1u128; 29];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

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
