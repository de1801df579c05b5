//! Verifying a result against a scheme file: does it name this scheme's id, version and
//! hash, and (when the inputs are given) does scoring them again give exactly the same card?

use serde_json::Value;

use crate::compile::CompiledScheme;
use crate::error::{ErrorCode, KaoheError};
use crate::inputs::Employee;
use crate::result::{EmployeeError, outcome_to_json};

/// Checks results (an array as `kaohe score --format json` writes it, or one card) against a scheme,
/// and against re-scoring `employees` when given. Returns every mismatch (`result_mismatch`, path
/// `[i].scheme.hash`, `[i].score`…); empty when the results verify.
pub fn verify_results(
    scheme: &CompiledScheme,
    results: &Value,
    employees: Option<&[Result<Employee, EmployeeError>]>,
) -> Vec<KaoheError> {
    let items: Vec<&Value> = match results {
        Value::Array(xs) => xs.iter().collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    let miss = |path: String, msg: String| KaoheError::new(ErrorCode::ResultMismatch, msg).at(path);
    for (i, r) in items.iter().enumerate() {
        let id = r.get("id").and_then(crate::inputs::id_of);
        let who = id.clone().unwrap_or_else(|| format!("#{i}"));
        if let Some(s) = r.get("scheme") {
            for (field, want) in [("id", scheme.id()), ("version", scheme.version()), ("hash", scheme.hash())] {
                let got = s.get(field).and_then(Value::as_str);
                if got != Some(want) {
                    out.push(miss(
                        format!("[{i}].scheme.{field}"),
                        format!("{who}: the result names scheme {field} {got:?}, the scheme file has '{want}'"),
                    ));
                }
            }
        } else if r.get("error").is_none() {
            out.push(miss(format!("[{i}].scheme"), format!("{who}: the result names no scheme")));
        }
        let Some(entries) = employees else { continue };
        let found = entries.iter().find(|e| match e {
            Ok(emp) => id.as_deref() == Some(emp.id.as_str()),
            Err(err) => err.id.is_some() && err.id == id,
        });
        let Some(entry) = found else {
            out.push(miss(format!("[{i}].id"), format!("{who}: no such employee in the inputs")));
            continue;
        };
        let again = match entry {
            Ok(emp) => scheme.score(emp).map_err(|error| EmployeeError { id: Some(emp.id.to_string()), error }),
            Err(e) => Err(e.clone()),
        };
        let want = outcome_to_json(&again);
        if want != **r {
            let field = ["score", "grade", "coefficient", "subtotal", "indicators", "adjustments", "error"]
                .into_iter()
                .find(|f| want.get(f) != r.get(f))
                .unwrap_or("");
            let show = |v: Option<&Value>| v.map_or_else(|| "nothing".to_owned(), Value::to_string);
            out.push(miss(
                format!("[{i}].{field}"),
                format!(
                    "{who}: re-scoring gives {field} {} but the result says {}",
                    show(want.get(field)),
                    show(r.get(field))
                ),
            ));
        }
    }
    out
}
