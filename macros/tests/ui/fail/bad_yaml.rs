mod schema {
    schemabridge_macros::include_schema!("schemas/bad_yaml.yaml");
}

fn main() {}
