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

/// The answer at `/` and `/app.js` when build.rs found no esbuild.
const NOT_BUILT: &str =
    "the web page was not built: run `npm ci` in the repository root and rebuild";

/// The routes of the page, to merge with the API's router.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(|| async { index(built::SCRIPT) }))
        .route("/app.js", get(|| async { script(built::SCRIPT) }))
}

fn index(script: Option<&'static str>) -> Response {
    serve("text/html; charset=utf-8", script.map(|_| INDEX))
}

fn script(script: Option<&'static str>) -> Response {
    serve("text/javascript; charset=utf-8", script)
}

fn serve(content_type: &'static str, body: Option<&'static str>) -> Response {
    match body {
        // no-cache: a rebuilt server must not leave browsers on the old page.
        Some(text) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            text,
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            NOT_BUILT,
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemabridge_runtime::axum::body::to_bytes;

    async fn parts(response: Response) -> (StatusCode, String, String) {
        let status = response.status();
        let content_type = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (
            status,
            content_type,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    #[tokio::test]
    async fn without_a_built_script_both_routes_say_how_to_build_it() {
        for response in [index(None), script(None)] {
            let (status, content_type, body) = parts(response).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(content_type, "text/plain; charset=utf-8");
            assert_eq!(
                body,
                "the web page was not built: run `npm ci` in the repository root and rebuild"
            );
        }
    }

    #[tokio::test]
    async fn with_a_built_script_the_page_loads_it() {
        let (status, content_type, body) = parts(index(Some("console.log(1)"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "text/html; charset=utf-8");
        assert!(
            body.contains(r#"<script type="module" src="/app.js">"#),
            "{body}"
        );
        let (status, content_type, body) = parts(script(Some("console.log(1)"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "text/javascript; charset=utf-8");
        assert_eq!(body, "console.log(1)");
    }
}
