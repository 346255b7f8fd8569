mod schema {
    schemabridge_macros::include_schema!(concat!("schemas/", "example.yaml"));
}

fn main() {}
