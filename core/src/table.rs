//! Employees from tables (CSV files, DataFrames): one row per employee.
//!
//! Column convention:
//! - `id`: the employee id (required);
//! - `attributes.<name>`: an attribute kept beside the result (`attributes.department`);
//! - `<input>.<group>`: the ratings of a `ratings` input by one rater group, separated
//!   by `;` (`collaboration.peer` = `3;5;4`);
//! - any other column: the input of that name.
//!
//! An empty cell is an absent value. Cells stay text; the scheme's input types read
//! them (a string that spells a decimal is that number).

use serde_json::{Map, Value};

use crate::error::{ErrorCode, KaoheError};

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Id,
    Attribute(String),
    Rating(String, String),
    Input(String),
}

fn column(header: &str) -> Column {
    let h = header.trim();
    if h == "id" {
        Column::Id
    } else if let Some(a) = h.strip_prefix("attributes.") {
        Column::Attribute(a.to_owned())
    } else if let Some((input, group)) = h.split_once('.') {
        Column::Rating(input.to_owned(), group.to_owned())
    } else {
        Column::Input(h.to_owned())
    }
}

/// Reads table rows into employee records (JSON values), one per row, in order.
/// Fails only when the header has no `id` column.
pub fn records_from_rows<I, R, S>(headers: &[String], rows: I) -> Result<Vec<Value>, KaoheError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = S>,
    S: Into<String>,
{
    let columns: Vec<Column> = headers.iter().map(|h| column(h)).collect();
    if !columns.contains(&Column::Id) {
        return Err(KaoheError::new(ErrorCode::InvalidDocument, "the table needs an 'id' column").at("id"));
    }
    let mut out = Vec::new();
    for row in rows {
        let mut id = Value::Null;
        let mut attributes = Map::new();
        let mut values = Map::new();
        for (col, cell) in columns.iter().zip(row) {
            let cell: String = cell.into();
            if cell.trim().is_empty() {
                continue;
            }
            match col {
                Column::Id => id = Value::String(cell.trim().to_owned()),
                Column::Attribute(a) => {
                    attributes.insert(a.clone(), Value::String(cell));
                }
                Column::Rating(input, group) => {
                    let entry = values.entry(input.clone()).or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(m) = entry {
                        m.insert(group.clone(), Value::String(cell));
                    }
                }
                Column::Input(name) => {
                    values.insert(name.clone(), Value::String(cell));
                }
            }
        }
        let mut rec = Map::new();
        rec.insert("id".into(), id);
        if !attributes.is_empty() {
            rec.insert("attributes".into(), Value::Object(attributes));
        }
        rec.insert("values".into(), Value::Object(values));
        out.push(Value::Object(rec));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_convention() {
        let headers: Vec<String> = ["id", "sales", "collab.peer", "collab.manager", "attributes.department"]
            .into_iter()
            .map(String::from)
            .collect();
        let rows = vec![vec!["E1", "12.5", "3;4", "5", "Sales"], vec!["E2", "", "", "4", ""]];
        let recs = records_from_rows(&headers, rows).unwrap_or_default();
        assert_eq!(
            recs[0],
            serde_json::json!({"id": "E1", "attributes": {"department": "Sales"},
                "values": {"sales": "12.5", "collab": {"peer": "3;4", "manager": "5"}}})
        );
        assert_eq!(recs[1], serde_json::json!({"id": "E2", "values": {"collab": {"manager": "4"}}}));
        let bad = records_from_rows(&["name".to_owned()], vec![vec!["x"]]);
        assert_eq!(bad.map_err(|e| e.code), Err(ErrorCode::InvalidDocument));
    }
}
