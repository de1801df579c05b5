//! Replays the population vectors (`spec/vectors/population/*.json`): ranking, forced
//! distribution, pay, proration and roll-up, through `CompiledScheme::calibrate` and
//! `calibrate_json`. Expected values are hand-computed; an expected object lists only
//! the fields it checks, an expected array must match element by element.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::str::FromStr;

use kaohe::{CompiledScheme, Decimal, ErrorCode};
use serde_json::Value;

fn files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/vectors/population");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    out.sort();
    out
}

fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::from_str(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

/// Differences between `want` (a subset) and `got`, each prefixed by its path.
fn subset(path: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
    match want {
        Value::Object(w) => {
            for (k, wv) in w {
                let gv = got.get(k).unwrap_or(&Value::Null);
                subset(&format!("{path}.{k}"), wv, gv, out);
            }
        }
        Value::Array(w) => {
            let g = got.as_array().cloned().unwrap_or_default();
            if w.len() != g.len() {
                out.push(format!("{path}: expected {} entries, got {}: {got}", w.len(), g.len()));
                return;
            }
            for (i, (wv, gv)) in w.iter().zip(&g).enumerate() {
                subset(&format!("{path}[{i}]"), wv, gv, out);
            }
        }
        Value::Null => {
            let empty = got.is_null() || got.as_array().is_some_and(Vec::is_empty);
            if !empty {
                out.push(format!("{path}: expected nothing, got {got}"));
            }
        }
        w => {
            let same = match (dec(w), dec(got)) {
                (Some(a), Some(b)) => a == b,
                _ => w == got,
            };
            if !same {
                out.push(format!("{path}: expected {w}, got {got}"));
            }
        }
    }
}

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
                subset("scheme_errors", want, &got, &mut diffs);
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
                    subset("error.path", p, &Value::from(e.path.clone()), &mut diffs);
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
                subset(key, want, got_key, &mut d);
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
    let files = files();
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
    subset("x", &serde_json::json!({"a": "1.50", "b": [1]}), &serde_json::json!({"a": "1.5", "b": [2]}), &mut d);
    assert_eq!(d.len(), 1, "{d:?}");
}
