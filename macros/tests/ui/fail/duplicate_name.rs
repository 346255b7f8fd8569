mod schema {
    schemabridge_macros::include_schema!("schemas/duplicate_name.yaml");
}

fn main() {}
