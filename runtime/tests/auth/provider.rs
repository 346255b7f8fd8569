//! A local OpenID provider: a loopback HTTP server serving a discovery
//! document and a JWKS, counting the requests, whose keys the tests
//! generate, rotate and sign tokens with.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use schemabridge_runtime::axum::extract::State;
use schemabridge_runtime::axum::routing::get;
use schemabridge_runtime::axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// A key pair that signs tokens, with its public half as a JWK.
pub struct SigningKey {
    pub kid: String,
    pub alg: Algorithm,
    encoding: EncodingKey,
    /// The public key's DER, what an HS256 forger would use as the secret.
    pub public_der: Vec<u8>,
}

impl SigningKey {
    /// An RSA key, the same one for every call: generating a 2048-bit key
    /// takes long enough to slow the suite down.
    pub fn rsa(kid: &str) -> SigningKey {
        static PAIR: OnceLock<KeyPair> = OnceLock::new();
        Self::from_rsa(kid, PAIR.get_or_init(generate_rsa))
    }

    /// An RSA key that is not [`SigningKey::rsa`]'s.
    pub fn other_rsa(kid: &str) -> SigningKey {
        static PAIR: OnceLock<KeyPair> = OnceLock::new();
        Self::from_rsa(kid, PAIR.get_or_init(generate_rsa))
    }

    fn from_rsa(kid: &str, pair: &KeyPair) -> SigningKey {
        let pkcs8 = pair.as_der().expect("PKCS#8 encoding");
        // jsonwebtoken signs RS256 with a PKCS#1 key, the inside of PKCS#8.
        let info = pkcs8::PrivateKeyInfo::try_from(pkcs8.as_ref()).expect("PKCS#8 parses");
        let public_der = aws_lc_rs::signature::KeyPair::public_key(pair)
            .as_der()
            .expect("public key DER")
            .as_ref()
            .to_vec();
        SigningKey {
            kid: kid.to_owned(),
            alg: Algorithm::RS256,
            encoding: EncodingKey::from_rsa_der(info.private_key),
            public_der,
        }
    }

    pub fn ec(kid: &str) -> SigningKey {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("P-256 key generation");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
            .expect("P-256 key parses");
        SigningKey {
            kid: kid.to_owned(),
            alg: Algorithm::ES256,
            encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
            public_der: aws_lc_rs::signature::KeyPair::public_key(&pair)
                .as_ref()
                .to_vec(),
        }
    }

    /// The public key as a JWK, naming its kid and algorithm.
    pub fn jwk(&self) -> Value {
        let mut jwk = Jwk::from_encoding_key(&self.encoding, self.alg).expect("JWK");
        jwk.common.key_id = Some(self.kid.clone());
        serde_json::to_value(jwk).expect("JWK serializes")
    }

    /// `claims` signed by this key, the header naming its kid.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_as(&self.kid, claims)
    }

    /// `claims` signed by this key, the header naming `kid`.
    pub fn sign_as(&self, kid: &str, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("signing")
    }
}

fn generate_rsa() -> KeyPair {
    KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation")
}

/// A JWKS document holding `keys`.
pub fn jwks(keys: &[&SigningKey]) -> Value {
    json!({ "keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>() })
}

pub fn now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_secs()).unwrap()
}

/// Claims a provider would issue: valid for ten minutes from now.
pub fn claims(issuer: &str, audience: &str) -> Value {
    json!({
        "iss": issuer,
        "aud": audience,
        "sub": "user_2abc",
        "iat": now(),
        "exp": now() + 600,
    })
}

struct Served {
    issuer: String,
    jwks: Mutex<Value>,
    discovery: Mutex<Option<Value>>,
    jwks_fetches: AtomicUsize,
    discovery_fetches: AtomicUsize,
}

/// The running provider. Its task ends with the test's runtime.
pub struct OidcProvider {
    pub issuer: String,
    served: Arc<Served>,
}

impl OidcProvider {
    /// A provider on 127.0.0.1 serving `jwks`.
    pub async fn start(jwks: Value) -> OidcProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let served = Arc::new(Served {
            issuer: issuer.clone(),
            jwks: Mutex::new(jwks),
            discovery: Mutex::new(None),
            jwks_fetches: AtomicUsize::new(0),
            discovery_fetches: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(keys))
            .with_state(Arc::clone(&served));
        tokio::spawn(async move { schemabridge_runtime::axum::serve(listener, app).await });
        OidcProvider { issuer, served }
    }

    pub fn jwks_url(&self) -> String {
        format!("{}/jwks", self.issuer)
    }

    /// Serve `jwks` from now on: a key rotation.
    pub fn rotate(&self, jwks: Value) {
        *self.served.jwks.lock().unwrap() = jwks;
    }

    /// Serve `document` as the discovery document instead of the real one.
    pub fn serve_discovery(&self, document: Value) {
        *self.served.discovery.lock().unwrap() = Some(document);
    }

    pub fn jwks_fetches(&self) -> usize {
        self.served.jwks_fetches.load(Ordering::SeqCst)
    }

    pub fn discovery_fetches(&self) -> usize {
        self.served.discovery_fetches.load(Ordering::SeqCst)
    }

    pub fn claims(&self, audience: &str) -> Value {
        claims(&self.issuer, audience)
    }
}

async fn discovery(State(served): State<Arc<Served>>) -> Json<Value> {
    served.discovery_fetches.fetch_add(1, Ordering::SeqCst);
    let replaced = served.discovery.lock().unwrap().clone();
    Json(replaced.unwrap_or_else(|| {
        json!({
            "issuer": served.issuer,
            "jwks_uri": format!("{}/jwks", served.issuer),
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        })
    }))
}

async fn keys(State(served): State<Arc<Served>>) -> Json<Value> {
    served.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    Json(served.jwks.lock().unwrap().clone())
}
