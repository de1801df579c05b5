//! Reading files: schemes, and employees as JSON, JSON Lines or CSV.

use std::io::Read;

use kaohe::{Employee, EmployeeError};

use crate::Fail;

/// Reads a file (or stdin for `-`) as UTF-8 text.
pub(crate) fn read_text(path: &str) -> Result<String, Fail> {
    if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Fail::usage(format!("[io_error] cannot read stdin: {e}")))?;
        return Ok(s);
    }
    std::fs::read_to_string(path).map_err(|e| Fail::usage(format!("[io_error] cannot read {path}: {e}")))
}

fn doc_fail(path: &str, e: &kaohe::KaoheError) -> Fail {
    Fail { code: 1, message: format!("{path}: {e}") }
}

/// Reads employees by the file's extension: `.csv` as a table, anything else as a
/// JSON array or JSON Lines. Unreadable records become error entries in place.
pub(crate) fn read_employees(path: &str) -> Result<Vec<Result<Employee, EmployeeError>>, Fail> {
    let text = read_text(path)?;
    let records = if path.to_ascii_lowercase().ends_with(".csv") {
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| Fail { code: 1, message: format!("{path}: [invalid_document] unreadable CSV header: {e}") })?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        for (i, row) in reader.records().enumerate() {
            let row =
                row.map_err(|e| Fail { code: 1, message: format!("{path}: [invalid_document] row {}: {e}", i + 2) })?;
            rows.push(row.iter().map(str::to_owned).collect::<Vec<_>>());
        }
        kaohe::table::records_from_rows(&headers, rows).map_err(|e| doc_fail(path, &e))?
    } else {
        kaohe::parse_records(&text).map_err(|e| doc_fail(path, &e))?
    };
    Ok(kaohe::employee_entries(records))
}
