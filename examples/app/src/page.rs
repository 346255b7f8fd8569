//! The web page at `/` and its script at `/app.js`, built by build.rs
//! (esbuild over `web/app.tsx`, the generated client and its React
//! bindings) and compiled into the binary. When the build had no
//! node_modules, both answer 503 saying how to build them.

use schemabridge_runtime::axum::http::{header, StatusCode};
use schemabridge_runtime::axum::response::{IntoResponse, Response};
use schemabridge_runtime::axum::routing::get;
use schemabridge_runtime::axum::Router;

mod built {
    include!(concat!(env!("OUT_DIR"), "/page.rs"));
}

const INDEX: &str = include_str!("../web/index.html");

/// The routes of the page, to merge with the API's router.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(script))
}

async fn index() -> Response {
    serve("text/html; charset=utf-8", built::SCRIPT.map(|_| INDEX))
}

async fn script() -> Response {
    serve("text/javascript; charset=utf-8", built::SCRIPT)
}

fn serve(content_type: &'static str, body: Result<&'static str, &'static str>) -> Response {
    match body {
        // no-cache: a rebuilt server must not leave browsers on the old page.
        Ok(text) => (
            [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")],
            text,
        )
            .into_response(),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            reason,
        )
            .into_response(),
    }
}
