//! `kaohe appeal …` and `kaohe verify` end to end, on the bundled example `examples/appeal/`.
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
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// A fresh directory with a copy of the example's events.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kaohe-appeal-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(root().join("examples/appeal/events.jsonl"), dir.join("events.jsonl")).unwrap();
    dir
}

const SCHEME: &str = "examples/appeal/scheme.json";
const CAL: &str = "examples/appeal/calendar.json";
const EMPLOYEES: &str = "examples/appeal/employees.json";

fn appeal(cmd: &str, events: &Path, now: &str, extra: &[&str]) -> Output {
    let mut args = vec!["appeal", cmd, SCHEME, events.to_str().unwrap(), "--calendar", CAL, "--now", now];
    args.extend_from_slice(extra);
    kaohe(&args)
}

#[test]
fn status_shows_lazy_escalation_and_deadline_dates() {
    let dir = workdir("status");
    let ev = dir.join("events.jsonl");
    let o = appeal("status", &ev, "2026-10-09", &["--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("filing closes 2026-10-10"), "{text}");
    assert!(text.contains("A1  E002  open with Store manager, answer due by 2026-10-10"), "{text}");
    // The manager's deadline (the make-up Saturday) passes; the HRBP has 5 working days after it.
    let o = appeal("status", &ev, "2026-10-12", &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["appeals"][0]["level"], "hrbp");
    assert_eq!(v["appeals"][0]["deadline"], "2026-10-16");
    assert_eq!(v["appeals"][0]["escalations"][0]["on"], "2026-10-11");
    assert_eq!(v["appeals"][0]["escalations"][0]["missed_deadline"], "2026-10-10");
    assert_eq!(v["appeals"][1]["deadline"], "2026-10-13");
    // Nobody answers: the HRBP level rejects by default the day after 2026-10-16.
    let o = appeal("status", &ev, "2026-10-19", &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["appeals"][0]["status"], "rejected");
    assert_eq!(v["appeals"][0]["by_default"], true);
    assert_eq!(v["appeals"][0]["closed_on"], "2026-10-17");
}

#[test]
fn refused_filings_name_the_reason_and_leave_the_file_alone() {
    let dir = workdir("refused");
    let ev = dir.join("events.jsonl");
    let before = std::fs::read_to_string(&ev).unwrap();
    for (now, extra, code) in [
        ("2026-10-12", vec!["--appeal", "A3", "--employee", "E004", "--indicator", "orders"], "appeal_late"),
        (
            "2026-10-09",
            vec!["--appeal", "A3", "--employee", "E004", "--indicator", "satisfaction"],
            "appeal_not_appealable",
        ),
        ("2026-10-09", vec!["--appeal", "A3", "--employee", "E002", "--adjustment", "late"], "appeal_limit"),
        ("2026-10-09", vec!["--appeal", "A1", "--employee", "E004", "--indicator", "orders"], "appeal_event"),
    ] {
        let o = appeal("file", &ev, now, &extra);
        assert_eq!(o.status.code(), Some(1), "{code}: {}", out(&o));
        assert!(out(&o).contains(&format!("[{code}] events[3]")), "{code}: {}", out(&o));
        assert!(out(&o).contains("(line 4)"), "{}", out(&o));
    }
    assert_eq!(std::fs::read_to_string(&ev).unwrap(), before);
    let o = appeal("file", &ev, "2026-10-09", &["--appeal", "A3", "--employee", "E004", "--indicator", "orders"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("A3  E004"), "{}", out(&o));
    assert_eq!(std::fs::read_to_string(&ev).unwrap().lines().count(), 4);
}

#[test]
fn decisions_rescore_and_write_a_verifiable_audit_log() {
    let dir = workdir("decide");
    let ev = dir.join("events.jsonl");
    let log = dir.join("audit.jsonl");
    let log_s = log.to_str().unwrap();
    let o = appeal(
        "decide",
        &ev,
        "2026-10-12",
        &[
            "--appeal",
            "A2",
            "--level",
            "manager",
            "--decision",
            "partly-upheld",
            "--correct",
            "late=2",
            "--employees",
            EMPLOYEES,
            "--audit",
            log_s,
            "--lang",
            "en",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // E003: 54.00 + 37.33 = 91.33, late 3 → -6: 85.33; corrected to 2 late days → -4: 87.33.
    assert!(out(&o).contains("re-score 85.33 B → 87.33 B (+2.00), in effect: revised"), "{}", out(&o));
    // The manager's deadline for A1 passed: only the HRBP may decide now.
    let o = appeal("decide", &ev, "2026-10-12", &["--appeal", "A1", "--level", "manager", "--decision", "rejected"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("[appeal_transition]"), "{}", out(&o));
    let o = appeal(
        "decide",
        &ev,
        "2026-10-14",
        &[
            "--appeal",
            "A1",
            "--level",
            "hrbp",
            "--decision",
            "upheld",
            "--employees",
            EMPLOYEES,
            "--audit",
            log_s,
            "--lang",
            "en",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // E002: orders 30/40 × 60 = 45.00 → claimed 36/40 × 60 = 54.00; 54.00 + 40.00 − 2 = 92.00 A.
    assert!(out(&o).contains("re-score 83.00 B → 92.00 A (+9.00)"), "{}", out(&o));
    assert!(out(&o).contains("orders 45.00 → 54.00 (+9.00)"), "{}", out(&o));
    // A closed appeal cannot be decided again.
    let o = appeal("decide", &ev, "2026-10-15", &["--appeal", "A1", "--decision", "rejected"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("[appeal_transition] events[5] (line 6): appeal A1 is already closed"), "{}", out(&o));

    let text = std::fs::read_to_string(&log).unwrap();
    let kinds: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["appeal_decided", "rescore", "appeal_decided", "rescore"]);
    let o = kaohe(&["audit", "verify", log_s]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("ok: 4 entries"));
    // Tamper with the third entry's score.
    let changed = text.replacen("\"92.00\"", "\"95.00\"", 1);
    assert_ne!(changed, text);
    std::fs::write(&log, changed).unwrap();
    let o = kaohe(&["audit", "verify", log_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("broken at line 4"), "{}", out(&o));
}

#[test]
fn review_refers_to_the_next_level() {
    let dir = workdir("review");
    let ev = dir.join("events.jsonl");
    let o = appeal(
        "review",
        &ev,
        "2026-10-09",
        &["--appeal", "A2", "--level", "manager", "--note", "需核对考勤", "--lang", "en"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // HRBP: 5 working days after Fri Oct 9: Sat 10 (调休), Mon 12, 13, 14, 15 → 2026-10-15.
    assert!(out(&o).contains("open with HRBP, answer due by 2026-10-15"), "{}", out(&o));
    assert!(out(&o).contains("2026-10-09 Store manager → HRBP (referred)"), "{}", out(&o));
    let o = appeal("withdraw", &ev, "2026-10-12", &["--appeal", "A1", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // A1 had already moved to the HRBP (the manager's deadline 2026-10-10 passed) when it was withdrawn.
    assert!(out(&o).contains("A1  E002  withdrawn at HRBP on 2026-10-12"), "{}", out(&o));
    let o = appeal("review", &ev, "2026-10-12", &["--appeal", "A2"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("[appeal_transition]") && out(&o).contains("last level"), "{}", out(&o));
}

#[test]
fn a_broken_event_file_names_the_line() {
    let dir = workdir("broken");
    let ev = dir.join("events.jsonl");
    let mut text = std::fs::read_to_string(&ev).unwrap();
    text.push_str("{\"type\": \"decided\", \"appeal\": \"A1\"}\n");
    std::fs::write(&ev, text).unwrap();
    let o = appeal("status", &ev, "2026-10-12", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("[appeal_event] (line 4)"), "{}", out(&o));
}

#[test]
fn verify_checks_scheme_identity_and_reproduces_results() {
    let dir = workdir("verify");
    let results = dir.join("results.json");
    let o = kaohe(&["score", SCHEME, EMPLOYEES, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::write(&results, &o.stdout).unwrap();
    let r = results.to_str().unwrap();
    let o = kaohe(&["verify", SCHEME, r, "--inputs", EMPLOYEES]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("ok: 4 result(s) name store-sales-q3 2026.1 sha256:"), "{}", out(&o));
    // Another scheme file: the hash (and id, version) differ.
    let o = kaohe(&["verify", "examples/photo-studio/scheme.json", r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("[result_mismatch] [0].scheme.hash"), "{}", out(&o));
    // A score edited after the fact.
    let text = std::fs::read_to_string(&results).unwrap().replacen("\"83.00\"", "\"88.00\"", 1);
    std::fs::write(&results, text).unwrap();
    let o = kaohe(&["verify", SCHEME, r, "--inputs", EMPLOYEES]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("[result_mismatch] [1].score: E002: re-scoring gives score \"83.00\""), "{}", out(&o));
    // Without the inputs, an edited score still names the right scheme.
    assert_eq!(kaohe(&["verify", SCHEME, r]).status.code(), Some(0));
}

/// The README's appeal walkthrough, run as written: every command's output must match.
#[test]
fn readme_walkthrough_runs_as_written() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("## Appeals (申诉): a walkthrough").expect("the walkthrough section");
    let rest = &readme[start..];
    let section = &rest[..rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3)];
    let dir = workdir("readme");
    let tmp = format!("{}/", dir.to_str().unwrap());
    let mut lines: Vec<String> = Vec::new();
    let mut inside = false;
    for l in section.lines() {
        if l.starts_with("```console") {
            inside = true;
        } else if l.starts_with("```") {
            inside = false;
        } else if inside {
            lines.push(l.replace("/tmp/", &tmp));
        }
    }
    // Join continued commands.
    let mut joined: Vec<String> = Vec::new();
    for l in lines {
        match joined.last_mut() {
            Some(prev) if prev.ends_with('\\') => {
                prev.pop();
                prev.push_str(l.trim_start());
            }
            _ => joined.push(l),
        }
    }
    let mut var = String::new();
    let mut ran = 0;
    let mut i = 0;
    while i < joined.len() {
        let cmd = joined[i].strip_prefix("$ ").expect("a command line").to_owned();
        let mut expected = Vec::new();
        i += 1;
        while i < joined.len() && !joined[i].starts_with("$ ") {
            expected.push(joined[i].clone());
            i += 1;
        }
        if let Some(args) = cmd.strip_prefix("cp ") {
            let (from, to) = args.split_once(' ').unwrap();
            std::fs::copy(root().join(from), to).unwrap();
            continue;
        }
        if let Some(v) = cmd.strip_prefix("A=") {
            var = v.trim_matches('"').to_owned();
            continue;
        }
        let cmd = cmd.replace("$A", &var);
        let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        let o = kaohe(&args);
        assert_eq!(out(&o).trim_end(), expected.join("\n").trim_end(), "README command: {cmd}");
        ran += 1;
    }
    assert_eq!(ran, 6);
}

#[test]
fn publishing_opens_the_window_and_logs_the_inputs_hash() {
    let dir = workdir("publish");
    let ev = dir.join("new.jsonl");
    let log = dir.join("audit.jsonl");
    let o = appeal(
        "publish",
        &ev,
        "2026-09-28",
        &["--cycle", "2026-Q3", "--employees", EMPLOYEES, "--audit", log.to_str().unwrap(), "--lang", "en"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert_eq!(out(&o).trim(), "published 2026-09-28, filing closes 2026-10-10 (now 2026-09-28)");
    let o = appeal("publish", &ev, "2026-09-29", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("[appeal_event] events[1] (line 2)"), "{}", out(&o));
    let entry: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&log).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(entry["kind"], "publication");
    assert!(entry["inputs_hash"].as_str().unwrap().starts_with("sha256:"));
    assert!(entry["scheme_hash"].as_str().unwrap().starts_with("sha256:"));
}

#[test]
fn a_calibrated_scheme_reports_the_effect_of_an_upheld_appeal() {
    // The example scheme with a forced distribution: at most 25 % (1 of 4) A.
    let dir = workdir("calibrated");
    let ev = dir.join("events.jsonl");
    let mut scheme: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(SCHEME)).unwrap()).unwrap();
    scheme["population"] = serde_json::json!({"distribution": {"quotas": [{"grades": ["A"], "max": 0.25}]}});
    let scheme_path = dir.join("scheme.json");
    std::fs::write(&scheme_path, scheme.to_string()).unwrap();
    let args = |cmd: &str, now: &str, extra: &[&str]| -> Output {
        let mut a = vec!["appeal", cmd, scheme_path.to_str().unwrap(), ev.to_str().unwrap(), "--calendar", CAL];
        a.extend_from_slice(&["--now", now, "--employees", EMPLOYEES]);
        a.extend_from_slice(extra);
        kaohe(&a)
    };
    let o =
        args("decide", "2026-10-14", &["--appeal", "A1", "--level", "hrbp", "--decision", "upheld", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // Before: E001 100 A (rank 1), E003 85.33 B, E002 83 B (rank 3), E004 69.50 C.
    // E002's orders 36 → 92.00 A, rank 2; the one A place is E001's, so E002 stays B.
    let text = out(&o);
    assert!(text.contains("re-score 83.00 B → 92.00 A (+9.00)"), "{text}");
    assert!(
        text.contains("calibration effect (not applied): rank 3 → 2, calibrated grade B → B; nobody else moves"),
        "{text}"
    );
    let o = args("status", "2026-10-19", &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let effect = &v["calibration_effects"][0];
    assert_eq!(effect["appellant"]["raw_grade_after"], "A");
    assert_eq!(effect["appellant"]["grade_after"], "B");
    assert_eq!(effect["applied"], false);
}
