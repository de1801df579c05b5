//! Replays the analytics vectors (`spec/vectors/analytics/*.json`): grade distribution,
//! completion, correlation, data quality, anomalies, trends and what-if.
//!
//! A vector's `expect` is compared as a subset of the computed result: every key it
//! names must be there with the same value (decimals compare as decimals), and every
//! array must have exactly the expected elements.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "support/vectors.rs"]
mod vectors;

use kaohe::analytics::{self, AnalyzeOptions, AnomalyOptions, QuotaView};
use kaohe::{CompiledScheme, Employee, Lang};
use serde_json::{Value, json};

fn scheme(v: &Value) -> CompiledScheme {
    CompiledScheme::from_json(&v.to_string()).expect("the vector's scheme compiles")
}

fn employees(v: &Value) -> Vec<Employee> {
    v.as_array().expect("employees").iter().map(|e| Employee::from_value(e.clone()).expect("employee")).collect()
}

fn options(case: &Value) -> AnalyzeOptions {
    let o = &case["options"];
    let mut anomaly = AnomalyOptions::default();
    if let Some(t) = vectors::dec(&o["threshold"]) {
        anomaly.threshold = t;
    }
    if let Some(m) = o["min_group"].as_u64() {
        anomaly.min_group = usize::try_from(m).unwrap();
    }
    AnalyzeOptions {
        by: o["by"].as_str().map(str::to_owned),
        calibrated: o["calibrated"].as_array().map(|xs| xs.iter().map(|x| x.as_str().map(str::to_owned)).collect()),
        quotas: o
            .get("quotas")
            .map(|q| serde_json::from_value::<Vec<QuotaView>>(q.clone()).unwrap())
            .unwrap_or_default(),
        anomaly,
        lang: o["lang"].as_str().and_then(Lang::parse).unwrap_or_default(),
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn run(case: &Value) -> Value {
    match case["kind"].as_str().expect("kind") {
        "analyze" => {
            let s = scheme(&case["scheme"]);
            let emps = employees(&case["employees"]);
            let outcomes = s.score_many(&emps);
            let failed = outcomes.iter().filter(|o| o.is_err()).count();
            let cards: Vec<_> = outcomes.into_iter().filter_map(Result::ok).collect();
            serde_json::to_value(analytics::analyze(&s, &emps, &cards, failed, &options(case))).unwrap()
        }
        "correlation" => {
            let (x, y) = (floats(&case["data"]["x"]), floats(&case["data"]["y"]));
            let r = |v: Option<f64>| v.map(|v| (v * 10_000.0).round() / 10_000.0);
            json!({
                "pearson": r(analytics::correlation::pearson(&x, &y)),
                "spearman": r(analytics::correlation::spearman(&x, &y)),
                "ranks_x": analytics::correlation::average_ranks(&x),
            })
        }
        "trend" => {
            let by = case["options"]["by"].as_str();
            let cycles: Vec<(String, Vec<kaohe::ScoreCard>)> = case["cycles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let s = scheme(&c["scheme"]);
                    let cards = s.score_many(&employees(&c["employees"])).into_iter().filter_map(Result::ok).collect();
                    (c["label"].as_str().unwrap().to_owned(), cards)
                })
                .collect();
            let refs: Vec<(String, &[kaohe::ScoreCard])> = cycles.iter().map(|(l, c)| (l.clone(), &c[..])).collect();
            json!({ "trend": analytics::trend::trend(&refs, by) })
        }
        "whatif" => {
            let (a, b) = (scheme(&case["scheme"]), scheme(&case["scheme_b"]));
            serde_json::to_value(kaohe::whatif::whatif(&a, &b, &employees(&case["employees"]))).unwrap()
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn every_analytics_vector_passes() {
    let dir = vectors::root().join("spec/vectors/analytics");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("spec/vectors/analytics")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "expected the analytics vectors, found {}", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let case = vectors::load(f);
        assert!(case["description"].as_str().is_some_and(|d| !d.is_empty()), "{} has no description", f.display());
        let got = run(&case);
        let mut diffs = Vec::new();
        vectors::subset(&case["expect"], &got, "", &mut diffs);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", f.display(), diffs.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_matcher_catches_a_wrong_value() {
    let mut diffs = Vec::new();
    vectors::subset(&json!({"a": ["1.50", {"b": 2}]}), &json!({"a": ["1.5", {"b": 3}]}), "", &mut diffs);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
}
