//! Identity through the router: tokens verified before any handler runs,
//! `auth: required` functions refused without one, a bad token refused on
//! every function, and actions passing their caller on.

use crate::generated::{DataModel, FINGERPRINT};
use crate::{memory_store, send, Answer};
use schemabridge_runtime::__private::RouterBuilder;
use schemabridge_runtime::auth::JwksSource;
use schemabridge_runtime::axum::http::Method;
use schemabridge_runtime::axum::Router;
use schemabridge_runtime::{
    ActionCtx, Anyone, ApiError, Auth, AuthConfig, FunctionRef, Provider, QueryCtx, QueryKind,
    RouterOptions, SignedIn,
};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

#[path = "../auth/provider.rs"]
#[allow(dead_code)]
mod provider;

use provider::{now, SigningKey};

const ISSUER: &str = "https://issuer.test";
const AUDIENCE: &str = "journal";

/// The handlers' state: which handlers ran, and as whom.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn note(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn subject(identity: Option<&schemabridge_runtime::Identity>) -> String {
    identity.map_or_else(|| "anonymous".to_owned(), |i| i.subject.clone())
}

const ME: FunctionRef<QueryKind, Value, Value> = FunctionRef::new("users", "me");

/// A router whose `me` requires a caller, `hello` admits anyone, `relay`
/// (an action anyone may call) runs `me`, and `signedRelay` (an action
/// that requires a caller) runs the internal `inside`.
fn router(seen: Seen, store: schemabridge_runtime::Store, options: RouterOptions) -> Router {
    RouterBuilder::<Seen, DataModel>::new(seen, FINGERPRINT, store)
        .options(options)
        .query(
            "users",
            "me",
            |s: Seen, ctx: QueryCtx<DataModel, SignedIn>, _: Value| async move {
                let caller = ctx.identity();
                s.note(format!("me {}", caller.subject));
                Ok(json!({
                    "subject": caller.subject,
                    "issuer": caller.issuer,
                    "tokenIdentifier": caller.token_identifier,
                    "email": caller.email,
                    "org": caller.claims.get("org_id"),
                }))
            },
        )
        .query(
            "users",
            "hello",
            |s: Seen, ctx: QueryCtx<DataModel, Anyone>, _: Value| async move {
                let who = subject(ctx.identity());
                s.note(format!("hello {who}"));
                Ok(json!(who))
            },
        )
        .action(
            "users",
            "relay",
            |s: Seen, ctx: ActionCtx<DataModel, Anyone>, _: Value| async move {
                s.note(format!("relay {}", subject(ctx.identity())));
                ctx.run_query(ME, json!({})).await
            },
        )
        .internal_query(
            "users",
            "inside",
            |s: Seen, ctx: QueryCtx<DataModel, SignedIn>, _: Value| async move {
                s.note(format!("inside {}", ctx.identity().token_identifier));
                Ok::<_, ApiError>(json!(ctx.identity().subject))
            },
        )
        .action(
            "users",
            "signedRelay",
            |s: Seen, ctx: ActionCtx<DataModel, SignedIn>, _: Value| async move {
                s.note(format!("signedRelay {}", ctx.identity().subject));
                let inside = FunctionRef::<QueryKind, Value, Value>::new("users", "inside");
                ctx.run_query(inside, json!({})).await
            },
        )
        .finish()
}

/// The signing key, and an `Auth` that trusts it through a JWKS file.
struct Issuer {
    key: SigningKey,
    auth: Auth,
}

impl Issuer {
    async fn new() -> Issuer {
        let key = SigningKey::ec("key-1");
        let path = std::env::temp_dir().join(format!(
            "schemabridge-identity-{}-{}.json",
            std::process::id(),
            now_nanos()
        ));
        std::fs::write(&path, provider::jwks(&[&key]).to_string()).unwrap();
        let provider = Provider::new(ISSUER, AUDIENCE).with_jwks(JwksSource::File(path.clone()));
        let auth = Auth::new(AuthConfig::new([provider])).await.unwrap();
        let _ = std::fs::remove_file(&path);
        Issuer { key, auth }
    }

