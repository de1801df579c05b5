//! Replays the appeal vectors (`spec/vectors/appeals/*.json`): scheme appeal rules, a
//! calendar, events, a "now", and the expected states, deadline dates, errors and re-scores.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "support/vectors.rs"]
mod vectors;

use kaohe::appeal::{self, Event};
use kaohe::calendar::Calendar;
use kaohe::{CompiledScheme, Employee};
use serde_json::Value;

fn run(path: &std::path::Path) -> Vec<String> {
    let case = vectors::load(path);
    assert!(case["description"].as_str().is_some_and(|d| d.len() > 20), "a vector needs a description");
    let mut diffs = Vec::new();
    let scheme = CompiledScheme::from_value(case["scheme"].clone());
    if let Some(errors) = case["expect"].get("scheme_errors") {
        match scheme {
            Ok(_) => diffs.push("expected scheme errors, the scheme loaded".into()),
            Err(e) => vectors::subset(errors, &serde_json::to_value(&e.errors).unwrap(), "scheme_errors", &mut diffs),
        }
        return diffs;
    }
    let scheme = match scheme {
        Ok(s) => s,
        Err(e) => return vec![format!("the scheme did not load: {e}")],
    };
    let rules = scheme.scheme().appeals.clone().expect("an appeals section");
    let calendar = Calendar::from_json(&case["calendar"].to_string()).expect("calendar");
    let now = appeal::date_of(case["now"].as_str().unwrap()).unwrap();
    let events_text: String =
        case["events"].as_array().unwrap().iter().map(|e| serde_json::to_string(e).unwrap() + "\n").collect();
    // Events round-trip through the typed model unchanged.
    for line in events_text.lines() {
        let e: Event = serde_json::from_str(line).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&e.to_json_line()).unwrap(),
            serde_json::from_str::<Value>(line).unwrap()
        );
    }
    let expect = &case["expect"];
    let ledger = match appeal::replay_text(&rules, &calendar, &events_text, now) {
        Ok(l) => l,
        Err(e) => {
            if let Some(want) = expect.get("error") {
                let got = serde_json::to_value(&e).unwrap();
                vectors::subset(want, &got, "error", &mut diffs);
                assert!(e.line.is_some() && e.path.is_some(), "an appeal error has a location: {e}");
            } else {
                diffs.push(format!("unexpected error {e}"));
            }
            return diffs;
        }
    };
    if expect.get("error").is_some() {
        diffs.push(format!("expected an error, got {}", serde_json::to_value(&ledger).unwrap()));
        return diffs;
    }
    let mut want_ledger = expect.clone();
    let map = want_ledger.as_object_mut().unwrap();
    let want_rescores = map.remove("rescores");
    vectors::subset(&want_ledger, &serde_json::to_value(&ledger).unwrap(), "state", &mut diffs);
    // Replaying twice gives the same state.
    assert_eq!(appeal::replay_text(&rules, &calendar, &events_text, now).unwrap(), ledger);
    if let Some(want) = want_rescores {
        let mut got = Vec::new();
        for a in &ledger.appeals {
            let record = case["employees"].as_array().unwrap().iter().find(|e| e["id"] == a.employee.as_str()).unwrap();
            let employee = Employee::from_value(record.clone()).unwrap();
            if let Some(r) = appeal::rescore(&scheme, &employee, a).unwrap() {
                let mut v = serde_json::to_value(&r).unwrap();
                v["score_in_effect"] = Value::String(r.score_in_effect().to_string());
                v["grade_in_effect"] = r.grade_in_effect().map_or(Value::Null, |g| Value::String(g.into()));
                // The original card is the published one.
                assert_eq!(r.original, scheme.score(&employee).unwrap());
                got.push(v);
            }
        }
        vectors::subset(&want, &Value::Array(got), "rescores", &mut diffs);
    }
    diffs
}

