//! Deterministic employees for the reference scheme (shared by benches and the generator example).
#![allow(dead_code, missing_docs)]

use serde_json::{Value, json};

/// `n` employee records for `benches/reference/scheme.json`, the same for a given seed.
pub fn employees(n: usize, seed: u64) -> Vec<Value> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let dec = |rng: &mut fastrand::Rng, lo: u32, hi: u32, places: u32| -> String {
        let scale = 10u64.pow(places);
        let raw = u64::from(lo) * scale + rng.u64(0..=u64::from(hi - lo) * scale);
        let int = raw / scale;
        let frac = raw % scale;
        if places == 0 { int.to_string() } else { format!("{int}.{frac:0width$}", width = places as usize) }
    };
    (0..n)
        .map(|i| {
            let revenue = dec(&mut rng, 50_000, 200_000, 0);
            let profit = dec(&mut rng, 0, 60_000, 0);
            let ratings = |rng: &mut fastrand::Rng, k: usize| -> Vec<u8> { (0..k).map(|_| rng.u8(1..=5)).collect() };
            let (n_peer, n_partner) = (rng.usize(0..6), rng.usize(0..4));
            let mut values = json!({
                "revenue": revenue.parse::<u64>().unwrap_or(1),
                "profit": profit.parse::<u64>().unwrap_or(0),
                "sales": dec(&mut rng, 40_000, 140_000, 2),
                "new_clients": rng.u32(0..15),
                "defect_rate": dec(&mut rng, 0, 1, 3).replace("1.", "0."),
                "complaints": rng.u32(0..6),
                "audit_score": rng.u32(50..=100),
                "collaboration": {
                    "manager": ratings(&mut rng, 1),
                    "peer": ratings(&mut rng, n_peer),
                    "partner": ratings(&mut rng, n_partner)
                },
                "training_hours": dec(&mut rng, 0, 60, 1),
                "kr1": dec(&mut rng, 0, 1, 2).replace("1.", "0."),
                "kr2": dec(&mut rng, 0, 1, 2).replace("1.", "0."),
                "kr3": dec(&mut rng, 0, 1, 2).replace("1.", "0."),
                "patents": rng.u32(0..5),
                "certified": rng.bool(),
                "late_count": rng.u32(0..7),
                "innovations": rng.u32(0..4)
            });
            if rng.u8(0..10) > 0 {
                values["nps"] = json!(rng.i32(-20..=80));
            }
            json!({"id": format!("E{i:06}"), "attributes": {"department": format!("D{}", i % 12)}, "values": values})
        })
        .collect()
}

/// A scheme with `groups` × `per_group` ratio and linear indicators over as many inputs.
pub fn wide_scheme(groups: usize, per_group: usize) -> String {
    let mut inputs = serde_json::Map::new();
    let mut tree = Vec::new();
    for g in 0..groups {
        let mut kids = Vec::new();
        let base = 100 / per_group;
        for k in 0..per_group {
            let name = format!("x_{g}_{k}");
            inputs.insert(name.clone(), json!({"type": "number", "min": 0}));
            let weight = if k == 0 { 100 - base * (per_group - 1) } else { base };
            let scoring = if k % 2 == 0 {
                json!({"type": "ratio", "target": 10 + k})
            } else {
                json!({"type": "linear", "threshold": 1, "target": 10 + k})
            };
            kids.push(json!({"id": format!("i_{g}_{k}"), "name": name, "weight": weight, "value": format!("{name} * 2 / 2"), "scoring": scoring}));
        }
        let weight = if g == 0 { 100 - (100 / groups) * (groups - 1) } else { 100 / groups };
        tree.push(json!({"id": format!("g_{g}"), "name": format!("Group {g}"), "weight": weight, "indicators": kids}));
    }
    json!({"id": "wide", "version": "1", "name": "Wide", "inputs": inputs, "indicators": tree,
           "grades": [{"grade": "A", "min": 90}, {"grade": "B"}]})
    .to_string()
}
