// Generates the probe's server code from the schema the test wrote beside it.
fn main() {
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("schema.rs");
    schemabridge::Builder::new("schema.yaml")
        .rust_out(out)
        .generate()
        .unwrap_or_else(|e| panic!("{e:?}"));
}