#[test]
fn appeal_vectors() {
    let files = vectors::files_in("appeals");
    assert!(files.len() >= 15, "the appeal vectors are missing");
    let mut failures = Vec::new();
    for f in &files {
        for d in run(f) {
            failures.push(format!("{}: {d}", f.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn appeal_audit_entries_chain_and_verify() {
    let case = vectors::load(&vectors::root().join("spec/vectors/appeals/upheld-rescore.json"));
    let scheme = CompiledScheme::from_value(case["scheme"].clone()).unwrap();
    let mut log: Vec<kaohe::audit::AuditEntry> = Vec::new();
    for e in case["events"].as_array().unwrap() {
        let event: Event = serde_json::from_value(e.clone()).unwrap();
        log.push(kaohe::audit::append(log.last(), appeal::record::event_entry(&event, scheme.hash())));
    }
    let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["publication", "appeal_filed", "appeal_decided"]);
    assert_eq!(log[1].scheme_hash.as_deref(), Some(scheme.hash()));
    assert_eq!(log[1].at, "2026-09-30T10:15:00+08:00");
    // The filing carries the hash of the claimed values, the decision that of the corrected ones.
    let corrected = serde_json::json!({"orders": 10});
    assert_eq!(log[1].inputs_hash, Some(kaohe::audit::inputs_hash(&corrected)));
    assert_eq!(log[2].inputs_hash, Some(kaohe::audit::inputs_hash(&corrected)));
    assert_eq!(log[0].inputs_hash, None);
    assert_eq!(kaohe::audit::verify(&log), Ok(3));
}

#[test]
fn results_verify_against_their_scheme() {
    let case = vectors::load(&vectors::root().join("spec/vectors/appeals/upheld-rescore.json"));
    let scheme = CompiledScheme::from_value(case["scheme"].clone()).unwrap();
    let entries = kaohe::parse_employees(&case["employees"].to_string()).unwrap();
    let results: Value =
        serde_json::from_str(&kaohe::result::outcomes_to_json(&scheme.score_entries(&entries))).unwrap();
    assert!(kaohe::verify::verify_results(&scheme, &results, Some(&entries)).is_empty());
    let mut changed = results.clone();
    changed[1]["score"] = Value::String("99.00".into());
    let errs = kaohe::verify::verify_results(&scheme, &changed, Some(&entries));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].path.as_deref(), Some("[1].score"));
    assert_eq!(errs[0].code.as_str(), "result_mismatch");
    let mut other = case["scheme"].clone();
    other["version"] = Value::String("2".into());
    let v2 = CompiledScheme::from_value(other).unwrap();
    let paths: Vec<_> = kaohe::verify::verify_results(&v2, &results, None).into_iter().filter_map(|e| e.path).collect();
    assert_eq!(paths, ["[0].scheme.version", "[0].scheme.hash", "[1].scheme.version", "[1].scheme.hash"]);
}

/// Replaying at later and later dates: deterministic, escalations only accumulate, and a closed
/// appeal stays closed with the same decision.
#[test]
fn later_nows_only_add_escalations_and_closed_appeals_stay_closed() {
    for f in vectors::files_in("appeals") {
        let case = vectors::load(&f);
        if case["expect"].get("appeals").is_none() {
            continue;
        }
        let scheme = CompiledScheme::from_value(case["scheme"].clone()).unwrap();
        let rules = scheme.scheme().appeals.clone().unwrap();
        let calendar = Calendar::from_json(&case["calendar"].to_string()).unwrap();
        let events: Vec<Event> = serde_json::from_value(case["events"].clone()).unwrap();
        let mut now = appeal::date_of(case["now"].as_str().unwrap()).unwrap();
        let mut prev = appeal::replay(&rules, &calendar, &events, now).unwrap();
        for _ in 0..40 {
            now = now.tomorrow().unwrap();
            let state = appeal::replay(&rules, &calendar, &events, now).unwrap();
            assert_eq!(state, appeal::replay(&rules, &calendar, &events, now).unwrap());
            for (a, b) in prev.appeals.iter().zip(&state.appeals) {
                assert!(b.escalations.starts_with(&a.escalations), "{}: {a:?} then {b:?}", f.display());
                if a.status != appeal::AppealStatus::Open {
                    assert_eq!((a.status, a.closed_on), (b.status, b.closed_on), "{}", f.display());
                }
                if let Some(d) = b.deadline {
                    assert!(d >= now, "{}: an open appeal's deadline {d} is before now {now}", f.display());
                }
            }
            prev = state;
        }
        // Long after everything, no appeal is open (the last level always decides by default).
        assert!(prev.appeals.iter().all(|a| a.status != appeal::AppealStatus::Open), "{}", f.display());
    }
}
