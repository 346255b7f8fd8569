//! Generates the server code from the repository's `schema.example.yaml`
//! on every build where the schema changed.

use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    schemabridge::Builder::new("../../schema.example.yaml")
        .rust_out(out_dir.join("schema.rs"))
        .generate()
        .unwrap_or_else(|e| panic!("{e:?}"));
}
