//! The example schema through the macro, in a crate that denies warnings:
//! the generated types are there and behave as the generated file's do.
#![deny(warnings)]

mod schema {
    schemabridge_macros::include_schema!("schemas/example.yaml");
}

fn main() {
    let preferences = schema::Preferences::new(
        vec![schema::PreferencesEmailFrequency::Weekly],
        "Europe/Paris".to_owned(),
    );
    let json = serde_json::to_value(&preferences).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"emailFrequency": ["weekly"], "timezone": "Europe/Paris"})
    );
    let back: schema::Preferences = serde_json::from_value(json).unwrap();
    assert_eq!(back, preferences);
    assert_eq!(schema::SCHEMA_FINGERPRINT.len(), 16);
}
