//! The population bench's scheme and 1,000,000 generated cards (shared by
//! `benches/population.rs` and `core/examples/population_profile.rs`).
#![allow(dead_code, missing_docs, clippy::unwrap_used)]

use std::sync::Arc;

use kaohe::{CompiledScheme, Decimal, IndicatorResult, Outcome, ScoreCard, Status};

pub fn scheme() -> CompiledScheme {
    CompiledScheme::from_json(SCHEME).unwrap()
}

/// The same scheme with only ranking and the forced distribution (no roll-up, no pay).
pub fn rank_only_scheme() -> CompiledScheme {
    let mut v: serde_json::Value = serde_json::from_str(SCHEME).unwrap();
    let population = v["population"].as_object_mut().unwrap();
    population.remove("rollup");
    population.remove("pay");
    CompiledScheme::from_value(v).unwrap()
}

pub const SCHEME: &str = r#"{"id": "bench", "version": "1", "name": "bench",
        "inputs": {"kpi": {"type": "number"}, "quality": {"type": "number"}},
        "indicators": [
          {"id": "kpi", "name": "KPI", "weight": 70, "value": "kpi", "scoring": {"type": "ratio", "target": 100}},
          {"id": "quality", "name": "Quality", "weight": 30, "value": "quality", "scoring": {"type": "ratio", "target": 100}}],
        "grades": [{"grade": "S", "min": 95, "coefficient": 1.5}, {"grade": "A", "min": 85, "coefficient": 1.2},
                   {"grade": "B", "min": 70, "coefficient": 1}, {"grade": "C", "min": 60, "coefficient": 0.8},
                   {"grade": "D", "coefficient": 0.5}],
        "population": {
          "group_by": ["department"], "tie_breakers": ["quality"],
          "distribution": {"group_by": ["department"], "min_group_size": 5,
            "quotas": [{"grades": ["S"], "max": 0.1}, {"grades": ["A"], "max": 0.2}, {"grades": ["C", "D"], "min": 0.1}]},
          "rollup": {"group_by": ["department"], "coefficient": "clamp(score / 85, 0.8, 1.2)"},
          "pay": {"base": "base", "pool": "50000000.00"}}}"#;

/// Cards with scores on a 0.01 grid (many ties), as scoring would return them.
pub fn cards(scheme: &CompiledScheme, n: usize) -> Vec<Outcome> {
    let template = scheme
        .score(
            &kaohe::Employee::from_value(serde_json::json!({"id": "t", "values": {"kpi": 90, "quality": 90}})).unwrap(),
        )
        .unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    (0..n)
        .map(|i| {
            let kpi = Decimal::new(rng.i64(5000..=7000), 2);
            let quality = Decimal::new(rng.i64(1500..=3000), 2);
            let score = kpi + quality;
            let grade = match score {
                s if s >= Decimal::from(95) => ("S", "1.5"),
                s if s >= Decimal::from(85) => ("A", "1.2"),
                s if s >= Decimal::from(70) => ("B", "1"),
                s if s >= Decimal::from(60) => ("C", "0.8"),
                _ => ("D", "0.5"),
            };
            let mut attributes = serde_json::Map::new();
            attributes.insert("department".into(), format!("D{:03}", i % 200).into());
            attributes.insert("base".into(), serde_json::json!(10_000 + (i % 7) * 1000));
            let line = |card: &IndicatorResult, points: Decimal| IndicatorResult {
                points: Some(points),
                status: Status::Scored,
                ..card.clone()
            };
            Ok(ScoreCard {
                id: format!("E{i:07}").into(),
                score,
                grade: Some(grade.0.into()),
                coefficient: Some(grade.1.parse().unwrap()),
                subtotal: score,
                indicators: vec![line(&template.indicators[0], kpi), line(&template.indicators[1], quality)],
                adjustments: Vec::new(),
                attributes: attributes.into(),
                scheme: Arc::clone(&template.scheme),
            })
        })
        .collect()
}