    fn token(&self, changes: Value) -> String {
        let mut claims = json!({
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "user_2abc",
            "email": "ada@example.com",
            "org_id": "org_9",
            "iat": now(),
            "exp": now() + 600,
        });
        for (name, value) in changes.as_object().unwrap() {
            claims[name] = value.clone();
        }
        self.key.sign(&claims)
    }
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

async fn call(router: &Router, function: &str, token: Option<&str>) -> Answer {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .as_deref()
        .map(|b| vec![("authorization", b)])
        .unwrap_or_default();
    let path = format!("/api/users/{function}");
    send(router.clone(), Method::POST, &path, "{}", &headers).await
}

async fn signed_in_router() -> (Issuer, Seen, Router) {
    let issuer = Issuer::new().await;
    let seen = Seen::default();
    let options = RouterOptions::new().auth(issuer.auth.clone());
    let router = router(seen.clone(), memory_store().await, options);
    (issuer, seen, router)
}

#[tokio::test]
async fn a_required_function_gets_the_identity_of_a_valid_token_unchanged() {
    let (issuer, seen, router) = signed_in_router().await;
    let answer = call(&router, "me", Some(&issuer.token(json!({})))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body["value"],
        json!({
            "subject": "user_2abc",
            "issuer": ISSUER,
            "tokenIdentifier": format!("{ISSUER}|user_2abc"),
            "email": "ada@example.com",
            "org": "org_9",
        })
    );
    assert_eq!(seen.take(), ["me user_2abc"]);
}

#[tokio::test]
async fn an_optional_function_sees_a_caller_only_when_a_token_came() {
    let (issuer, seen, router) = signed_in_router().await;
    let with = call(&router, "hello", Some(&issuer.token(json!({"sub": "bob"})))).await;
    assert_eq!(with.body["value"], "bob");
    let without = call(&router, "hello", None).await;
    assert_eq!(without.body["value"], "anonymous");
    assert_eq!(seen.take(), ["hello bob", "hello anonymous"]);
}

#[tokio::test]
async fn a_required_function_without_a_token_is_401_and_its_handler_never_runs() {
    let (_issuer, seen, router) = signed_in_router().await;
    for function in ["me", "signedRelay"] {
        let answer = call(&router, function, None).await;
        let message = answer.error(401, "unauthenticated")["message"]
            .as_str()
            .unwrap();
        assert!(message.contains("signed-in caller"), "{message}");
    }
    assert!(seen.take().is_empty());
}

#[tokio::test]
async fn a_bad_token_is_401_on_every_function_never_an_anonymous_call() {
    let (issuer, seen, router) = signed_in_router().await;
    let forged = SigningKey::ec("key-1").sign(&json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "exp": now() + 600,
    }));
    let bad = [
        ("expired", issuer.token(json!({"exp": now() - 600}))),
        (
            "foreign issuer",
            issuer.token(json!({"iss": "https://other.test"})),
        ),
        (
            "other audience",
            issuer.token(json!({"aud": "another-app"})),
        ),
        ("bad signature", forged),
        ("not a JWT", "garbage".to_owned()),
    ];
    for (what, token) in &bad {
        for function in ["hello", "relay", "me"] {
            let answer = call(&router, function, Some(token)).await;
            assert_eq!(answer.status, 401, "{what} on {function}: {}", answer.body);
            answer.error(401, "unauthenticated");
        }
    }
    assert!(seen.take().is_empty(), "a handler ran for a refused call");
}

#[tokio::test]
async fn actions_run_functions_as_their_caller() {
    let (issuer, seen, router) = signed_in_router().await;
    let token = issuer.token(json!({"sub": "carol"}));
    // An optional action's caller reaches the required query it runs.
    let relayed = call(&router, "relay", Some(&token)).await;
    assert_eq!(
        relayed.body["value"]["subject"], "carol",
        "{}",
        relayed.body
    );
    // ... and without a caller the query refuses the action's call.
    let anonymous = call(&router, "relay", None).await;
    anonymous.error(401, "unauthenticated");
    // A required action passes its caller to an internal function.
    let inside = call(&router, "signedRelay", Some(&token)).await;
    assert_eq!(inside.body["value"], "carol", "{}", inside.body);
    assert_eq!(
        seen.take(),
        [
            "relay carol".to_owned(),
            "me carol".to_owned(),
            "relay anonymous".to_owned(),
            "signedRelay carol".to_owned(),
            format!("inside {ISSUER}|carol"),
        ]
    );
}

#[tokio::test]
async fn without_an_auth_configuration_required_functions_are_401_and_tokens_unread() {
    let seen = Seen::default();
    let router = router(seen.clone(), memory_store().await, RouterOptions::new());
    call(&router, "me", Some("anything"))
        .await
        .error(401, "unauthenticated");
    // Nothing verifies tokens, so none makes a caller: the header stays
    // the handler's to read.
    let answer = call(&router, "hello", Some("anything")).await;
    assert_eq!(answer.body["value"], "anonymous");
    assert_eq!(seen.take(), ["hello anonymous"]);
}
