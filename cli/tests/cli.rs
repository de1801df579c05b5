//! The command line, end to end: every vector through `kaohe score --format json`,
//! exit codes, formats, CSV input, and explanations.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../../tests/support/vectors.rs"]
mod vectors;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kaohe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaohe")).args(args).current_dir(vectors::root()).output().expect("run kaohe")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kaohe-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_vector_through_the_cli() {
    let mut failures = Vec::new();
    for (i, file) in vectors::vector_files().iter().enumerate() {
        let case = vectors::load(file);
        let scheme = tmp(&format!("s{i}.json"), &case["scheme"].to_string());
        let employees = tmp(&format!("e{i}.json"), &case["employees"].to_string());
        let out = kaohe(&["score", s(&scheme), s(&employees), "--format", "json"]);
        if let Some(code) = case["expect"].get("scheme_error").and_then(|c| c.as_str()) {
            let err = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(1) || !err.contains(&format!("[{code}]")) {
                failures.push(format!(
                    "{}: expected scheme error {code}, exit {:?}, stderr {err}",
                    file.display(),
                    out.status.code()
                ));
            }
            let check = kaohe(&["check", s(&scheme)]);
            if check.status.code() != Some(1) || !stdout(&check).contains(&format!("[{code}]")) {
                failures.push(format!("{}: check should report {code}", file.display()));
            }
            continue;
        }
        let results: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: output is not JSON: {e}", file.display()));
                continue;
            }
        };
        let diffs = vectors::compare(&case, &results);
        if !diffs.is_empty() {
            failures.push(format!("{}: {}", file.display(), diffs.join("; ")));
        }
        let any_error = case["expect"]["results"].as_array().unwrap().iter().any(|r| r.get("error").is_some());
        if out.status.code() != Some(if any_error { 1 } else { 0 }) {
            failures.push(format!("{}: exit code {:?}", file.display(), out.status.code()));
        }
        // The conformance text of the core is exactly what the CLI prints.
        let text = kaohe::score_json(&case["scheme"].to_string(), &case["employees"].to_string()).unwrap();
        if stdout(&out) != format!("{text}\n") {
            failures.push(format!("{}: score_json differs from the CLI output", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn photo_studio_table_and_explanation() {
    let out = kaohe(&["score", "examples/photo-studio/scheme.json", "examples/photo-studio/employees.json"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("客户转化率"), "{text}");
    assert!(text.contains("E003") && text.contains("90.00"), "{text}");
    let out = kaohe(&[
        "explain",
        "examples/photo-studio/scheme.json",
        "examples/photo-studio/employees.json",
        "--employee",
        "E001",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("客户转化率 45.00%，目标 40.00%，达成 100%，得 30.00 分（权重 30）"),
        "{}",
        stdout(&out)
    );
    let out = kaohe(&[
        "explain",
        "examples/photo-studio/scheme.json",
        "examples/photo-studio/employees.json",
        "--employee",
        "E003",
        "--lang",
        "en",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("Conversion rate 45.00%, target 40.00%, achievement 100%, 30.00 points (weight 30)"),
        "{text}"
    );
    assert!(text.contains("late_count > 3 holds"), "{text}");
    assert!(text.contains("Grade A"), "{text}");
}

#[test]
fn csv_and_json_inputs_agree_for_every_example() {
    for dir in std::fs::read_dir(vectors::root().join("examples")).unwrap() {
        let dir = dir.unwrap().path();
        let (scheme, json, csv) = (dir.join("scheme.json"), dir.join("employees.json"), dir.join("employees.csv"));
        if !(scheme.exists() && json.exists() && csv.exists()) {
            continue;
        }
        let a = kaohe(&["score", s(&scheme), s(&json), "--format", "json"]);
        let b = kaohe(&["score", s(&scheme), s(&csv), "--format", "json"]);
        assert_eq!(a.status.code(), Some(0), "{}: {}", dir.display(), String::from_utf8_lossy(&a.stderr));
        let strip = |o: &Output| {
            let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            for r in v.as_array_mut().unwrap() {
                r.as_object_mut().unwrap().remove("attributes");
                for line in r["indicators"].as_array_mut().unwrap() {
                    line.as_object_mut().unwrap().remove("actual");
                }
            }
            v
        };
        assert_eq!(strip(&a), strip(&b), "{}", dir.display());
    }
}

#[test]
fn yaml_scheme_scores_like_json() {
    let a =
        kaohe(&["score", "examples/photo-studio/scheme.json", "examples/photo-studio/employees.json", "-f", "json"]);
    let b =
        kaohe(&["score", "examples/photo-studio/scheme.yaml", "examples/photo-studio/employees.json", "-f", "json"]);
    assert!(stdout(&a) == stdout(&b), "the YAML copy of the photo-studio scheme scores differently");
}

#[test]
fn formats_jsonl_and_csv() {
    let out =
        kaohe(&["score", "examples/photo-studio/scheme.json", "examples/photo-studio/employees.json", "-f", "jsonl"]);
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 8);
    assert_eq!(lines[2]["score"], "90.00");
    let out =
        kaohe(&["score", "examples/photo-studio/scheme.json", "examples/photo-studio/employees.json", "-f", "csv"]);
    let text = stdout(&out);
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some(
            "id,score,grade,coefficient,subtotal,points.conversion,points.satisfaction,points.repeat,applied.lateness,error_code,error_message"
        )
    );
    assert_eq!(rows.next(), Some("E001,100.00,S,1.5,100.00,30.00,40.00,30.00,false,,"));
}

#[test]
fn exit_codes() {
    // A failed employee: the others are still written, exit 1.
    let scheme = tmp(
        "x.json",
        r#"{"id":"x","version":"1","name":"X","inputs":{"a":{"type":"number","max":10}},
        "indicators":[{"id":"a","name":"A","weight":100,"value":"a","scoring":{"type":"ratio","target":10}}]}"#,
    );
    let emps = tmp(
        "x-e.json",
        r#"[{"id":"ok","values":{"a":5}},{"id":"bad","values":{"a":50}},{"id":"ok2","values":{"a":10}}]"#,
    );
    let out = kaohe(&["score", s(&scheme), s(&emps), "-f", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[1]["error"]["code"], "invalid_input");
    assert_eq!(v[1]["error"]["path"], "values.a");
    assert_eq!(v[2]["score"], "100.00");
    // Usage errors: exit 2.
    assert_eq!(kaohe(&["score"]).status.code(), Some(2));
    assert_eq!(kaohe(&["score", s(&scheme), "/nonexistent.json"]).status.code(), Some(2));
    assert_eq!(kaohe(&["explain", s(&scheme), s(&emps), "--employee", "ok", "--lang", "fr"]).status.code(), Some(2));
    // Unknown employee: exit 1 with its code.
    let out = kaohe(&["explain", s(&scheme), s(&emps), "--employee", "nobody"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown_employee"));
}

#[test]
fn check_reports_every_problem_with_code_and_path() {
    let scheme = tmp(
        "bad.json",
        r#"{"id":"bad","version":"1","name":"Bad",
        "inputs":{"x":{"type":"number"}},
        "derived":{"a":"b + x","b":"a * 2","c":"x +"},
        "indicators":[
          {"id":"g","name":"G","weight":90,"indicators":[
            {"id":"i1","name":"I1","weight":50,"value":"x","scoring":{"type":"ratio","target":1}},
            {"id":"i1","name":"I1 again","weight":40,"value":"y","scoring":{"type":"ratio","target":1}}]}],
        "adjustments":[{"id":"v","name":"V","veto":true,"grade":"Z"}]}"#,
    );
    let out = kaohe(&["check", s(&scheme)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    for needle in [
        "[script_compile] derived.c",
        "[weights_mismatch] indicators: the top-level weights sum to 90, not 100",
        "[weights_mismatch] indicators[0].indicators: the weights in group 'g' sum to 90, not 100",
        "[duplicate_id] indicators[0].indicators[1].id",
        "[unknown_name] indicators[0].indicators[1].value (line 1, column 1)",
        "[invalid_scheme] adjustments[0].grade",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn dependency_cycles_are_named() {
    let scheme = tmp(
        "cyc.json",
        r#"{"id":"c","version":"1","name":"C","inputs":{"x":{"type":"number"}},
        "derived":{"a":"b + x","b":"a * 2"},
        "indicators":[{"id":"i","name":"I","weight":100,"value":"a","scoring":{"type":"ratio","target":1}}]}"#,
    );
    let text = stdout(&kaohe(&["check", s(&scheme)]));
    assert!(
        text.contains("[dependency_cycle] derived.a: derived values depend on each other in a cycle: a -> b -> a"),
        "{text}"
    );
}

#[test]
fn diff_names_the_retention_reweighting() {
    let out = kaohe(&[
        "diff",
        "examples/retention-whatif/scheme-v1.json",
        "examples/retention-whatif/scheme-v2.json",
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("re-weighted 10 → 25"), "{text}");
    let same =
        kaohe(&["diff", "examples/photo-studio/scheme.json", "examples/photo-studio/scheme.yaml", "--lang", "en"]);
    assert_eq!(stdout(&same).trim(), "no changes");
}

#[test]
fn audit_verify_finds_the_tampered_entry() {
    let mut entries: Vec<kaohe::audit::AuditEntry> = Vec::new();
    for i in 0..3 {
        let e = kaohe::audit::append(
            entries.last(),
            kaohe::audit::NewEntry {
                kind: "publication".into(),
                at: format!("2026-11-0{}T09:00:00+08:00", i + 1),
                scheme_hash: None,
                inputs_hash: None,
                event: serde_json::json!({"n": i}),
            },
        );
        entries.push(e);
    }
    let text: String = entries.iter().map(|e| serde_json::to_string(e).unwrap() + "\n").collect();
    let ok = tmp("audit.jsonl", &text);
    let out = kaohe(&["audit", "verify", s(&ok)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let bad = tmp("audit-bad.jsonl", &text.replacen("\"n\":1", "\"n\":7", 1));
    let out = kaohe(&["audit", "verify", s(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("broken at line 2"), "{}", stdout(&out));
}
