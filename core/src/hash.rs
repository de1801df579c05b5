//! The scheme hash: SHA-256 over a canonical serialization.
//!
//! Canonical form: the scheme as the typed model reads it (so JSON and YAML copies,
//! key order, white space and number spelling such as `0.40` versus `0.4` do not
//! matter), serialized as compact JSON with object keys sorted by their UTF-8 bytes
//! and every decimal written normalized (`0.4`; model decimals as strings,
//! JSON numbers in defaults as numbers).

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::scheme::Scheme;

/// Rewrites a JSON value canonically: keys sorted, decimal strings normalized.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                canonical(&map[*k], out);
            }
            out.push('}');
        }
        Value::Array(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        Value::Number(n) => match crate::num::parse_decimal(n.as_str()) {
            Some(d) => out.push_str(&crate::num::normalized(d).to_string()),
            None => out.push_str(n.as_str()),
        },
        other => out.push_str(&other.to_string()),
    }
}

/// Any JSON value in canonical form: keys sorted, numbers normalized, compact.
pub fn canonical_value(v: &Value) -> String {
    let mut out = String::new();
    canonical(v, &mut out);
    out
}

/// `sha256:` and the lowercase hex SHA-256 of a text.
pub fn sha256(text: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())))
}

/// The canonical serialization of a scheme (what the hash is taken over).
pub fn canonical_json(scheme: &Scheme) -> String {
    let v = serde_json::to_value(scheme).unwrap_or(Value::Null);
    let mut out = String::new();
    canonical(&v, &mut out);
    out
}

/// `sha256:` followed by the lowercase hex SHA-256 of [`canonical_json`].
pub fn scheme_hash(scheme: &Scheme) -> String {
    sha256(&canonical_json(scheme))
}
