//! `kaohe analyze`, `kaohe whatif` and `kaohe report`, end to end.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../../tests/support/vectors.rs"]
mod vectors;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn kaohe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaohe")).args(args).current_dir(vectors::root()).output().expect("run kaohe")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kaohe-analytics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const V1: &str = "examples/retention-whatif/scheme-v1.json";
const V2: &str = "examples/retention-whatif/scheme-v2.json";
const REGIONS: &str = "examples/retail-regions/employees.json";

#[test]
fn analyze_json_finds_the_planted_errors() {
    let out = kaohe(&["analyze", V1, REGIONS, "--by", "department", "--json", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let a = json(&out);
    assert_eq!(a["scored"], 48);
    assert_eq!(a["by"], "department");
    let groups: Vec<&str> = a["groups"].as_array().unwrap().iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert_eq!(groups, ["华东区", "华南区", "华北区", "西南区"]);
    let flagged: Vec<(&str, &str)> = a["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["id"].as_str().unwrap(), x["input"].as_str().unwrap()))
        .collect();
    assert!(flagged.contains(&("R0015", "sales")), "{flagged:?}");
    assert!(flagged.contains(&("R0031", "training_sessions")), "{flagged:?}");
    let msg =
        a["anomalies"].as_array().unwrap().iter().find(|x| x["id"] == "R0015").unwrap()["message"].as_str().unwrap();
    assert!(msg.contains("check for double counting"), "{msg}");
    // 4 indicators in each of 4 groups.
    assert_eq!(a["completion"].as_array().unwrap().len(), 16);
    let total: u64 =
        a["distribution"]["grades"].as_array().unwrap().iter().map(|g| g["raw_count"].as_u64().unwrap()).sum();
    assert_eq!(total, 48);
}

#[test]
fn analyze_text_with_quotas() {
    let quotas = tmp("quotas.json");
    std::fs::write(&quotas, r#"[{"label": "S ≤ 10%", "grades": ["S"], "max": 0.1}]"#).unwrap();
    let out = kaohe(&["analyze", V1, REGIONS, "--by", "department", "--quotas", quotas.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("等级分布"), "{text}");
    assert!(text.contains("S ≤ 10% : 10 (20.83%) 超出上限"), "{text}");
    assert!(text.contains("请确认是否重复计算"), "{text}");
}

#[test]
fn whatif_of_the_retention_weight() {
    let out = kaohe(&["whatif", V1, V2, "examples/retention-whatif/employees.json", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let w = json(&out);
    assert_eq!(w["compared"], 12);
    let crossings: Vec<(String, String, String)> = w["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["id"].as_str().unwrap().into(), c["from"].as_str().unwrap().into(), c["to"].as_str().unwrap().into())
        })
        .collect();
    for want in [("S5002", "A", "B"), ("S5007", "B", "C"), ("S5009", "B", "D")] {
        assert!(crossings.contains(&(want.0.into(), want.1.into(), want.2.into())), "{want:?} not in {crossings:?}");
    }
    assert_eq!(w["indicators"][0]["indicator"], "retention", "retention's contribution moves most");
    let s5010 = w["changes"].as_array().unwrap().iter().find(|c| c["id"] == "S5010").unwrap();
    assert_eq!((s5010["score_a"].as_str(), s5010["score_b"].as_str()), (Some("98.40"), Some("100.13")));
    let text = kaohe(&["whatif", V1, V2, "examples/retention-whatif/employees.json", "--lang", "en"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("S5002      A → B  85.33 → 71.88  down"), "{text}");
}

#[test]
fn report_is_one_self_contained_page() {
    let out_path = tmp("report.html");
    let out = kaohe(&[
        "report",
        V1,
        REGIONS,
        "--whatif",
        V2,
        "--by",
        "department",
        "--lang",
        "en",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&out_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for id in ["distribution", "groups", "completion", "whatif", "anomalies", "quality"] {
        assert!(html.contains(&format!(r#"<section id="{id}">"#)), "no section {id}");
    }
    assert!(html.matches("<svg").count() >= 4);
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("<link"), "no external resources");
    let without_ns = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"), "no network addresses");
    assert!(html.contains("@media print"));
}

#[test]
fn report_escapes_user_text() {
    let emps = tmp("evil.json");
    std::fs::write(
        &emps,
        r#"[{"id": "<i>E1</i>", "attributes": {"department": "<script>alert(1)</script>", "name": "A&B"},
            "values": {"sales": 1000, "sales_target": 1000, "nps": 50, "headcount_start": 10, "leavers": 1, "training_sessions": 6}}]"#,
    )
    .unwrap();
    let out_path = tmp("evil.html");
    let out = kaohe(&["report", V1, emps.to_str().unwrap(), "--by", "department", "-o", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&out_path).unwrap();
    assert!(!html.contains("<script>"), "user text is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<i>E1</i>"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    assert_eq!(kaohe(&["analyze", V1, REGIONS, "--lang", "fr"]).status.code(), Some(2));
    assert_eq!(kaohe(&["whatif", V1, "nope.json", REGIONS]).status.code(), Some(2));
    assert_eq!(kaohe(&["analyze", V1, REGIONS, "--threshold", "lots"]).status.code(), Some(2));
}

#[test]
fn analyze_calibrates_with_the_schemes_own_distribution() {
    const SCHEME: &str = "examples/calibration/scheme.json";
    const PEOPLE: &str = "examples/calibration/employees.json";
    let out = kaohe(&["analyze", SCHEME, PEOPLE, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let a = json(&out);
    let labels: Vec<&str> =
        a["distribution"]["quotas"].as_array().unwrap().iter().map(|q| q["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["S ≤ 10%", "A ≤ 25%", "C+D ≥ 10%"]);
    // The calibrated counts are those of `kaohe calibrate`, one per input record
    // (a transferred employee's two segments both carry the member's grade).
    let cal = json(&kaohe(&["calibrate", SCHEME, PEOPLE, "--format", "json"]));
    let records: Value = serde_json::from_str(&std::fs::read_to_string(vectors::root().join(PEOPLE)).unwrap()).unwrap();
    let mut want = std::collections::BTreeMap::<String, u64>::new();
    for r in records.as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let member = cal["members"].as_array().unwrap().iter().find(|m| m["id"] == id).unwrap();
        *want.entry(member["grade"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    for g in a["distribution"]["grades"].as_array().unwrap() {
        let grade = g["grade"].as_str().unwrap();
        assert_eq!(g["calibrated_count"].as_u64(), Some(want.get(grade).copied().unwrap_or(0)), "grade {grade}");
    }
    assert!(a.get("calibration_error").is_none());
}

#[test]
fn trend_across_cycles_replays_the_vector() {
    let case = vectors::load(&vectors::root().join("spec/vectors/analytics/trend-three-cycles.json"));
    let mut args: Vec<String> = vec!["trend".into(), "--by".into(), "dept".into(), "--json".into()];
    for c in case["cycles"].as_array().unwrap() {
        let label = c["label"].as_str().unwrap();
        let (s, e) = (tmp(&format!("trend-{label}-scheme.json")), tmp(&format!("trend-{label}-employees.json")));
        std::fs::write(&s, c["scheme"].to_string()).unwrap();
        std::fs::write(&e, c["employees"].to_string()).unwrap();
        args.push(format!("{label}={},{}", s.display(), e.display()));
    }
    let out = kaohe(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got = json(&out);
    let want = case["expect"]["trend"].as_array().unwrap();
    assert_eq!(got.as_array().unwrap().len(), want.len(), "{got}");
    let num = |v: &Value| v.as_str().map(|s| s.parse::<kaohe::Decimal>().unwrap().normalize());
    for (w, g) in want.iter().zip(got.as_array().unwrap()) {
        for key in ["group", "cycle", "count"] {
            assert_eq!(w[key], g[key], "{key} of {w}");
        }
        for key in ["mean_score", "mean_change"] {
            assert_eq!(num(&w[key]), num(&g[key]), "{key} of {w}");
        }
    }
    let text = kaohe(&["trend", "X"]);
    assert_eq!(text.status.code(), Some(2), "a cycle without = and , is a usage error");
}
