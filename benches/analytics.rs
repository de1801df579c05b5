//! Criterion benchmarks of analytics and what-if over 1,000,000 generated store
//! managers (the retention-whatif schemes, 20 departments): every analysis, each part
//! alone, and the what-if comparison of two scored populations. Scoring is done once
//! in the setup (it has its own bench, `score`). Prints the peak resident memory.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kaohe::analytics::{self, AnalyzeOptions};
use kaohe::{CompiledScheme, Employee, Outcome, ScoreCard};
use serde_json::{Map, Value, json};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn n() -> usize {
    std::env::var("KAOHE_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

fn scheme(file: &str) -> CompiledScheme {
    let path = format!("{}/../examples/retention-whatif/{file}", env!("CARGO_MANIFEST_DIR"));
    CompiledScheme::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Deterministic store managers: 20 departments, a few planted outliers.
fn employees(n: usize) -> Vec<Employee> {
    let mut rng = fastrand::Rng::with_seed(7);
    (0..n)
        .map(|i| {
            let target = [800u32, 900, 1000, 1200, 1500][rng.usize(0..5)];
            let sales = if i % 10_007 == 0 { target * 3 } else { target * rng.u32(80..125) / 100 };
            let head = rng.u32(8..21);
            let mut values = json!({
                "sales": sales, "sales_target": target, "nps": rng.i32(10..80),
                "headcount_start": head, "leavers": rng.u32(0..=head.min(6)), "training_sessions": rng.u32(1..10),
            });
            if rng.u8(0..10) == 0 {
                values["compliance_issues"] = json!(rng.u32(1..4));
            }
            let mut attributes = Map::new();
            attributes.insert("department".into(), Value::String(format!("D{:02}", i % 20)));
            let Value::Object(values) = values else { unreachable!() };
            Employee { id: format!("E{i:07}").into(), attributes: attributes.into(), values: values.into() }
        })
        .collect()
}

fn cards(outcomes: &[Outcome]) -> Vec<ScoreCard> {
    outcomes.iter().filter_map(|o| o.as_ref().ok().cloned()).collect()
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "?".into())
}

fn bench(c: &mut Criterion) {
    let n = n();
    let (a, b) = (scheme("scheme-v1.json"), scheme("scheme-v2.json"));
    let people = employees(n);
    let oa = a.score_many_par(&people);
    let ob = b.score_many_par(&people);
    let ca = cards(&oa);
    assert_eq!(ca.len(), n, "the generated employees must all score");
    eprintln!("setup: {n} employees scored under two schemes; peak RSS {}", peak_rss());
    let options = AnalyzeOptions { by: Some("department".into()), ..AnalyzeOptions::default() };
    let by = Some("department");

    let mut g = c.benchmark_group(format!("analytics_{n}"));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(15));
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("analyze_all", |bch| {
        bch.iter_with_large_drop(|| analytics::analyze(&a, &people, &ca, 0, &options))
    });
    g.bench_function("distribution", |bch| {
        bch.iter(|| analytics::distribution::grade_distribution(&a, &ca, None, &[]))
    });
    g.bench_function("groups_and_completion", |bch| {
        bch.iter(|| {
            (analytics::completion::group_summaries(&a, &ca, by), analytics::completion::completion(&a, &ca, by))
        })
    });
    g.bench_function("correlations_55_pairs", |bch| {
        bch.iter(|| analytics::correlation::correlations(&a, &people, &ca))
    });
    g.bench_function("quality", |bch| bch.iter(|| analytics::quality::quality(&a, &people)));
    g.bench_function("anomalies", |bch| {
        bch.iter(|| analytics::anomaly::anomalies(&a, &people, by, &options.anomaly, kaohe::Lang::En))
    });
    g.bench_function("whatif_compare", |bch| bch.iter_with_large_drop(|| kaohe::whatif::compare(&a, &b, &oa, &ob)));
    g.finish();
    eprintln!("after the runs: peak RSS {}", peak_rss());
}

criterion_group!(benches, bench);
criterion_main!(benches);
