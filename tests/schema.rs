//! The JSON Schema in `spec/scheme.schema.json` is generated from the Rust types;
//! this test fails when it is stale. Regenerate with `KAOHE_BLESS=1 cargo test -p kaohe --features schema --test schema`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "support/vectors.rs"]
mod vectors;

fn generated() -> String {
    let schema = schemars::schema_for!(kaohe::scheme::Scheme);
    let mut text = serde_json::to_string_pretty(&schema).unwrap();
    text.push('\n');
    text
}

#[test]
fn json_schema_is_up_to_date() {
    let path = vectors::root().join("spec/scheme.schema.json");
    let want = generated();
    if std::env::var_os("KAOHE_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "spec/scheme.schema.json is stale: run KAOHE_BLESS=1 cargo test -p kaohe --features schema --test schema"
    );
}

#[test]
fn every_scheme_in_the_repository_has_the_schema_shape() {
    // Schemes that load are objects with the schema's required keys.
    let schema: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert!(required.contains(&"indicators") && required.contains(&"id"));
    for f in vectors::vector_files() {
        let case = vectors::load(&f);
        if case["expect"].get("scheme_error").is_some() {
            continue;
        }
        for key in &required {
            assert!(case["scheme"].get(*key).is_some(), "{}: no {key}", f.display());
        }
    }
}
