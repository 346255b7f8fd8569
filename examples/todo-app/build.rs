//! Generates the server code (and the TypeScript client, for a web app to
//! pick up) from `schema.yaml` on every build where the schema changed.

use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    schemabridge::Builder::new("schema.yaml")
        .rust_out(out_dir.join("schema.rs"))
        .ts_out(out_dir.join("ts"))
        .generate()
        .unwrap_or_else(|e| panic!("{e:?}"));
}
