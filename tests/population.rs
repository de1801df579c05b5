//! Replays the population vectors (`spec/vectors/population/*.json`): ranking, forced
//! distribution, pay, proration and roll-up, through `CompiledScheme::calibrate` and
//! `calibrate_json`. Expected values are hand-computed; an expected object lists only
//! the fields it checks, an expected array must match element by element.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "support/vectors.rs"]
mod vectors;

use kaohe::{CompiledScheme, ErrorCode};
use serde_json::Value;

fn run(path: &std::path::Path) -> Vec<String> {
    let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(case["description"].as_str().is_some_and(|d| d.len() > 20), "{}: no description", path.display());
    let scheme_text = case["scheme"].to_string();
    let employees_text = case["employees"].to_string();
    let expect = &case["expect"];
    let mut diffs = Vec::new();
    let compiled = CompiledScheme::from_json(&scheme_text);
    if let Some(want) = expect.get("scheme_errors") {
        match compiled {
            Ok(_) => diffs.push("expected scheme errors, the scheme loaded".to_owned()),
            Err(errs) => {
                let got = serde_json::to_value(&errs.errors).unwrap();
                vectors::subset(want, &got, "scheme_errors", &mut diffs);
            }
        }
        return diffs;
    }
    let scheme = match compiled {
        Ok(s) => s,
        Err(e) => return vec![format!("the scheme did not load: {e}")],
    };
    let outcomes = scheme.score_values(case["employees"].as_array().cloned().unwrap_or_default());
    let result = scheme.calibrate(&outcomes);
    if let Some(want) = expect.get("error") {
        match result {
            Ok(_) => diffs.push("expected an error, calibration succeeded".to_owned()),
            Err(e) => {
                let code = ErrorCode::parse(want["code"].as_str().unwrap()).unwrap();
                if e.code != code {
                    diffs.push(format!("expected {code}, got {e}"));
                }
                if let Some(p) = want.get("path") {
                    vectors::subset(p, &Value::from(e.path.clone()), "error.path", &mut diffs);
                }
                if let Some(m) = want["message_contains"].as_str() {
                    if !e.message.contains(m) {
                        diffs.push(format!("the message does not name '{m}': {}", e.message));
                    }
                }
            }
        }
        match kaohe::population::calibrate_json(&scheme_text, &employees_text) {
            Err(e) if e.code().as_str() == want["code"].as_str().unwrap() => {}
            other => diffs.push(format!("calibrate_json: expected an error, got {other:?}")),
        }
        return diffs;
    }
    let population = match result {
        Ok(p) => p,
        Err(e) => return vec![format!("calibration failed: {e}")],
    };
    let typed = serde_json::to_value(&population).unwrap();
    let mut check = |label: &str, got: &Value| {
        for key in ["members", "distribution", "rollup", "pool", "errors"] {
            if let Some(want) = expect.get(key) {
                let got_key = got.get(key).unwrap_or(&Value::Null);
                let mut d = Vec::new();
                vectors::subset(want, got_key, key, &mut d);
                diffs.extend(d.into_iter().map(|x| format!("{label}: {x}")));
            }
        }
    };
    check("calibrate", &typed);
    match kaohe::population::calibrate_json(&scheme_text, &employees_text) {
        Ok(text) => check("calibrate_json", &serde_json::from_str(&text).unwrap()),
        Err(e) => diffs.push(format!("calibrate_json failed: {e}")),
    }
    diffs
}

#[test]
fn every_population_vector_passes() {
    let files = vectors::files_in("population");
    assert!(files.len() >= 10, "population vectors missing");
    let mut failures = Vec::new();
    for f in &files {
        let diffs = run(f);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n    {}", f.display(), diffs.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} files failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn the_comparison_can_fail() {
    let mut d = Vec::new();
    vectors::subset(
        &serde_json::json!({"a": "1.50", "b": [1]}),
        &serde_json::json!({"a": "1.5", "b": [2]}),
        "x",
        &mut d,
    );
    assert_eq!(d.len(), 1, "{d:?}");
}
