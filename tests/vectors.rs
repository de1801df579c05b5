//! Replays every acceptance vector (`spec/vectors/` and `../shared/spec/vectors/`)
//! through the core: the typed batch API and `score_json`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "support/vectors.rs"]
mod vectors;

use kaohe::{CompiledScheme, ErrorCode};

fn run_case(path: &std::path::Path) -> Vec<String> {
    let case = vectors::load(path);
    let scheme_text = case["scheme"].to_string();
    let employees_text = case["employees"].to_string();
    let mut diffs = Vec::new();
    let compiled = CompiledScheme::from_json(&scheme_text);
    if let Some(code) = case["expect"].get("scheme_error").and_then(|c| c.as_str()) {
        match compiled {
            Ok(_) => diffs.push(format!("expected scheme error {code}, the scheme loaded")),
            Err(errs) => {
                let want = ErrorCode::parse(code).expect("known code");
                if !errs.has(want) {
                    diffs.push(format!("expected scheme error {code}, got {errs}"));
                }
                if errs.errors.iter().any(|e| e.path.is_none() && e.line.is_none()) {
                    diffs.push(format!("a scheme error has no location: {errs}"));
                }
            }
        }
        match kaohe::score_json(&scheme_text, &employees_text) {
            Err(e) if e.code().as_str() == code || e.errors().iter().any(|x| x.code.as_str() == code) => {}
            other => diffs.push(format!("score_json: expected scheme error {code}, got {other:?}")),
        }
        return diffs;
    }
    let scheme = match compiled {
        Ok(s) => s,
        Err(e) => return vec![format!("the scheme did not load: {e}")],
    };
    let records = case["employees"].as_array().cloned().unwrap_or_default();
    let outcomes = scheme.score_values(records);
    let typed: serde_json::Value =
        serde_json::Value::Array(outcomes.iter().map(kaohe::result::outcome_to_json).collect());
    diffs.extend(vectors::compare(&case, &typed).into_iter().map(|d| format!("score_values: {d}")));
    match kaohe::score_json(&scheme_text, &employees_text) {
        Ok(text) => {
            let v: serde_json::Value = serde_json::from_str(&text).expect("score_json returns JSON");
            diffs.extend(vectors::compare(&case, &v).into_iter().map(|d| format!("score_json: {d}")));
        }
        Err(e) => diffs.push(format!("score_json failed: {e}")),
    }
    diffs
}

#[test]
fn every_vector_passes() {
    let files = vectors::vector_files();
    assert!(!files.is_empty(), "no vectors found");
    let mut failures = Vec::new();
    for f in &files {
        let diffs = run_case(f);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n    {}", f.display(), diffs.join("\n    ")));
        }
    }
    eprintln!("{} vector files replayed", files.len());
    assert!(failures.is_empty(), "{} of {} vector files failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn shared_vectors_are_present_in_this_checkout() {
    // The shared acceptance vectors sit beside the repository in CI and development.
    if vectors::shared_dir_exists() {
        assert!(vectors::vector_files().iter().any(|p| p.to_string_lossy().contains("shared/spec/vectors")));
    }
}
