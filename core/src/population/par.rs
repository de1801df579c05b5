//! Loops over every member, spread over rayon's threads with the `parallel` feature
//! and run in order on the caller's thread without it. Each helper gives the same
//! result either way: the work is cut into chunks of consecutive members and the
//! chunks' results are put back together in order.

use std::ops::Range;

/// How many members one chunk of work takes: with `parallel`, small enough for every
/// thread to take several chunks (so that a slow one does not hold the others up);
/// without, all of them.
pub(crate) fn chunk_len(n: usize) -> usize {
    #[cfg(feature = "parallel")]
    {
        (n / (rayon::current_num_threads() * 8)).max(4096)
    }
    #[cfg(not(feature = "parallel"))]
    {
        n.max(1)
    }
}

/// `f(start, chunk)` for each chunk of `items` ([`chunk_len`]), `start` being the
/// index of the chunk's first item; the results in the chunks' order.
pub(crate) fn map_chunks<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &[T]) -> R + Sync + Send) -> Vec<R> {
    let len = chunk_len(items.len());
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.par_chunks(len).enumerate().map(|(c, chunk)| f(c * len, chunk)).collect()
    }
    #[cfg(not(feature = "parallel"))]
    items.chunks(len).enumerate().map(|(c, chunk)| f(c * len, chunk)).collect()
}

/// `f(i)` for every `i` in `0..n`, in a vector.
pub(crate) fn map_indices<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    (0..n).map(f).collect()
}

/// `f(range)` for each chunk of `0..n` ([`chunk_len`]), the results in order.
pub(crate) fn map_ranges<R: Send>(n: usize, f: impl Fn(Range<usize>) -> R + Sync + Send) -> Vec<R> {
    let len = chunk_len(n);
    map_indices(n.div_ceil(len), |c| f(c * len..((c + 1) * len).min(n)))
}

/// `f(i, item)` for every item of `items`, `i` being its index.
pub(crate) fn for_each_mut<T: Send>(items: &mut [T], f: impl Fn(usize, &mut T) + Sync + Send) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.par_iter_mut().enumerate().for_each(|(i, x)| f(i, x));
    }
    #[cfg(not(feature = "parallel"))]
    items.iter_mut().enumerate().for_each(|(i, x)| f(i, x));
}
