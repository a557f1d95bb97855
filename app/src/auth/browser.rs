//! Thin browser glue: randomness, WebCrypto, fetch, storage, history.
//! Everything here is a direct call into a Web API; the decisions are made in
//! the `protocol` crate, which is tested natively.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, RequestInit, Response, SubtleCrypto};

/// A failure in a browser API, as text for the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserError(pub String);

impl std::fmt::Display for BrowserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<JsValue> for BrowserError {
    fn from(value: JsValue) -> Self {
        let text = value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "unknown browser error".to_owned());
        Self(text)
    }
}

fn window() -> Result<web_sys::Window, BrowserError> {
    web_sys::window().ok_or_else(|| BrowserError("no window".into()))
}

fn subtle() -> Result<SubtleCrypto, BrowserError> {
    Ok(window()?.crypto()?.subtle())
}

/// `n` random bytes from `crypto.getRandomValues`, base64url-encoded: for
/// `state` and `nonce` (RFC 6749 §10.10: unguessable).
pub fn random_token(bytes: usize) -> Result<String, BrowserError> {
    let mut buffer = vec![0u8; bytes];
    window()?
        .crypto()?
        .get_random_values_with_u8_array(&mut buffer)?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// SHA-256 with `crypto.subtle.digest`.
pub async fn sha256(data: &[u8]) -> Result<Vec<u8>, BrowserError> {
    let promise = subtle()?.digest_with_str_and_u8_array("SHA-256", data)?;
    let buffer = JsFuture::from(promise).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn object(entries: &[(&str, JsValue)]) -> Result<Object, BrowserError> {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &JsValue::from_str(key), value)?;
    }
    Ok(object)
}

/// Verifies an RS256 signature (RSASSA-PKCS1-v1_5 with SHA-256) with the
/// public key given by its JWK modulus and exponent (RFC 7518 §6.3.1).
pub async fn verify_rs256(
    n: &str,
    e: &str,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, BrowserError> {
    let jwk = object(&[
        ("kty", "RSA".into()),
        ("n", n.into()),
        ("e", e.into()),
        ("alg", "RS256".into()),
        ("ext", true.into()),
    ])?;
    let algorithm = object(&[
        ("name", "RSASSA-PKCS1-v1_5".into()),
        ("hash", "SHA-256".into()),
    ])?;
    let usages = Array::of1(&"verify".into());
    let subtle = subtle()?;
    let key: CryptoKey =
        JsFuture::from(subtle.import_key_with_object("jwk", &jwk, &algorithm, false, &usages)?)
            .await?
            .unchecked_into();
    let verified = JsFuture::from(subtle.verify_with_object_and_u8_array_and_u8_array(
        &algorithm,
        &key,
        signature,
        signing_input,
    )?)
    .await?;
    Ok(verified.as_bool() == Some(true))
}

/// An HTTP response as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// `WWW-Authenticate`, when the server sent one (RFC 6750 §3).
    pub www_authenticate: Option<String>,
    /// The body as text.
    pub body: String,
}

/// `fetch` with an optional bearer token (RFC 6750 §2.1) and JSON body.
pub async fn fetch(
    method: &str,
    url: &str,
    bearer: Option<&str>,
    json_body: Option<&str>,
) -> Result<HttpResponse, BrowserError> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "application/json")?;
    if let Some(token) = bearer {
        headers.set("Authorization", &format!("Bearer {token}"))?;
    }
    if let Some(body) = json_body {
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let response: Response = JsFuture::from(window()?.fetch_with_str_and_init(url, &init))
        .await?
        .unchecked_into();
    let body = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok(HttpResponse {
        status: response.status(),
        www_authenticate: response.headers().get("WWW-Authenticate")?,
        body,
    })
}

/// The current URL's fragment, `#...` included (empty when there is none).
pub fn location_hash() -> Result<String, BrowserError> {
    Ok(window()?.location().hash()?)
}

/// Replaces the current history entry's URL with `path` (no fragment), so the
/// tokens in the fragment stay neither in history nor in a later `Referer`.
pub fn replace_url(path: &str) -> Result<(), BrowserError> {
    window()?
        .history()?
        .replace_state_with_url(&JsValue::NULL, "", Some(path))?;
    Ok(())
}

/// Sends the whole page to `url` (the provider's authorization endpoint).
pub fn navigate_away(url: &str) -> Result<(), BrowserError> {
    window()?.location().assign(url)?;
    Ok(())
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
