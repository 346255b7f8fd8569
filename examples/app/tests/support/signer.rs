//! A test identity provider: an ES256 key pair whose public half the app
//! trusts through a JWKS file, and the tokens it signs.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use super::Server;

pub const ISSUER: &str = "https://clerk.journal.test";
pub const AUDIENCE: &str = "journal";

/// An ES256 key pair: signs tokens; its public JWK goes in the app's JWKS.
pub struct Signer {
    key: EncodingKey,
}

impl Signer {
    pub fn new() -> Signer {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("P-256 key generation");
        Signer {
            key: EncodingKey::from_ec_der(pkcs8.as_ref()),
        }
    }

    pub fn jwks(&self) -> Value {
        let mut jwk = Jwk::from_encoding_key(&self.key, Algorithm::ES256).unwrap();
        jwk.common.key_id = Some("test-key".into());
        json!({ "keys": [jwk] })
    }

    /// A token for `subject`, expiring `expires_in` seconds from now
    /// (negative: expired that long ago).
    pub fn token(&self, subject: &str, expires_in: i64) -> String {
        let now = i64::try_from(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap();
        let claims = json!({
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "email": format!("{subject}@example.com"),
            "iat": now,
            "exp": now + expires_in,
        });
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("test-key".into());
        jsonwebtoken::encode(&header, &claims, &self.key).unwrap()
    }

    /// Writes the JWKS into `dir` and starts the app on an in-memory
    /// database, trusting this signer.
    pub fn start_app(&self, dir: &Path) -> Server {
        let jwks = dir.join("jwks.json");
        std::fs::write(&jwks, self.jwks().to_string()).unwrap();
        start_app_trusting(&jwks)
    }
}

/// The app on an in-memory database, trusting the keys in the JWKS file `jwks`.
pub fn start_app_trusting(jwks: &Path) -> Server {
    let jwks = jwks.to_str().expect("a UTF-8 path");
    let args = [
        "--db",
        "sqlite::memory:",
        "--auth-issuer",
        ISSUER,
        "--auth-audience",
        AUDIENCE,
        "--auth-jwks",
        jwks,
    ];
    Server::start(&super::app_binary(), &args)
        .unwrap_or_else(|failure| panic!("the example app did not start: {failure}"))
}
