//! `kaohe verify SCHEME RESULTS [--inputs EMPLOYEES]`: does a result come from this scheme file,
//! and does re-scoring the inputs reproduce it?

use std::io::Write;

use crate::{Fail, input, io_fail, load_scheme};

/// Runs the verification; exit 0 when everything matches, 1 otherwise.
pub(crate) fn run(scheme: &str, results: &str, inputs: Option<&str>, out: &mut impl Write) -> Result<u8, Fail> {
    let compiled = load_scheme(scheme)?;
    let text = input::read_text(results)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Fail::data(format!("{results}: [invalid_document] the results are not JSON: {e}")))?;
    let employees = inputs.map(input::read_employees).transpose()?;
    let problems = kaohe::verify::verify_results(&compiled, &value, employees.as_deref());
    let n = value.as_array().map_or(1, Vec::len);
    if problems.is_empty() {
        let how = if inputs.is_some() { ", and re-scoring the inputs reproduces every result" } else { "" };
        writeln!(out, "ok: {n} result(s) name {} {} {}{how}", compiled.id(), compiled.version(), compiled.hash())
            .map_err(io_fail)?;
        return Ok(0);
    }
    writeln!(out, "{} mismatch(es):", problems.len()).map_err(io_fail)?;
    for p in &problems {
        writeln!(out, "  {p}").map_err(io_fail)?;
    }
    Ok(1)
}
