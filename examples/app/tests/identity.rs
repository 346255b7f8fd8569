//! The example app signed in (SPEC §8, §11): the binary runs with
//! `--auth-issuer`, `--auth-audience` and a JWKS file holding the public
//! half of a key pair this test generates and signs tokens with. The
//! signed-in functions are called over HTTP, then through the generated
//! TypeScript client under Node (tests/identity/client.ts).

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use std::time::Duration;
use support::signer::{start_app_trusting, Signer};
use support::typescript::{scratch, Compile};
use support::Server;

/// The running app, signed in through `jwks`; killed when dropped.
struct App {
    // Killed when dropped.
    _server: Server,
    base: String,
    agent: ureq::Agent,
}

impl App {
    fn start(jwks: &Path) -> App {
        let server = start_app_trusting(jwks);
        let base = format!("http://{}", server.address());
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        App {
            _server: server,
            base,
            agent,
        }
    }

    /// `POST /api/{path}` with `args` and maybe a bearer token.
    fn call(&self, path: &str, args: Value, token: Option<&str>) -> (u16, Value) {
        let mut request = self
            .agent
            .post(format!("{}/api/{path}", self.base))
            .header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let mut response = request
            .send(args.to_string())
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().expect("a body");
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
        (status, body)
    }

    #[track_caller]
    fn refused(&self, path: &str, args: Value, token: Option<&str>) {
        let (status, body) = self.call(path, args, token);
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("unauthenticated")),
            "{path}: {body}"
        );
    }
}

fn started() -> (Signer, App) {
    let signer = Signer::new();
    let jwks = scratch("identity", "jwks").join("jwks.json");
    std::fs::write(&jwks, signer.jwks().to_string()).unwrap();
    let app = App::start(&jwks);
    (signer, app)
}

#[test]
fn register_and_me_act_for_the_token_subject() {
    let (signer, app) = started();
    let token = signer.token("user_grace", 600);
    let email = json!({ "email": "grace@example.com" });

    // Without a token: 401 and nothing stored.
    app.refused("users/register", email.clone(), None);
    app.refused("users/me", json!({}), None);
    let (_, nobody) = app.call("users/byClerkId", json!({ "clerkId": "user_grace" }), None);
    assert_eq!(nobody["value"], Value::Null);

    let (status, id) = app.call("users/register", email.clone(), Some(&token));
    assert_eq!(status, 200, "{id}");
    let (status, me) = app.call("users/me", json!({}), Some(&token));
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["value"]["_id"], id["value"]);
    assert_eq!(me["value"]["clerkId"], "user_grace");
    assert_eq!(me["value"]["email"], "grace@example.com");

    // A second registration of the same subject is the create rule's 409.
    let (status, again) = app.call("users/register", email, Some(&token));
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("already_exists"))
    );

    // Another signed-in caller has no user.
    let (_, other) = app.call("users/me", json!({}), Some(&signer.token("user_x", 600)));
    assert_eq!(other["value"], Value::Null);
}

#[test]
fn a_bad_token_is_refused_even_on_functions_open_to_anyone() {
    let (signer, app) = started();
    let stranger = Signer::new().token("user_grace", 600);
    let expired = signer.token("user_grace", -600);
    for token in [stranger.as_str(), expired.as_str(), "not-a-jwt"] {
        app.refused("users/byClerkId", json!({ "clerkId": "a" }), Some(token));
        app.refused(
            "users/create",
            json!({ "clerkId": "a", "email": "a@x" }),
            Some(token),
        );
        app.refused("users/me", json!({}), Some(token));
    }
    // Nothing was written by the refused create.
    let (_, found) = app.call("users/byClerkId", json!({ "clerkId": "a" }), None);
    assert_eq!(found["value"], Value::Null);
}

#[test]
fn the_typescript_client_signs_in_refreshes_and_signs_out() {
    let dir = scratch("identity", "ts");
    let out = Compile {
        files: vec!["examples/app/tests/identity/client.ts".into()],
        ..Compile::default()
    }
    .run(&dir);

    let (signer, app) = started();
    let tokens = json!({
        // Past the server's 60 s of leeway: refused, so the client refreshes.
        "expired": signer.token("user_ada", -600),
        "fresh": signer.token("user_ada", 600),
        "other": signer.token("user_babbage", 600),
    });
    let run = Command::new("node")
        .arg(out.join("client.js"))
        .env("SCHEMABRIDGE_URL", &app.base)
        .env("SCHEMABRIDGE_TOKENS", tokens.to_string())
        .output()
        .expect("node runs the client");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "the client failed:\n{printed}");
    assert!(printed.contains("identity client: ok"), "{printed}");
    let _ = std::fs::remove_dir_all(&dir);
}
