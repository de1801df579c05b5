//! Property tests of scoring invariants (proptest).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kaohe::{CompiledScheme, Decimal, Employee, Status};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Splits 100 into `n` positive integer weights.
fn weights(n: usize) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(1u32..50, n).prop_map(|raw| {
        let total: u32 = raw.iter().sum();
        let mut w: Vec<u32> = raw.iter().map(|r| (r * 100 / total).max(1)).collect();
        let sum: u32 = w.iter().sum();
        // Give the rounding difference to the largest weight.
        let (imax, _) = w.iter().enumerate().max_by_key(|(_, x)| **x).unwrap();
        w[imax] = w[imax] + 100 - sum;
        w
    })
}

/// A two-level scheme: `groups` groups with integer weights, each with integer-weighted
/// ratio indicators over inputs x0, x1, … (target 10). `exclude`: every indicator may be excluded.
fn scheme(groups: &[u32], kids: &[Vec<u32>], exclude: bool) -> (Value, usize) {
    let mut inputs = serde_json::Map::new();
    let mut tree = Vec::new();
    let mut k = 0;
    for (g, gw) in groups.iter().enumerate() {
        let mut items = Vec::new();
        for w in &kids[g] {
            let name = format!("x{k}");
            inputs.insert(name.clone(), json!({"type": "number"}));
            let mut ind = json!({"id": format!("i{k}"), "name": name, "weight": w, "value": name,
                                 "scoring": {"type": "ratio", "target": 10, "cap": 2}});
            if exclude {
                ind["missing"] = json!("exclude");
            }
            items.push(ind);
            k += 1;
        }
        tree.push(json!({"id": format!("g{g}"), "name": "G", "weight": gw, "indicators": items}));
    }
    (json!({"id": "p", "version": "1", "name": "P", "inputs": inputs, "indicators": tree}), k)
}

fn tree() -> impl Strategy<Value = (Vec<u32>, Vec<Vec<u32>>)> {
    (1usize..5).prop_flat_map(|g| (weights(g), prop::collection::vec((1usize..5).prop_flat_map(weights), g)))
}

fn employee(id: &str, values: Vec<(String, Value)>) -> Employee {
    Employee::new(id, values.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn full_achievement_gives_exactly_100((groups, kids) in tree()) {
        let (s, n) = scheme(&groups, &kids, false);
        let scheme = CompiledScheme::from_value(s).unwrap();
        let values = (0..n).map(|k| (format!("x{k}"), json!(10))).collect();
        let card = scheme.score(&employee("e", values)).unwrap();
        // Two levels of integer weights summing to 100 give effective weights with at most two decimals.
        prop_assert_eq!(card.subtotal, Decimal::ONE_HUNDRED);
    }

    #[test]
    fn exclusions_renormalise_to_100_within_rounding((groups, kids) in tree(), present in prop::collection::vec(any::<bool>(), 20)) {
        let (s, n) = scheme(&groups, &kids, true);
        let scheme = CompiledScheme::from_value(s).unwrap();
        let values: Vec<(String, Value)> = (0..n).filter(|k| present[*k]).map(|k| (format!("x{k}"), json!(10))).collect();
        let scored = values.len();
        match scheme.score(&employee("e", values)) {
            Ok(card) => {
                let tolerance = Decimal::new(5, 3) * Decimal::from(scored.max(1));
                prop_assert!((card.subtotal - Decimal::ONE_HUNDRED).abs() <= tolerance, "subtotal {}", card.subtotal);
                let weight: Decimal = card.indicators.iter().filter(|l| l.status == Status::Scored).map(|l| l.weight).sum();
                prop_assert!((weight - Decimal::ONE_HUNDRED).abs() < Decimal::new(1, 20), "weights sum to {}", weight);
            }
            Err(e) => {
                prop_assert_eq!(scored, 0);
                prop_assert_eq!(e.code.as_str(), "missing_input");
            }
        }
    }

    #[test]
    fn raising_a_higher_is_better_actual_never_lowers_its_points(
        x in 0u32..100_000, d in 0u32..10_000, kind in 0usize..3, places in 0u32..4,
    ) {
        let scoring = [
            json!({"type": "ratio", "target": 500, "cap": 1.5, "floor": 0.1}),
            json!({"type": "linear", "points": [[10, 0], [300, 0.6], [800, 1], [1000, 1.2]]}),
            json!({"type": "bands", "bands": [{"min": 900, "achievement": 1.1}, {"min": 500, "achievement": 1}, {"min": 100, "achievement": 0.5}]}),
        ][kind].clone();
        let s = json!({"id": "m", "version": "1", "name": "M", "rounding": {"places": places},
            "inputs": {"x": {"type": "number"}},
            "indicators": [{"id": "i", "name": "I", "weight": 100, "value": "x / 10", "scoring": scoring}]});
        let scheme = CompiledScheme::from_value(s).unwrap();
        let at = |v: u32| scheme.score(&employee("e", vec![("x".into(), json!(v))])).unwrap().indicators[0].points.unwrap();
        prop_assert!(at(x + d) >= at(x));
    }

    #[test]
    fn results_do_not_depend_on_order_or_threads(
        rows in prop::collection::vec((0u32..60, 0u32..60, 10u32..50, 0u32..100, 0u32..8), 1..60),
    ) {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/photo-studio/scheme.json")).unwrap();
        let scheme = CompiledScheme::from_json(&text).unwrap();
        let people: Vec<Employee> = rows.iter().enumerate().map(|(i, (c, o, s, r, l))| {
            let values = vec![
                ("consultations".to_owned(), json!(c)),
                ("orders".to_owned(), json!(o.min(c))),
                ("satisfaction".to_owned(), json!(format!("{}.{}", s / 10, s % 10))),
                ("repeat_rate".to_owned(), json!(format!("0.{r:02}"))),
                ("late_count".to_owned(), json!(l)),
            ];
            employee(&format!("E{i}"), values)
        }).collect();
        let forward = scheme.score_many(&people);
        let parallel = scheme.score_many_par(&people);
        prop_assert_eq!(&forward, &parallel);
        let mut reversed: Vec<Employee> = people.clone();
        reversed.reverse();
        let mut backward = scheme.score_many(&reversed);
        backward.reverse();
        prop_assert_eq!(forward, backward);
    }
}
