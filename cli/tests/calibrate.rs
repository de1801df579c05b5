//! `kaohe calibrate` end to end: every population vector through `--format json`
//! (the same text as `kaohe::population::calibrate_json`), the bundled example as a
//! table and as CSV, and the exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn kaohe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaohe")).args(args).current_dir(root()).output().expect("run kaohe")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kaohe-calibrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const SCHEME: &str = "examples/calibration/scheme.json";
const EMPLOYEES: &str = "examples/calibration/employees.json";

#[test]
fn every_population_vector_through_the_cli() {
    let dir = root().join("spec/vectors/population");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    for (i, f) in files.iter().enumerate() {
        let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let scheme = tmp(&format!("s{i}.json"), &case["scheme"].to_string());
        let employees = tmp(&format!("e{i}.json"), &case["employees"].to_string());
        let o = kaohe(&["calibrate", scheme.to_str().unwrap(), employees.to_str().unwrap(), "--format", "json"]);
        let expect = &case["expect"];
        if let Some(errors) = expect.get("scheme_errors") {
            assert_eq!(o.status.code(), Some(1), "{}", f.display());
            for e in errors.as_array().unwrap() {
                let needle = format!("[{}] {}", e["code"].as_str().unwrap(), e["path"].as_str().unwrap());
                assert!(err(&o).contains(&needle), "{}: {needle} not in {}", f.display(), err(&o));
            }
            continue;
        }
        if let Some(e) = expect.get("error") {
            assert_eq!(o.status.code(), Some(1), "{}", f.display());
            assert!(err(&o).contains(&format!("[{}]", e["code"].as_str().unwrap())), "{}", err(&o));
            continue;
        }
        let want =
            kaohe::population::calibrate_json(&case["scheme"].to_string(), &case["employees"].to_string()).unwrap();
        assert_eq!(out(&o), format!("{want}\n"), "{}", f.display());
        let failed = expect.get("errors").is_some_and(|e| e.as_array().is_some_and(|a| !a.is_empty()));
        assert_eq!(o.status.code(), Some(i32::from(failed)), "{}: {}", f.display(), err(&o));
    }
}

#[test]
fn the_example_as_a_table() {
    let o = kaohe(&["calibrate", SCHEME, EMPLOYEES]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    for needle in ["排名", "原等级", "校准", "绩效工资", "校准说明", "销售部", "研发部", "客服部"]
    {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    // R02 ranks 2nd of 6 in 研发部, where only one S fits (0.6 S seats win a largest remainder).
    let r02 = text.lines().find(|l| l.contains("R02")).unwrap();
    assert!(r02.contains("S→A 配额1≤1（组内第 2/6 名）"), "{r02}");
    assert!(text.contains("分布 职能部：3 人，少于最小人数，不强制分布"), "{text}");
    // The mid-cycle joiner is counted for 122 of 181 days.
    let x07 = text.lines().find(|l| l.contains("X07")).unwrap();
    assert!(x07.contains(" 122 "), "{x07}");
    // T01 moved on 04-01: (89.20 × 90 + 93.50 × 91) / 181 = 91.3619… → 91.36, segments shown.
    let t01 = text.lines().find(|l| l.contains("T01")).unwrap();
    assert!(t01.contains("91.36") && t01.contains("分段 客服部 90 天 89.20 + 销售部 91 天 93.50"), "{t01}");

    let en = out(&kaohe(&["calibrate", SCHEME, EMPLOYEES, "--lang", "en"]));
    assert!(en.contains("why") && en.contains("S→A quota 1 ≤1 (2 of 6 in group)"), "{en}");
}

#[test]
fn the_example_as_csv_and_json() {
    let o = kaohe(&["calibrate", SCHEME, EMPLOYEES, "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    let text = out(&o);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("rank,id,group,score,percentile,group_rank,group_percentile,raw_grade,grade,coefficient,moves,days,base,department_coefficient,performance_pay"), "{header}");
    assert_eq!(lines.count(), 23, "one row per employee (T01's two segments are one)");

    let json: serde_json::Value =
        serde_json::from_str(&out(&kaohe(&["calibrate", SCHEME, EMPLOYEES, "-f", "json"]))).unwrap();
    let members = json["members"].as_array().unwrap();
    assert_eq!(members.len(), 23);
    let t01 = members.iter().find(|m| m["id"] == "T01").unwrap();
    assert_eq!(t01["segments"].as_array().unwrap().len(), 2);
    assert_eq!(t01["group"], serde_json::json!(["销售部"]));
    assert_eq!(json["distribution"].as_array().unwrap().len(), 4);
}

#[test]
fn infeasible_head_counts_fail_with_the_group_named() {
    let f = root().join("spec/vectors/population/infeasible-group.json");
    let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
    let scheme = tmp("inf-s.json", &case["scheme"].to_string());
    let employees = tmp("inf-e.json", &case["employees"].to_string());
    let o = kaohe(&["calibrate", scheme.to_str().unwrap(), employees.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("[quota_infeasible] population.distribution.quotas"), "{}", err(&o));
    assert!(err(&o).contains("department=small"), "{}", err(&o));
    assert!(out(&o).is_empty());
}

#[test]
fn failed_employees_are_listed_and_the_rest_written() {
    let scheme = tmp(
        "bad-s.json",
        r#"{"id": "x", "version": "1", "name": "x", "inputs": {"kpi": {"type": "number"}},
            "indicators": [{"id": "kpi", "name": "KPI", "weight": 100, "value": "kpi",
                            "scoring": {"type": "ratio", "target": 100}}]}"#,
    );
    let employees = tmp("bad-e.json", r#"[{"id": "a", "values": {"kpi": 50}}, {"id": "b", "values": {}}]"#);
    let o = kaohe(&["calibrate", scheme.to_str().unwrap(), employees.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("b: [missing_input]"), "{}", out(&o));
    assert!(err(&o).contains("1 calibrated, 1 failed"), "{}", err(&o));
}

#[test]
fn calibrations_go_into_the_audit_log() {
    const SCHEME: &str = "examples/calibration/scheme.json";
    const PEOPLE: &str = "examples/calibration/employees.json";
    let log = std::env::temp_dir().join(format!("kaohe-calibrate-audit-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let log_s = log.to_str().unwrap();
    // --audit needs --at: the CLI writes the time it is told, never its own clock.
    assert_eq!(kaohe(&["calibrate", SCHEME, PEOPLE, "--audit", log_s]).status.code(), Some(2));
    for at in ["2026-07-01", "2026-07-02"] {
        let o = kaohe(&["calibrate", SCHEME, PEOPLE, "-f", "json", "--audit", log_s, "--at", at]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let entries: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["kind"], "calibration");
    assert_eq!(entries[1]["prev"], entries[0]["hash"]);
    // Every move of the result is in the entry.
    let result: serde_json::Value =
        serde_json::from_str(&out(&kaohe(&["calibrate", SCHEME, PEOPLE, "-f", "json"]))).unwrap();
    let moved = result["members"].as_array().unwrap().iter().filter(|m| m["raw_grade"] != m["grade"]).count();
    assert!(moved > 0);
    assert_eq!(entries[0]["event"]["moved"].as_array().unwrap().len(), moved);
    let verify = kaohe(&["audit", "verify", log_s]);
    assert_eq!(verify.status.code(), Some(0), "{}", out(&verify));
    // A changed byte in the calibration entry is found.
    std::fs::write(&log, text.replacen("\"calibration\"", "\"calibratioN\"", 1)).unwrap();
    assert_eq!(kaohe(&["audit", "verify", log_s]).status.code(), Some(1));
}
