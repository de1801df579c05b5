//! Criterion benchmark of the population layer: ranking and calibrating 1,000,000
//! scored cards (generated directly, so scoring is not measured) in 200 departments
//! of 5,000, with tie-breakers, a forced distribution, a roll-up fed back as the
//! department coefficient, and performance pay.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
#[path = "population_cards.rs"]
mod population_cards;

use population_cards::{cards, rank_only_scheme, scheme};

const N: usize = 1_000_000;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn population(c: &mut Criterion) {
    let scheme = scheme();
    let outcomes = cards(&scheme, N);
    let p = scheme.calibrate(&outcomes).unwrap();
    assert_eq!(p.members.len(), N);
    assert_eq!(p.pool.as_ref().unwrap().allocated.to_string(), "50000000.00");
    let mut g = c.benchmark_group("population_1m");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("calibrate_owned", |b| {
        b.iter_batched(|| outcomes.clone(), |o| scheme.calibrate_owned(o).unwrap(), BatchSize::PerIteration)
    });
    // What the scale goal names: ranking (overall and per department, with a
    // tie-breaker) and the forced distribution, with the million results built.
    let rank_only = rank_only_scheme();
    g.bench_function("rank_and_distribute", |b| {
        b.iter_batched(|| outcomes.clone(), |o| rank_only.calibrate_owned(o).unwrap(), BatchSize::PerIteration)
    });
    g.finish();
}

criterion_group!(benches, population);
criterion_main!(benches);
