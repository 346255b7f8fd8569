//! The astrology journal of `schema.example.yaml`: people sign
//! in, ask for readings of their chart and keep notes on them. `build.rs`
//! generates the types, the `Handlers` traits, the typed storage access and
//! the router from the schema; this crate holds only the handlers.
//!
//! ```sh
//! cargo run --release -p example-app -- --listen 127.0.0.1:3000 --db app.db
//! ```

mod chart;
mod notes;
mod readings;
mod users;

mod schema {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use schemabridge_runtime::Store;

/// The handlers' state: none of their own, everything is in the store.
#[derive(Clone)]
pub struct App;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "The schemabridge example app: an astrology journal on the store."
)]
struct Args {
    /// The address to serve on, e.g. `127.0.0.1:3000` (port 0: any free one).
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// The database: `sqlite:PATH`, a plain path, `sqlite::memory:` or
    /// `postgres://…`.
    #[arg(long, default_value = "app.db")]
    db: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let store = match Store::open(&args.db, &schema::SCHEMA).await {
        Ok(store) => store,
        Err(error) => {
            eprintln!("error: cannot open the database {}: {error}", args.db);
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => {
            eprintln!("error: cannot read the bound address: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The listener accepts calls from here on; say so once.
    println!("listening on http://{address}");
    match schemabridge_runtime::axum::serve(listener, schema::router(App, store)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: the server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}
