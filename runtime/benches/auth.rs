//! How long `Auth::verify` takes with the key cached: the cost identity adds
//! to every authenticated call. Prints the median and p99 of 10,000
//! verifications each of an RS256 and an ES256 token, and of bare
//! `jsonwebtoken::decode` on the RS256 token for comparison.
//!
//! `cargo bench -p schemabridge-runtime --bench auth`

#[allow(dead_code)]
#[path = "../tests/auth/provider.rs"]
mod provider;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{DecodingKey, Validation};
use provider::{claims, jwks, SigningKey};
use schemabridge_runtime::auth::{Auth, AuthConfig, JwksSource, Provider};
use std::hint::black_box;
use std::time::{Duration, Instant};

const ISSUER: &str = "https://id.example.com";
const AUDIENCE: &str = "convex";
const WARM_UP: usize = 1_000;
const RUNS: usize = 10_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let rsa = SigningKey::rsa("rsa");
    let ec = SigningKey::ec("ec");

    // Keys from a file: the cache is full from the start and nothing is
    // fetched, so only verification is timed.
    let path = std::env::temp_dir().join(format!("schemabridge-bench-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&rsa, &ec]).to_string()).expect("write JWKS");
    let config =
        AuthConfig::new(
            [Provider::new(ISSUER, AUDIENCE).with_jwks(JwksSource::File(path.clone()))],
        );
    let auth = runtime.block_on(Auth::new(config)).expect("auth");
    std::fs::remove_file(&path).expect("remove JWKS");

    let mut claims = claims(ISSUER, AUDIENCE);
    claims["email"] = serde_json::json!("ada@example.com");
    claims["name"] = serde_json::json!("Ada Lovelace");

    for key in [&rsa, &ec] {
        let token = key.sign(&claims);
        let times = runtime.block_on(async {
            time(|| async {
                black_box(auth.verify(black_box(&token)).await.expect("valid"));
            })
            .await
        });
        report(&format!("Auth::verify {:?}", key.alg), &times);
    }

    let token = rsa.sign(&claims);
    let jwk: Jwk = serde_json::from_value(rsa.jwk()).expect("JWK");
    let key = DecodingKey::from_jwk(&jwk).expect("key");
    let mut validation = Validation::new(rsa.alg);
    validation.set_audience(&[AUDIENCE]);
    let times = runtime.block_on(time(|| async {
        black_box(
            jsonwebtoken::decode::<serde_json::Value>(black_box(&token), &key, &validation)
                .expect("valid"),
        );
    }));
    report("jsonwebtoken::decode RS256", &times);
}

/// The duration of each of [`RUNS`] calls of `call`, after [`WARM_UP`].
async fn time<F, Fut>(call: F) -> Vec<Duration>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..WARM_UP {
        call().await;
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        call().await;
        times.push(start.elapsed());
    }
    times.sort();
    times
}

fn report(what: &str, sorted: &[Duration]) {
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    println!(
        "{what:<28} median {:>7.1} µs   p99 {:>7.1} µs   ({} runs)",
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6,
        sorted.len()
    );
}
