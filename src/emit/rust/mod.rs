//! The Rust emitter (server types, handler traits, router).
