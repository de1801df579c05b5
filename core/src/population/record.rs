//! The audit entry of a calibration: the core builds it, a front end appends it to its
//! log with [`crate::audit::append`].

use serde_json::{Value, json};

use super::Population;
use crate::audit::{NewEntry, inputs_hash};

/// The `calibration` entry: the scheme's hash, the hash of the employee records
/// calibrated (`inputs`, as given), and what calibrating decided: how many members,
/// every grade moved by the forced distribution, and the employees that failed.
pub fn calibration_entry(population: &Population, inputs: &Value, at: &str) -> NewEntry {
    let moved: Vec<Value> = population
        .members
        .iter()
        .filter(|m| m.raw_grade != m.grade)
        .map(|m| json!({"id": m.id, "raw_grade": m.raw_grade, "grade": m.grade, "rank": m.rank}))
        .collect();
    let failed: Vec<Value> = population.errors.iter().map(|e| json!({"id": e.id, "code": e.error.code})).collect();
    NewEntry {
        kind: "calibration".into(),
        at: at.to_owned(),
        scheme_hash: Some(population.scheme.hash.clone()),
        inputs_hash: Some(inputs_hash(inputs)),
        event: json!({
            "scheme": population.scheme.id,
            "version": population.scheme.version,
            "members": population.members.len(),
            "moved": moved,
            "failed": failed,
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::CompiledScheme;
    use crate::inputs::Employee;

    #[test]
    fn the_entry_names_every_move_and_chains() {
        let scheme = CompiledScheme::from_json(
            r#"{"id": "q", "version": "2", "name": "Q", "inputs": {"x": {"type": "number"}},
                "indicators": [{"id": "x", "name": "X", "weight": 100, "value": "x",
                                "scoring": {"type": "ratio", "target": 100, "cap": 2}}],
                "grades": [{"grade": "S", "min": 90}, {"grade": "B"}],
                "population": {"distribution": {"quotas": [{"grades": ["S"], "max": 0.5}]}}}"#,
        )
        .unwrap();
        let records = serde_json::json!([
            {"id": "E1", "values": {"x": 99}}, {"id": "E2", "values": {"x": 95}},
            {"id": "E3", "values": {"x": 91}}, {"id": "E4", "values": {"x": 50}}
        ]);
        let people: Vec<Employee> =
            records.as_array().unwrap().iter().map(|r| Employee::from_value(r.clone()).unwrap()).collect();
        let population = scheme.calibrate(&scheme.score_many(&people)).unwrap();
        let entry = super::calibration_entry(&population, &records, "2026-07-01");
        assert_eq!(entry.kind, "calibration");
        assert_eq!(entry.scheme_hash.as_deref(), Some(scheme.hash()));
        // Half of four may be S: E3 (third by score) moves to B.
        assert_eq!(entry.event["moved"], serde_json::json!([{"id": "E3", "raw_grade": "S", "grade": "B", "rank": 3}]));
        assert_eq!(entry.event["members"], 4);
        let first = crate::audit::append(None, entry);
        assert!(crate::audit::verify(std::slice::from_ref(&first)).is_ok());
    }
}
