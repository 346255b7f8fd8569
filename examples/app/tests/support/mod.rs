//! What the HTTP-level tests of the example app share: a server process
//! they start and kill, a client speaking SPEC §3, and fresh PostgreSQL
//! databases.
// Each test binary uses a part of it.
#![allow(dead_code, unused_imports)]

pub mod client;
pub mod instances;
pub mod live_socket;
pub mod postgres;
pub mod probe;
pub mod server;
pub mod signer;
pub mod typescript;

pub use client::{int64, int64_of, Client, Failure};
pub use server::Server;

use std::path::PathBuf;

/// The example app built by cargo for this test run.
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_example-app"))
}

/// A temporary folder under the target dir, removed on drop.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("apptests-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temporary folder in the target dir")
}
