//! Audit entries for appeals: the core builds them, a front end appends them to its log
//! with [`crate::audit::append`].

use serde_json::json;

use super::events::Event;
use super::rescore::Rescore;
use crate::audit::{NewEntry, inputs_hash};

/// The audit entry of an appeal event: `publication`, `appeal_filed`, `appeal_reviewed`,
/// `appeal_decided` or `appeal_withdrawn`, with the event itself and the scheme's hash. Its
/// `inputs_hash` is the hash of the values the event carries (claimed or corrected), if any;
/// for a publication, pass the hash of the published employees with [`NewEntry`]'s field.
pub fn event_entry(event: &Event, scheme_hash: &str) -> NewEntry {
    let values = match event {
        Event::Filed { claimed: Some(v), .. } | Event::Decided { corrected: Some(v), .. } => Some(v),
        _ => None,
    };
    let kind = match event {
        Event::Published { .. } => "publication",
        Event::Filed { .. } => "appeal_filed",
        Event::Reviewed { .. } => "appeal_reviewed",
        Event::Decided { .. } => "appeal_decided",
        Event::Withdrawn { .. } => "appeal_withdrawn",
    };
    NewEntry {
        kind: kind.into(),
        at: event.at().to_owned(),
        scheme_hash: Some(scheme_hash.to_owned()),
        inputs_hash: values.map(|v| inputs_hash(&serde_json::Value::Object(v.clone()))),
        event: serde_json::to_value(event).unwrap_or_default(),
    }
}

/// The audit entry of a re-score (`rescore`): scores and grades before, after and in effect, and the
/// hash of the corrected values.
pub fn rescore_entry(r: &Rescore, at: &str) -> NewEntry {
    NewEntry {
        kind: "rescore".into(),
        at: at.to_owned(),
        scheme_hash: Some(r.revised.scheme.hash.clone()),
        inputs_hash: Some(inputs_hash(&serde_json::Value::Object(r.corrected.clone()))),
        event: json!({
            "appeal": r.appeal,
            "employee": r.employee,
            "corrected": r.corrected,
            "original": {"score": r.original.score.to_string(), "grade": r.original.grade},
            "revised": {"score": r.revised.score.to_string(), "grade": r.revised.grade},
            "in_effect": r.in_effect,
        }),
    }
}
