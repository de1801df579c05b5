//! Criterion benchmarks of the scoring core: the reference scheme (12 indicators in
//! three groups, two Rhai script indicators, a rating, two adjustments) over 100k
//! generated employees, single-threaded and parallel; and compiling a 200-indicator scheme.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "gen.rs"]
mod generator;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kaohe::{CompiledScheme, Employee};

const N: usize = 100_000;

// A throughput-minded application picks its allocator; the CLI uses mimalloc too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn reference() -> CompiledScheme {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/reference/scheme.json")).unwrap();
    CompiledScheme::from_json(&text).unwrap()
}

fn employees() -> Vec<Employee> {
    generator::employees(N, 42).into_iter().map(|v| Employee::from_value(v).unwrap()).collect()
}

fn scoring(c: &mut Criterion) {
    let scheme = reference();
    let people = employees();
    let failed = scheme.score_many(&people).iter().filter(|o| o.is_err()).count();
    assert_eq!(failed, 0, "the generated employees must all score");
    let mut g = c.benchmark_group("score_100k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("single_thread", |b| b.iter_with_large_drop(|| scheme.score_many(&people)));
    g.bench_function("parallel", |b| b.iter_with_large_drop(|| scheme.score_many_par(&people)));
    // The same scheme with its OKR script written as a loop, which runs in Rhai
    // (the reference scripts use let/if, which compile to native plans).
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/reference/scheme.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["indicators"][2]["indicators"][1]["scoring"]["script"] = serde_json::Value::String(
        "let hit = 0; for kr in [kr1, kr2, kr3] { if kr >= 0.7 { hit += 1; } } if hit == 3 { 1.0 } else { mean([kr1, kr2, kr3]) / 0.7 }".into(),
    );
    let rhai_scheme = CompiledScheme::from_value(value).unwrap();
    assert_eq!(rhai_scheme.plan_counts().1, 1, "the loop script runs in Rhai");
    g.bench_function("single_thread_one_rhai_script", |b| b.iter_with_large_drop(|| rhai_scheme.score_many(&people)));
    g.bench_function("score_json_document", |b| {
        let scheme_text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/reference/scheme.json")).unwrap();
        let doc = serde_json::to_string(&generator::employees(N, 42)).unwrap();
        b.iter(|| kaohe::score_json(&scheme_text, &doc).unwrap().len());
    });
    g.finish();
}

fn compiling(c: &mut Criterion) {
    let text = generator::wide_scheme(10, 20);
    let mut g = c.benchmark_group("compile");
    g.bench_function("200_indicators", |b| {
        b.iter_batched(|| text.clone(), |t| CompiledScheme::from_json(&t).unwrap(), BatchSize::SmallInput)
    });
    g.bench_function("reference_12_indicators", |b| {
        let t =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/reference/scheme.json")).unwrap();
        b.iter(|| CompiledScheme::from_json(&t).unwrap())
    });
    g.finish();
}

criterion_group!(benches, scoring, compiling);
criterion_main!(benches);
