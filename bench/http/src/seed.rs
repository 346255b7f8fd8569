//! Seeds the example app's store in-process (placeholder until the runtime lands).
pub async fn app(_db: &str, _count: u64) -> Result<(), String> {
    Err("not yet".to_owned())
}
