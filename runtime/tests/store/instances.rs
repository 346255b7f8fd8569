//! Several server instances opening one database at once, as they do when
//! a deployment starts them together (SPEC §9).

use crate::model::SCHEMA;
use crate::Backend;
use schemabridge_runtime::Store;

async fn instances_starting_together_all_open(backend: Backend) {
    let place = backend.place().await;
    let opening: Vec<_> = (0..3)
        .map(|_| {
            let url = place.url.clone();
            tokio::spawn(async move { Store::open(&url, &SCHEMA).await })
        })
        .collect();
    for (n, opened) in opening.into_iter().enumerate() {
        let store = opened
            .await
            .unwrap()
            .unwrap_or_else(|error| panic!("{backend:?}: instance {n} did not open: {error}"));
        assert_eq!(store.sequence().await.unwrap(), 0);
    }
}

mod sqlite_file {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn instances_starting_together_all_open() {
        super::instances_starting_together_all_open(crate::Backend::File).await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn instances_starting_together_all_open() {
        super::instances_starting_together_all_open(crate::Backend::Postgres).await
    }
}
