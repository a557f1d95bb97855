//! Reading a JWS in compact serialization (RFC 7515 §7.1) without trusting
//! it yet: the caller verifies the signature over [`CompactJws::signing_input`]
//! with a key it chose, then checks the claims.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The JOSE header fields a client must look at (RFC 7515 §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JoseHeader {
    /// RFC 7515 §4.1.1: the signing algorithm. Checked against an allow-list
    /// (RFC 8725 §3.1), never trusted to pick the verification.
    pub alg: String,
    /// RFC 7515 §4.1.9: media type (`JWT`, `at+jwt`), RFC 8725 §3.11.
    #[serde(default)]
    pub typ: Option<String>,
    /// RFC 7515 §4.1.4: which key of the issuer's JWKS signed it.
    #[serde(default)]
    pub kid: Option<String>,
    /// RFC 7515 §4.1.11: extensions the recipient MUST understand.
    #[serde(default)]
    pub crit: Option<Vec<String>>,
    /// RFC 7515 §4.1.2: a URL for keys. Never followed (RFC 8725 §3.10).
    #[serde(default)]
    pub jku: Option<Value>,
    /// RFC 7515 §4.1.3: an embedded key. Never trusted.
    #[serde(default)]
    pub jwk: Option<Value>,
    /// RFC 7515 §4.1.5: a certificate URL. Never followed.
    #[serde(default)]
    pub x5u: Option<Value>,
}

/// A parsed but unverified compact JWS whose payload is a JSON object read
/// as `C`: a claims model such as [`IdTokenClaims`](crate::IdTokenClaims),
/// or every claim as it came (the default).
#[derive(Clone, PartialEq, Eq)]
pub struct CompactJws<'a, C = Map<String, Value>> {
    /// The decoded protected header.
    pub header: JoseHeader,
    /// The decoded payload (the claims of a JWT).
    pub claims: C,
    /// `base64url(header) || '.' || base64url(payload)`: the bytes signed.
    pub signing_input: &'a str,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

impl<C: std::fmt::Debug> std::fmt::Debug for CompactJws<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The signing input is the token itself: never print it.
        f.debug_struct("CompactJws")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

/// Why a string is not a compact JWS.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    /// RFC 7515 §7.1: exactly three base64url segments.
    #[error("a JWS has three dot-separated parts; this has {0}")]
    Segments(usize),
    /// RFC 7515 §2: base64url without padding.
    #[error("the {0} is not base64url")]
    Base64(&'static str),
    /// RFC 7519 §7.2: header and claims are JSON objects.
    #[error("the {0} is not a JSON object")]
    Json(&'static str),
}

/// JSON text, which is UTF-8 (RFC 8259 §8.1). Parsed as `&str`, like every
/// other JSON the client reads, so the wasm holds one copy of serde_json's
/// parser instead of two (it is generic over its input).
fn json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    serde_json::from_str(std::str::from_utf8(bytes).ok()?).ok()
}

impl<'a, C: serde::de::DeserializeOwned> CompactJws<'a, C> {
    /// Splits and decodes `token`; nothing is verified.
    pub fn parse(token: &'a str) -> Result<Self, JwsError> {
        let parts: Vec<&str> = token.split('.').collect();
        let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
            return Err(JwsError::Segments(parts.len()));
        };
        let decode = |part: &str, what| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| JwsError::Base64(what))
        };
        let header_bytes = decode(header_b64, "header")?;
        let payload_bytes = decode(payload_b64, "payload")?;
        let signature = decode(signature_b64, "signature")?;
        let header: JoseHeader = json(&header_bytes).ok_or(JwsError::Json("header"))?;
        let claims: C = json(&payload_bytes).ok_or(JwsError::Json("payload"))?;
        let signing_input_len = header_b64.len() + 1 + payload_b64.len();
        Ok(Self {
            header,
            claims,
            signing_input: &token[..signing_input_len],
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn a_compact_jws_is_split_and_decoded() {
        let token = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#),
            b64(r#"{"sub":"alice","exp":10}"#),
            b64("sig")
        );
        let jws = <CompactJws>::parse(&token).unwrap();
        assert_eq!(jws.header.alg, "RS256");
        assert_eq!(jws.header.kid.as_deref(), Some("k1"));
        assert_eq!(jws.claims["sub"], "alice");
        assert_eq!(jws.signature, b"sig");
        assert_eq!(format!("{}.{}", jws.signing_input, b64("sig")), token);
    }

    #[test]
    fn malformed_tokens_are_refused_with_the_reason() {
        let h = b64(r#"{"alg":"RS256"}"#);
        let p = b64(r#"{"sub":"a"}"#);
        assert_eq!(
            <CompactJws>::parse("a.b").unwrap_err(),
            JwsError::Segments(2)
        );
        assert_eq!(
            <CompactJws>::parse("a.b.c.d").unwrap_err(),
            JwsError::Segments(4)
        );
        assert_eq!(
            <CompactJws>::parse(&format!("{h}.{p}.***")).unwrap_err(),
            JwsError::Base64("signature")
        );
        assert_eq!(
            <CompactJws>::parse(&format!("{h}=.{p}.")).unwrap_err(),
            JwsError::Base64("header")
        );
        assert_eq!(
            <CompactJws>::parse(&format!("{}.{p}.", b64("not json"))).unwrap_err(),
            JwsError::Json("header")
        );
        assert_eq!(
            <CompactJws>::parse(&format!("{h}.{}.", b64("[1]"))).unwrap_err(),
            JwsError::Json("payload")
        );
        assert_eq!(
            <CompactJws>::parse(&format!("{}.{p}.", b64(r#"{"typ":"JWT"}"#))).unwrap_err(),
            JwsError::Json("header"),
            "a header without alg"
        );
    }

    #[test]
    fn debug_output_does_not_print_the_token() {
        let token = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"x":1}"#),
            b64("SIGNATURE")
        );
        let debug = format!("{:?}", <CompactJws>::parse(&token).unwrap());
        assert!(
            !debug.contains(&b64("SIGNATURE")) && !debug.contains(&b64(r#"{"x":1}"#)),
            "{debug}"
        );
    }
}
