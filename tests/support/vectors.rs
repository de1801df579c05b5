//! Shared by the Rust test suites: finding the acceptance vectors and comparing
//! results with a vector's expectations (decimals compare as decimals).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::str::FromStr;

use kaohe::Decimal;
use serde_json::Value;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Every vector file: the project's own `spec/vectors/`, then `../shared/spec/vectors/` when it exists.
pub fn vector_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [root().join("spec/vectors"), root().join("../shared/spec/vectors")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// The `.json` files of a vector subdirectory (`spec/vectors/<dir>/`), sorted.
pub fn files_in(dir: &str) -> Vec<PathBuf> {
    let path = root().join("spec/vectors").join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    out.sort();
    out
}

/// Pushes to `diffs` every way `got` differs from `want`, which lists only what it
/// checks: every key of an expected object must hold the expected value, an expected
/// array must match element by element, an expected `null` matches an absent value,
/// `null` or an empty array, and decimals compare as decimals (`"1.50"` = `1.5`).
pub fn subset(want: &Value, got: &Value, path: &str, diffs: &mut Vec<String>) {
    match want {
        Value::Object(w) => {
            for (k, wv) in w {
                subset(wv, got.get(k).unwrap_or(&Value::Null), &format!("{path}.{k}"), diffs);
            }
        }
        Value::Array(w) => {
            let g = got.as_array().map(Vec::as_slice).unwrap_or_default();
            if w.len() != g.len() {
                diffs.push(format!("{path}: expected {} items, got {}: {got}", w.len(), g.len()));
                return;
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                subset(wv, gv, &format!("{path}[{i}]"), diffs);
            }
        }
        Value::Null => {
            if !(got.is_null() || got.as_array().is_some_and(Vec::is_empty)) {
                diffs.push(format!("{path}: expected nothing, got {got}"));
            }
        }
        w => {
            if !same(w, got) {
                diffs.push(format!("{path}: expected {w}, got {got}"));
            }
        }
    }
}

pub fn shared_dir_exists() -> bool {
    root().join("../shared/spec/vectors").is_dir()
}

pub fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A JSON number or a string spelling one, as a decimal.
pub fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::from_str(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

fn same(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (w, g) => match (dec(w), dec(g)) {
            (Some(a), Some(b)) => a == b,
            _ => w == g,
        },
    }
}

/// Compares results (the JSON array the CLI prints) with a vector's `expect.results`.
/// Returns the differences, empty when they agree.
pub fn compare(case: &Value, results: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let want = case["expect"]["results"].as_array().cloned().unwrap_or_default();
    let got = results.as_array().cloned().unwrap_or_default();
    if want.len() != got.len() {
        diffs.push(format!("expected {} results, got {}", want.len(), got.len()));
        return diffs;
    }
    for (w, g) in want.iter().zip(&got) {
        let id = w["id"].as_str().unwrap_or("?");
        if g["id"] != w["id"] {
            diffs.push(format!("{id}: result id is {}", g["id"]));
            continue;
        }
        if let Some(code) = w.get("error") {
            let got_code = &g["error"]["code"];
            if got_code != code {
                diffs.push(format!(
                    "{id}: expected error {code}, got {}",
                    if g.get("error").is_some() { got_code.to_string() } else { format!("score {}", g["score"]) }
                ));
            }
            continue;
        }
        if g.get("error").is_some() {
            diffs.push(format!("{id}: expected a score, got error {}", g["error"]));
            continue;
        }
        for field in ["score", "grade", "coefficient", "subtotal"] {
            if !same(&w[field], &g[field]) {
                diffs.push(format!("{id}.{field}: expected {}, got {}", w[field], g[field]));
            }
        }
        let lines = g["indicators"].as_array().cloned().unwrap_or_default();
        let find = |key: &str| lines.iter().find(|l| l["id"] == key).cloned();
        for (key, field) in [("points", "points"), ("status", "status")] {
            let Some(map) = w[key].as_object() else {
                continue;
            };
            if map.len() != lines.len() {
                diffs.push(format!("{id}.{key}: expected {} indicators, got {}", map.len(), lines.len()));
            }
            for (ind, wv) in map {
                match find(ind) {
                    Some(line) if same(wv, &line[field]) => {}
                    Some(line) => diffs.push(format!("{id}.{key}.{ind}: expected {wv}, got {}", line[field])),
                    None => diffs.push(format!("{id}.{key}.{ind}: indicator missing from the result")),
                }
            }
        }
        if let Some(map) = w["adjustments"].as_object() {
            let adjs = g["adjustments"].as_array().cloned().unwrap_or_default();
            if map.len() != adjs.len() {
                diffs.push(format!("{id}.adjustments: expected {} evaluated, got {}", map.len(), adjs.len()));
            }
            for (adj, applied) in map {
                match adjs.iter().find(|a| a["id"] == adj.as_str()) {
                    Some(a) if a["applied"] == *applied => {}
                    Some(a) => diffs.push(format!("{id}.adjustments.{adj}: expected {applied}, got {}", a["applied"])),
                    None => diffs.push(format!("{id}.adjustments.{adj}: not in the result")),
                }
            }
        }
    }
    diffs
}
