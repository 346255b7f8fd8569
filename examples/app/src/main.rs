//! The astrology journal of `schema.example.yaml`: people sign
//! in, ask for readings of their chart and keep notes on them. `build.rs`
//! generates the types, the `Handlers` traits, the typed storage access and
//! the router from the schema; this crate holds only the handlers.
//!
//! ```sh
//! cargo run --release -p example-app -- --listen 127.0.0.1:3000 --db app.db
//! # then open http://127.0.0.1:3000/#ada: users, their karma and preferences, live
//! # signed-in functions (users.me, users.register) need an identity provider:
//! #   --auth-issuer https://your-app.clerk.accounts.dev --auth-audience convex
//! ```

mod chart;
mod notes;
mod page;
mod readings;
mod users;

mod schema {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use schemabridge_runtime::auth::JwksSource;
use schemabridge_runtime::axum::serve::ListenerExt;
use schemabridge_runtime::{Auth, AuthConfig, Provider, RouterOptions, Store};

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
    /// The OpenID issuer whose tokens sign callers in (Clerk: the Frontend
    /// API URL). Without it, `auth: required` functions answer 401.
    #[arg(long, value_name = "URL", requires = "auth_audience")]
    auth_issuer: Option<String>,
    /// The audience the tokens must name (Clerk: the JWT template's name).
    #[arg(long, value_name = "AUD", requires = "auth_issuer")]
    auth_audience: Option<String>,
    /// The issuer's keys: a JWKS URL, or a JWKS file (then nothing is
    /// fetched). Default: OpenID discovery at the issuer.
    #[arg(long, value_name = "URL|FILE", requires = "auth_issuer")]
    auth_jwks: Option<String>,
}

/// The router's options from the `--auth-*` flags.
async fn options(args: &Args) -> Result<RouterOptions, String> {
    let (Some(issuer), Some(audience)) = (&args.auth_issuer, &args.auth_audience) else {
        return Ok(RouterOptions::new());
    };
    let mut provider = Provider::new(issuer, audience);
    if let Some(jwks) = &args.auth_jwks {
        provider = provider.with_jwks(
            match jwks.starts_with("http://") || jwks.starts_with("https://") {
                true => JwksSource::Url(jwks.clone()),
                false => JwksSource::File(jwks.into()),
            },
        );
    }
    let auth = Auth::new(AuthConfig::new([provider]))
        .await
        .map_err(|error| format!("error: the --auth-* configuration does not work: {error}"))?;
    Ok(RouterOptions::new().auth(auth))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let options = match options(&args).await {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
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
    // Live queries send small WebSocket frames: without TCP_NODELAY they
    // wait for delayed ACKs (docs/benchmarks.md, "live queries").
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = schema::router_with(App, store, options).merge(page::routes());
    match schemabridge_runtime::axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: the server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}
