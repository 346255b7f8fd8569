//! The router behind a real socket on 127.0.0.1, called the way a browser
//! on another origin calls it: preflight, then POST; and a wrong method.

use crate::generated::FINGERPRINT;
use crate::test_router;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use schemabridge_runtime::axum;
use schemabridge_runtime::Cors;
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpStream};

const APP_ORIGIN: &str = "http://localhost:5173";

/// Serves the app with CORS for `APP_ORIGIN` on a free port.
async fn serve() -> SocketAddr {
    let app = test_router()
        .await
        .layer(Cors::allow_origins([APP_ORIGIN]).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// Sends one request over a new HTTP/1.1 connection.
async fn send(address: SocketAddr, request: Request<Full<Bytes>>) -> (Response<()>, String) {
    let stream = TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let body = String::from_utf8(body.to_vec()).unwrap();
    (Response::from_parts(parts, ()), body)
}

/// A request to `users.getProfile` of the server at `address`.
fn request(method: &str, address: SocketAddr) -> hyper::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(format!("http://{address}/api/users/getProfile"))
        .header("host", address.to_string())
}

#[tokio::test]
async fn browser_call_from_another_origin() {
    let address = serve().await;

    let preflight = request("OPTIONS", address)
        .header("origin", APP_ORIGIN)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-schemabridge-schema",
        )
        .body(Full::default())
        .unwrap();
    let (response, _) = send(address, preflight).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], APP_ORIGIN);
    assert_eq!(headers["access-control-allow-methods"], "POST");
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    assert!(allowed.contains("x-schemabridge-schema"), "{allowed}");

    let call = request("POST", address)
        .header("origin", APP_ORIGIN)
        .header("content-type", "application/json")
        .header("x-schemabridge-schema", FINGERPRINT)
        .body(Full::from(r#"{"userId":"nobody"}"#))
        .unwrap();
    let (response, body) = send(address, call).await;
    assert_eq!(response.status(), 200, "{body}");
    assert_eq!(body, r#"{"value":null}"#);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], APP_ORIGIN);
    let exposed = headers["access-control-expose-headers"].to_str().unwrap();
    assert!(
        exposed.contains("x-schemabridge-schema-mismatch"),
        "{exposed}"
    );
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let address = serve().await;
    let get = request("GET", address).body(Full::default()).unwrap();
    let (response, body) = send(address, get).await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}
