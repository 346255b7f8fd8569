// The example app's generated code: the benchmark serves the example app's
// router and handlers in-process, so that it can read the engine's counters.
fn main() {
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("schema.rs");
    schemabridge::Builder::new("../../schema.example.yaml")
        .rust_out(out)
        .generate()
        .unwrap_or_else(|e| panic!("{e:?}"));
}
