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
        Ok(text) => {
            check("calibrate_json", &serde_json::from_str(&text).unwrap());
            // With no segment schemes, the bindings' path gives the same text.
            match kaohe::calibrate_segments_json::<&str>(&scheme_text, &employees_text, &[]) {
                Ok(t) if t == text => {}
                other => diffs.push(format!("calibrate_segments_json differs from calibrate_json: {other:?}")),
            }
        }
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

fn example(name: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/transfer");
    std::fs::read_to_string(root.join(name)).unwrap()
}

/// examples/transfer: T01 moved from 客服部 (the service scheme) to 销售部 (the sales
/// scheme) on 2026-04-01: 88.00 for 90 days and 95.00 for 91 days give
/// 16565 / 181 = 91.52, grade A from the sales bands, pay 10000 × 1.2 × 181/181 = 12000.00
/// (the figures of cli/tests/calibrate.rs, which calls the same function).
#[test]
fn a_transfer_between_schemes_through_calibrate_segments() {
    let (sales, service, people) = (example("sales.json"), example("service.json"), example("employees.json"));
    let text = kaohe::calibrate_segments_json(&sales, &people, &[&service]).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<&str> = json["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["S01", "T01", "S02", "S03"]);
    let t01 = &json["members"][1];
    assert_eq!(
        (t01["score"].as_str(), t01["grade"].as_str(), t01["days"].as_u64()),
        (Some("91.52"), Some("A"), Some(181))
    );
    assert_eq!(t01["pay"]["performance_pay"], "12000.00");
    assert_eq!(t01["segments"][0]["scheme"]["id"], "service-2026h1");

    // The typed path gives the same text, and so does scoring in batches.
    let main = CompiledScheme::from_json(&sales).unwrap();
    let others = [CompiledScheme::from_json(&service).unwrap()];
    let entries = kaohe::parse_employees(&people).unwrap();
    assert_eq!(main.calibrate_segments(&others, &entries).unwrap().to_json_string(), text);
    let mut seen = Vec::new();
    let batched = main.calibrate_segments_reporting(&others, &entries, 2, |n| seen.push(n)).unwrap();
    assert_eq!((batched.to_json_string(), seen), (text, vec![2, 2, 1]));

    // Without the service scheme T01's first segment names a scheme not given.
    let text = kaohe::calibrate_segments_json::<&str>(&sales, &people, &[]).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["members"].as_array().unwrap().len(), 3);
    assert_eq!(json["errors"][0]["id"], "T01");
    assert_eq!(json["errors"][0]["error"]["code"], "invalid_input");
    assert_eq!(json["errors"][0]["error"]["path"], "attributes.scheme");
}

#[test]
fn segment_schemes_are_checked() {
    let (sales, service, people) = (example("sales.json"), example("service.json"), example("employees.json"));
    // Only a scheme that prorates combines segments.
    let e = kaohe::calibrate_segments_json(&service, &people, &[&sales]).unwrap_err();
    assert_eq!((e.code(), e.errors()[0].path.as_deref()), (ErrorCode::InvalidScheme, Some("population.proration")));
    // One id@version once, the main scheme's included.
    let e = kaohe::calibrate_segments_json(&sales, &people, &[&service, &service]).unwrap_err();
    assert_eq!((e.code(), e.errors()[0].path.as_deref()), (ErrorCode::DuplicateId, Some("segment_schemes[1]")));
    assert!(e.to_string().contains("service-2026h1@1 is given twice"), "{e}");
    let e = kaohe::calibrate_segments_json(&sales, &people, &[&sales]).unwrap_err();
    assert_eq!(e.errors()[0].path.as_deref(), Some("segment_schemes[0]"));
    // A segment scheme that does not load: its problems under segment_schemes[i].
    let broken = service.replace("\"weight\": 60", "\"weight\": 50");
    let e = kaohe::calibrate_segments_json(&sales, &people, &[&broken]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::WeightsMismatch);
    assert!(e.errors().iter().all(|p| p.path.as_deref().is_some_and(|p| p.starts_with("segment_schemes[0]"))), "{e}");
}
