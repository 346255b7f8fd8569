mod schema {
    schemabridge_macros::include_schema!("schemas/unknown_type.yaml");
}

fn main() {}
