//! A server built from a changed copy of `schema.example.yaml` (see
//! `support/probe.rs`): it opens the store, which is where start-up
//! evolution happens, and serves one query through the new `by_email`
//! index. `--db URL --listen ADDR`, like the example app.

mod schema {
    #![allow(dead_code)]
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

use schemabridge_runtime::{ApiError, Store};

#[derive(Clone)]
struct Probe;

impl schema::probe::Handlers for Probe {
    async fn by_email(
        &self,
        ctx: schema::QueryCtx,
        args: schema::probe::ByEmailArgs,
    ) -> Result<Option<schema::UserDoc>, ApiError> {
        ctx.db().users().by_email(|q| q.eq(&args.email)).unique().await
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut db, mut listen) = (None, None);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--db" => db = args.next(),
            "--listen" => listen = args.next(),
            other => fail(format!("unknown argument {other}")),
        }
    }
    let (Some(db), Some(listen)) = (db, listen) else {
        fail("usage: probe --db URL --listen ADDR".to_owned())
    };
    let store = Store::open(&db, &schema::SCHEMA)
        .await
        .unwrap_or_else(|e| fail(format!("cannot open {db}: {e}")));
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .unwrap_or_else(|e| fail(format!("cannot listen on {listen}: {e}")));
    println!("listening on http://{}", listener.local_addr().unwrap());
    schemabridge_runtime::axum::serve(listener, schema::router(Probe, store))
        .await
        .unwrap_or_else(|e| fail(e.to_string()));
}

fn fail(message: String) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
