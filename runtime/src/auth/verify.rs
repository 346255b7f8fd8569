//! The signature and claim checks of one token against one key, done by
//! `jsonwebtoken`; this module only says what to require and words its
//! refusals.

use super::keys::Key;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};
use std::time::Duration;

/// What one provider requires of its tokens' claims.
pub(crate) struct Rules {
    rs256: Validation,
    es256: Validation,
}

impl Rules {
    pub fn new(issuer: &str, audience: &str, leeway: Duration) -> Rules {
        let validation = |alg| {
            let mut v = Validation::new(alg);
            v.set_issuer(&[issuer]);
            v.set_audience(&[audience]);
            // A missing `iss` or `aud` is a mismatch, not a pass; a token
            // without `exp` would never expire; `sub` is who the caller is.
            v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
            v.validate_exp = true;
            v.validate_nbf = true;
            v.leeway = leeway.as_secs();
            v
        };
        Rules {
            rs256: validation(Algorithm::RS256),
            es256: validation(Algorithm::ES256),
        }
    }

    /// The claims of `token` if `key` signed it and the claims hold.
    pub fn check(&self, token: &str, key: &Key) -> Result<Map<String, Value>, String> {
        let validation = match key.alg {
            Algorithm::ES256 => &self.es256,
            _ => &self.rs256,
        };
        jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, validation)
            .map(|data| data.claims)
            .map_err(|e| refusal(e.kind()))
    }
}

fn refusal(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::InvalidSignature => "the token's signature is invalid".into(),
        ErrorKind::ExpiredSignature => "the token has expired".into(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
        ErrorKind::InvalidIssuer => "the token's issuer (iss) is not accepted".into(),
        ErrorKind::InvalidAudience => "the token is meant for another audience (aud)".into(),
        ErrorKind::InvalidSubject => "the token's subject (sub) is not accepted".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("the token has no `{claim}` claim"),
        ErrorKind::InvalidClaimFormat(claim) => {
            format!("the token's `{claim}` claim has the wrong type")
        }
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            "the token's algorithm does not match its key".into()
        }
        ErrorKind::Base64(_)
        | ErrorKind::Json(_)
        | ErrorKind::Utf8(_)
        | ErrorKind::InvalidToken => "the token is malformed".into(),
        other => format!("the token could not be verified: {other:?}"),
    }
}
