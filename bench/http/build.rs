// The example app's data model, generated from the same schema, so that the
// benchmark can seed the app's store in-process (see src/seed.rs).
fn main() {
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("schema.rs");
    schemabridge::Builder::new("../../schema.example.yaml")
        .rust_out(out)
        .generate()
        .unwrap_or_else(|e| panic!("{e:?}"));
}
