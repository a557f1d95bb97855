//! Builds JWTs byte by byte, so that every forged token a resource server
//! must refuse can be made: any header, any claims, any (or no) signature.

use aws_lc_rs::hmac;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::Rng;
use serde_json::{Map, Value, json};

use crate::SigningKey;

/// The client the test tokens are issued to.
pub const CLIENT_ID: &str = "demo-spa";

/// base64url without padding (RFC 7515 §2).
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A JWT's header and claims, to be signed (or not) in any way.
#[derive(Clone, Debug)]
pub struct TokenBuilder {
    header: Map<String, Value>,
    claims: Map<String, Value>,
}

impl TokenBuilder {
    /// An access token as the mock issuer (RFC 9068) mints it: typ
    /// `at+jwt`, the API plus the userinfo URL as audiences, both `azp`
    /// and `client_id`, scopes, one hour of life.
    pub fn access_token(issuer: &str, audience: &str, key: &SigningKey, now: u64) -> Self {
        let jti: u128 = rand::rng().random();
        Self {
            header: object(json!({ "alg": key.alg, "typ": "at+jwt", "kid": key.kid })),
            claims: object(json!({
                "iss": issuer,
                "sub": "user|alice",
                "aud": [audience, format!("{issuer}/userinfo")],
                "azp": CLIENT_ID,
                "client_id": CLIENT_ID,
                "scope": "openid profile read:messages write:messages",
                "iat": now,
                "exp": now + 3600,
                "jti": format!("{jti:032x}"),
            })),
        }
    }

    /// An id_token (OpenID Connect Core §2): typ `JWT`, the client as its
    /// audience, a nonce, no scope.
    pub fn id_token(issuer: &str, key: &SigningKey, now: u64) -> Self {
        Self {
            header: object(json!({ "alg": key.alg, "typ": "JWT", "kid": key.kid })),
            claims: object(json!({
                "iss": issuer,
                "sub": "user|alice",
                "aud": CLIENT_ID,
                "azp": CLIENT_ID,
                "nonce": "n-0S6_WzA2Mj",
                "iat": now,
                "exp": now + 3600,
            })),
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.header.insert(name.to_owned(), value.into());
        self
    }

    pub fn without_header(mut self, name: &str) -> Self {
        self.header.remove(name);
        self
    }

    pub fn claim(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.claims.insert(name.to_owned(), value.into());
        self
    }

    pub fn without_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// `base64url(header) "." base64url(claims)` (RFC 7515 §5.1).
    pub fn signing_input(&self) -> String {
        format!(
            "{}.{}",
            b64(serde_json::to_vec(&self.header).unwrap()),
            b64(serde_json::to_vec(&self.claims).unwrap())
        )
    }

    /// Signed with `key` using its own algorithm, whatever the header says.
    pub fn sign(&self, key: &SigningKey) -> String {
        let input = self.signing_input();
        let signature = key.sign(input.as_bytes());
        format!("{input}.{}", b64(signature))
    }

    /// HMAC-SHA256 with `secret` (RFC 7518 §3.2).
    pub fn sign_hs256(&self, secret: &[u8]) -> String {
        let input = self.signing_input();
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), input.as_bytes());
        format!("{input}.{}", b64(tag.as_ref()))
    }

    /// An unsecured JWS (RFC 7519 §6): empty signature.
    pub fn unsigned(&self) -> String {
        format!("{}.", self.signing_input())
    }
}

/// The same token with one bit of its signature flipped.
pub fn flip_signature_bit(token: &str) -> String {
    let (input, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[10] ^= 0x01;
    format!("{input}.{}", b64(bytes))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}
