//! `Cors`: lets a browser app on another origin call the generated router.

use axum::http::{header, HeaderName, HeaderValue, Method};
use std::fmt;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_layer::Layer;

/// The request headers the generated TypeScript client sends.
/// `authorization` is there for the tokens a client passes in its
/// `headers` option; the browser sends nothing it is not allowed to.
const REQUEST_HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    HeaderName::from_static("x-schemabridge-schema"),
    header::AUTHORIZATION,
];

/// The response headers the generated client reads (schema drift detection).
const EXPOSED_HEADERS: [HeaderName; 2] = [
    HeaderName::from_static("x-schemabridge-schema"),
    HeaderName::from_static("x-schemabridge-schema-mismatch"),
];

/// CORS for the generated router, so that a browser app served from another
/// origin (such as a Vite dev server on `http://localhost:5173` calling a
/// server on port 3000) may call it. The router answers no CORS at all
/// unless this layer is added.
///
/// The generated client always sends `x-schemabridge-schema`, so every
/// browser call is preceded by an `OPTIONS` preflight; this layer answers
/// it, allowing `POST` with the headers the client sends (`content-type`,
/// `x-schemabridge-schema`, `authorization` and any added with
/// [`Cors::allow_header`]), and exposes the schema fingerprint headers the
/// client reads. Cookies are not allowed (no
/// `access-control-allow-credentials`).
///
/// ```
/// use schemabridge_runtime::axum::Router;
/// use schemabridge_runtime::Cors;
///
/// # fn generated_router() -> Router { Router::new() }
/// let cors = Cors::allow_origins(["http://localhost:5173"]).expect("a valid origin");
/// let app: Router = generated_router().layer(cors);
/// # drop(app);
/// ```
///
/// Added to a router that also serves the user's own routes, the layer
/// applies to those too: it answers every `OPTIONS` request as a preflight.
#[derive(Clone, Debug)]
pub struct Cors {
    origins: AllowOrigin,
    headers: Vec<HeaderName>,
    max_age: Option<Duration>,
}

impl Cors {
    /// Allows calls from exactly these origins, each written as the browser
    /// sends it in the `Origin` header: scheme, host and port only, such as
    /// `https://app.example.com` or `http://localhost:5173`.
    ///
    /// # Errors
    ///
    /// When an origin has a path (a trailing `/` included, which would
    /// never match), is no `http`/`https` origin, or is `*` (use
    /// [`Cors::allow_any_origin`]).
    pub fn allow_origins<I>(origins: I) -> Result<Self, InvalidOrigin>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let origins = origins
            .into_iter()
            .map(|origin| parse_origin(origin.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Cors::with_origins(AllowOrigin::list(origins)))
    }

    /// Allows calls from any origin (`access-control-allow-origin: *`):
    /// for a public API, or a development server reached under changing
    /// addresses.
    pub fn allow_any_origin() -> Self {
        Cors::with_origins(AllowOrigin::any())
    }

    /// Also allows the request header `name`, for headers a client adds
    /// through its `headers` option (such as `x-request-id`).
    pub fn allow_header(mut self, name: HeaderName) -> Self {
        self.headers.push(name);
        self
    }

    /// How long a browser may cache a preflight answer
    /// (`access-control-max-age`); browsers cap it, Chromium at 2 hours.
    /// Without it each browser uses its own default (5 seconds in Chromium).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    fn with_origins(origins: AllowOrigin) -> Self {
        Cors {
            origins,
            headers: REQUEST_HEADERS.to_vec(),
            max_age: None,
        }
    }
}

impl<S> Layer<S> for Cors {
    type Service = tower_http::cors::Cors<S>;

    fn layer(&self, inner: S) -> Self::Service {
        let mut layer = CorsLayer::new()
            .allow_origin(self.origins.clone())
            .allow_methods([Method::POST])
            .allow_headers(self.headers.clone())
            .expose_headers(EXPOSED_HEADERS);
        if let Some(max_age) = self.max_age {
            layer = layer.max_age(max_age);
        }
        layer.layer(inner)
    }
}

/// Checks that `origin` is what a browser sends as `Origin`.
fn parse_origin(origin: &str) -> Result<HeaderValue, InvalidOrigin> {
    let invalid = |reason| InvalidOrigin {
        origin: origin.to_owned(),
        reason,
    };
    if origin == "*" {
        return Err(invalid("`*` is no origin; use Cors::allow_any_origin"));
    }
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| invalid("an origin starts with http:// or https://"))?;
    if rest.is_empty() {
        return Err(invalid("the host is missing"));
    }
    if rest.contains('/') {
        return Err(invalid(
            "an origin has no path, not even a trailing `/` (browsers send e.g. `http://localhost:5173`)",
        ));
    }
    HeaderValue::from_str(origin).map_err(|_| invalid("it is no valid header value"))
}

/// An origin given to [`Cors::allow_origins`] that no browser would send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidOrigin {
    origin: String,
    reason: &'static str,
}

impl fmt::Display for InvalidOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid CORS origin {:?}: {}", self.origin, self.reason)
    }
}

impl std::error::Error for InvalidOrigin {}
