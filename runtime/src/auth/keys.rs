//! A provider's signing keys: the RS256 and ES256 keys of a JWKS, ready to
//! verify with, each bound to the one algorithm it may verify.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;

/// A key and the only algorithm it verifies. Binding the algorithm to the
/// key, not taking it from the token, is what defeats algorithm confusion.
pub(crate) struct Key {
    pub alg: Algorithm,
    pub decoding: DecodingKey,
}

/// The usable keys of one JWKS.
#[derive(Default)]
pub(crate) struct KeySet {
    // A JWKS holds a handful of keys: a list beats a map.
    keys: Vec<(Option<String>, Key)>,
}

/// The outcome of looking a token's key up.
pub(crate) enum Lookup<'a> {
    Found(&'a Key),
    /// The set has no key of that id (or, for a token without `kid`, none
    /// for its algorithm): a reason to refetch.
    Unknown,
    /// The key of that id verifies another algorithm.
    WrongAlgorithm(Algorithm),
    /// The token names no key and several fit.
    Ambiguous,
}

impl KeySet {
    /// The RS256 and ES256 signing keys of a JWKS document. Keys of other
    /// types, curves or algorithms, encryption keys and keys that do not
    /// parse are skipped, as OpenID providers publish those too.
    pub fn from_json(json: &[u8]) -> Result<KeySet, String> {
        #[derive(Deserialize)]
        struct Document {
            keys: Vec<serde_json::Value>,
        }
        let document: Document =
            serde_json::from_slice(json).map_err(|e| format!("not a JWKS document: {e}"))?;
        let keys = document
            .keys
            .into_iter()
            .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
            .filter_map(|jwk| {
                let key = usable_key(&jwk)?;
                Some((jwk.common.key_id, key))
            })
            .collect();
        Ok(KeySet { keys })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn find(&self, kid: Option<&str>, alg: Algorithm) -> Lookup<'_> {
        match kid {
            Some(kid) => {
                let mut named = self
                    .keys
                    .iter()
                    .filter(|(id, _)| id.as_deref() == Some(kid))
                    .map(|(_, key)| key)
                    .peekable();
                let Some(first) = named.peek().map(|key| key.alg) else {
                    return Lookup::Unknown;
                };
                named
                    .find(|key| key.alg == alg)
                    .map_or(Lookup::WrongAlgorithm(first), Lookup::Found)
            }
            None => {
                let mut fitting = self.keys.iter().filter(|(_, key)| key.alg == alg);
                match (fitting.next(), fitting.next()) {
                    (Some((_, key)), None) => Lookup::Found(key),
                    (None, _) => Lookup::Unknown,
                    (Some(_), Some(_)) => Lookup::Ambiguous,
                }
            }
        }
    }
}

/// `jwk` as a key for RS256 or ES256, or `None` if it is neither.
fn usable_key(jwk: &Jwk) -> Option<Key> {
    if jwk.common.public_key_use == Some(PublicKeyUse::Encryption) {
        return None;
    }
    let alg = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        _ => return None,
    };
    // A key that declares its algorithm is used for that algorithm only.
    let declared_fits = match jwk.common.key_algorithm {
        None => true,
        Some(KeyAlgorithm::RS256) => alg == Algorithm::RS256,
        Some(KeyAlgorithm::ES256) => alg == Algorithm::ES256,
        Some(_) => false,
    };
    if !declared_fits {
        return None;
    }
    let decoding = DecodingKey::from_jwk(jwk).ok()?;
    Some(Key { alg, decoding })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // A real 2048-bit modulus is not needed to test the selection, only one
    // that parses.
    const N: &str = "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw";
    const X: &str = "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4";
    const Y: &str = "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM";

    fn set(keys: serde_json::Value) -> KeySet {
        KeySet::from_json(json!({ "keys": keys }).to_string().as_bytes()).unwrap()
    }

    fn rsa(kid: &str) -> serde_json::Value {
        json!({"kty": "RSA", "kid": kid, "n": N, "e": "AQAB"})
    }

    fn ec(kid: &str) -> serde_json::Value {
        json!({"kty": "EC", "kid": kid, "crv": "P-256", "x": X, "y": Y})
    }

    #[test]
    fn keys_are_bound_to_their_algorithm() {
        let keys = set(json!([rsa("r"), ec("e")]));
        assert!(
            matches!(keys.find(Some("r"), Algorithm::RS256), Lookup::Found(k) if k.alg == Algorithm::RS256)
        );
        assert!(
            matches!(keys.find(Some("e"), Algorithm::ES256), Lookup::Found(k) if k.alg == Algorithm::ES256)
        );
        assert!(matches!(
            keys.find(Some("r"), Algorithm::ES256),
            Lookup::WrongAlgorithm(Algorithm::RS256)
        ));
        assert!(matches!(
            keys.find(Some("x"), Algorithm::RS256),
            Lookup::Unknown
        ));
    }

    #[test]
    fn a_token_without_kid_needs_exactly_one_fitting_key() {
        assert!(matches!(
            set(json!([rsa("a"), ec("b")])).find(None, Algorithm::RS256),
            Lookup::Found(_)
        ));
        assert!(matches!(
            set(json!([rsa("a"), rsa("b")])).find(None, Algorithm::RS256),
            Lookup::Ambiguous
        ));
        assert!(matches!(
            set(json!([ec("b")])).find(None, Algorithm::RS256),
            Lookup::Unknown
        ));
    }

    #[test]
    fn keys_that_cannot_sign_rs256_or_es256_are_skipped() {
        let mut encryption = rsa("enc");
        encryption["use"] = json!("enc");
        let mut rs512 = rsa("rs512");
        rs512["alg"] = json!("RS512");
        let mut declared = rsa("declared");
        declared["alg"] = json!("RS256");
        let keys = set(json!([
            encryption,
            rs512,
            declared,
            {"kty": "EC", "kid": "p384", "crv": "P-384", "x": X, "y": Y},
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            {"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": X},
            {"kty": "unheard-of"},
        ]));
        assert_eq!(keys.keys.len(), 1);
        assert!(matches!(
            keys.find(Some("declared"), Algorithm::RS256),
            Lookup::Found(_)
        ));
        assert!(matches!(
            keys.find(Some("hmac"), Algorithm::RS256),
            Lookup::Unknown
        ));
    }

    #[test]
    fn a_document_without_keys_is_an_error() {
        assert!(KeySet::from_json(b"{}").is_err());
        assert!(KeySet::from_json(b"<html>").is_err());
        assert!(KeySet::from_json(br#"{"keys": []}"#).unwrap().is_empty());
    }
}
