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

const SALES: &str = "examples/transfer/sales.json";
const SERVICE: &str = "examples/transfer/service.json";
const TRANSFER: &str = "examples/transfer/employees.json";

/// T01 moved from 客服部 (the service scheme) to 销售部 (the sales scheme) on 2026-04-01.
/// Service, 2026-01-01..03-31 = 90 days: satisfaction 4.4 / 5 × 60 = 52.80 and
/// resolution 0.792 / 0.9 × 40 = 35.20, so 88.00. Sales, 04-01..06-30 = 91 days:
/// 95 / 100 × 70 = 66.50 and 95 / 100 × 30 = 28.50, so 95.00. Combined:
/// (88.00 × 90 + 95.00 × 91) / 181 = 16565 / 181 = 91.519… → 91.52, grade A (85 ≤ 91.52 < 95)
/// from the sales bands, pay 10000 × 1.2 × 181/181 = 12000.00.
#[test]
fn a_mid_cycle_transfer_between_two_schemes() {
    let o = kaohe(&["calibrate", SALES, TRANSFER, "--segment-scheme", SERVICE, "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let json: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let members = json["members"].as_array().unwrap();
    let ids: Vec<&str> = members.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["S01", "T01", "S02", "S03"]);
    let t01 = &members[1];
    assert_eq!(t01["score"], "91.52");
    assert_eq!((&t01["raw_grade"], &t01["grade"], t01["days"].as_u64()), (&"A".into(), &"A".into(), Some(181)));
    assert_eq!(t01["group"], serde_json::json!(["销售部"]));
    assert_eq!(t01["pay"]["performance_pay"], "12000.00");
    let segs = t01["segments"].as_array().unwrap();
    let got: Vec<(&str, u64, &str, &str)> = segs
        .iter()
        .map(|s| {
            (
                s["from"].as_str().unwrap(),
                s["days"].as_u64().unwrap(),
                s["score"].as_str().unwrap(),
                s["scheme"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("2026-01-01", 90, "88.00", "service-2026h1"), ("2026-04-01", 91, "95.00", "sales-2026h1")]);
    assert_eq!(json["scheme"]["id"], "sales-2026h1");

    // The table shows the segments; a CSV row per member.
    let table = out(&kaohe(&["calibrate", SALES, TRANSFER, "--segment-scheme", SERVICE]));
    let row = table.lines().find(|l| l.contains("T01")).unwrap();
    assert!(
        row.contains("91.52") && row.contains("分段 客服部（service-2026h1）90 天 88.00 + 销售部 91 天 95.00"),
        "{row}"
    );

    // Without the service scheme the service segment names a scheme not given: T01 fails
    // as a whole (not ranked on its 91 sales days alone), the others are calibrated.
    let o = kaohe(&["calibrate", SALES, TRANSFER, "-f", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(json["members"].as_array().unwrap().len(), 3);
    assert_eq!(json["errors"][0]["id"], "T01");
    assert_eq!(json["errors"][0]["error"]["path"], "attributes.scheme");
    assert!(json["errors"][0]["error"]["message"].as_str().unwrap().contains("'service-2026h1'"));
}

#[test]
fn segment_schemes_are_checked() {
    // The main scheme must prorate, and a scheme may not be given twice.
    let o = kaohe(&["calibrate", SERVICE, TRANSFER, "--segment-scheme", SALES]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("population.proration"), "{}", err(&o));
    let o = kaohe(&["calibrate", SALES, TRANSFER, "--segment-scheme", SERVICE, "--segment-scheme", SERVICE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("service-2026h1@1 is given twice"), "{}", err(&o));
    // A record naming a version not given fails in place, naming the schemes given.
    let people =
        std::fs::read_to_string(root().join(TRANSFER)).unwrap().replace("\"service-2026h1\"", "\"service-2026h1@2\"");
    let people = tmp("transfer-v2.json", &people);
    let o = kaohe(&["calibrate", SALES, people.to_str().unwrap(), "--segment-scheme", SERVICE, "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("sales-2026h1@1, service-2026h1@1"), "{}", out(&o));
}

#[test]
fn explain_shows_the_segments_of_a_transfer() {
    let zh = kaohe(&["explain", SALES, TRANSFER, "--segment-scheme", SERVICE, "-e", "T01"]);
    assert_eq!(zh.status.code(), Some(0), "{}", err(&zh));
    let text = out(&zh);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "T01 · 销售部上半年考核：总分 91.52，等级 A（绩效系数 1.2）");
    assert_eq!(
        lines[1],
        "  分段：客服部（客服部上半年考核） 90 天 88.00 分 + 销售部（销售部上半年考核） 91 天 95.00 分，按天数加权 = 91.52 分（16565 / 181）"
    );
    assert_eq!(lines[2], "第 1 段：客服部（客服部上半年考核），2026-01-01 至 2026-03-31，90 天");
    // Each segment explained under its own scheme.
    assert!(text.contains("    客户满意度 4.4，目标 5，达成 88%，得 52.80 分（权重 60）"), "{text}");
    assert!(text.contains("第 2 段：销售部（销售部上半年考核），2026-04-01 至 2026-06-30，91 天"), "{text}");
    assert!(text.contains("    业绩 95，目标 100，达成 95%，得 66.50 分（权重 70）"), "{text}");

    let en = out(&kaohe(&["explain", SALES, TRANSFER, "--segment-scheme", SERVICE, "-e", "T01", "--lang", "en"]));
    assert!(en.starts_with("T01 · Sales, H1: score 91.52, grade A (coefficient 1.2)\n"), "{en}");
    assert!(
        en.contains("  Segments: 客服部 (Customer service, H1) 90 days 88.00 + 销售部 (Sales, H1) 91 days 95.00, weighted by days = 91.52 (16565 / 181)"),
        "{en}"
    );
    assert!(en.contains("Segment 2: 销售部 (Sales, H1), 2026-04-01 to 2026-06-30, 91 days"), "{en}");

    let o = kaohe(&["explain", SALES, TRANSFER, "--segment-scheme", SERVICE, "-e", "T01", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!((&json["card"]["score"], &json["card"]["grade"]), (&"91.52".into(), &"A".into()));
    let p = &json["proration"];
    assert_eq!((p["cycle_days"].as_u64(), p["days"].as_u64()), (Some(181), Some(181)));
    assert_eq!((&p["weighted_sum"], &p["score"]), (&"16565.00".into(), &"91.52".into()));
    let segs = p["segments"].as_array().unwrap();
    assert_eq!(segs[0]["attributes"]["department"], "客服部");
    assert_eq!((&segs[0]["days"], &segs[0]["score"]), (&90.into(), &"88.00".into()));
    assert_eq!(segs[0]["scheme"]["id"], "service-2026h1");
    assert_eq!(segs[0]["card"]["indicators"][0]["points"], "52.80");
    assert_eq!(segs[1]["scheme"]["id"], "sales-2026h1");
    assert_eq!(json["text"], text.as_str());

    // Without the service scheme the segment cannot be scored: exit 1, the reason named.
    let o = kaohe(&["explain", SALES, TRANSFER, "-e", "T01"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("T01: [invalid_input] attributes.scheme"), "{}", err(&o));
}

#[test]
fn explain_within_one_scheme_and_for_a_joiner() {
    // T01 of the calibration example moved between departments under one scheme:
    // (89.20 × 90 + 93.50 × 91) / 181 = 16536.5 / 181 = 91.36.
    let text = out(&kaohe(&["explain", SCHEME, EMPLOYEES, "-e", "T01"]));
    assert!(
        text.contains(
            "  分段：客服部 90 天 89.20 分 + 销售部 91 天 93.50 分，按天数加权 = 91.36 分（16536.5 / 181）\n"
        ),
        "{text}"
    );
    // X07 joined on 03-01: one segment, its own explanation and the days counted.
    let text = out(&kaohe(&["explain", SCHEME, EMPLOYEES, "-e", "X07"]));
    assert!(text.ends_with("  计入天数：122 / 181 天（2026-03-01 至 2026-06-30）\n"), "{text}");
    let en = out(&kaohe(&["explain", SCHEME, EMPLOYEES, "-e", "X07", "--lang", "en"]));
    assert!(en.ends_with("  Days counted: 122 of 181 (2026-03-01 to 2026-06-30)\n"), "{en}");
    // Someone present all cycle: the plain explanation, and JSON with one segment.
    let o = kaohe(&["explain", SCHEME, EMPLOYEES, "-e", "R02", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(json["proration"]["segments"].as_array().unwrap().len(), 1);
    assert!(!json["text"].as_str().unwrap().contains("计入天数"));
}

#[test]
fn explain_json_is_what_the_core_gives_every_binding() {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
    for (lang, tag) in [(kaohe::Lang::Zh, "zh"), (kaohe::Lang::En, "en")] {
        let o = kaohe(&["explain", SALES, TRANSFER, "--segment-scheme", SERVICE, "-e", "T01", "--json", "--lang", tag]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        let core = kaohe::explain_json(&read(SALES), &read(TRANSFER), "T01", lang, &[read(SERVICE)]).unwrap();
        assert_eq!(out(&o), format!("{core}\n"));
    }
}
