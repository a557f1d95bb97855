//! Thin browser glue: randomness, WebCrypto, fetch, history, timers.
//! Everything here is a direct call into a Web API; the decisions are made in
//! the `protocol` crate and the client's plain-Rust modules, which are tested
//! natively. Public for a host app's own calls (`fetch`, `sleep`, `now_ms`).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, RequestInit, Response, SubtleCrypto};

use crate::BrowserError;

mod iframe;
mod lock;

pub(crate) use iframe::response_from_hidden_iframe;
pub(crate) use lock::with_lock_if_available;

/// The origin of an absolute URL as the browser serialises it, which is what
/// `MessageEvent.origin` holds (HTML §7.1.1): lower-case scheme and host, no
/// default port, no userinfo. Comparing with the URL's text as written
/// would miss `https://IdP.example:443/authorize`. `None` for a relative or
/// unparsable URL, or an opaque origin (`"null"`).
pub fn origin_of(url: &str) -> Option<String> {
    let origin = web_sys::Url::new(url).ok()?.origin();
    (origin != "null").then_some(origin)
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

/// This page's origin (`https://app.example`), empty if it has none.
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Whether the page is shown (not a background tab or a minimised window).
pub fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// The page's path, query included (no fragment).
pub fn page_path() -> String {
    web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(location.pathname().ok()? + &location.search().ok()?)
        })
        .unwrap_or_else(|| "/".to_owned())
}

pub(crate) fn window() -> Result<web_sys::Window, BrowserError> {
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

pub(crate) fn object(entries: &[(&str, JsValue)]) -> Result<Object, BrowserError> {
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
    /// `Cache-Control`, when the server sent one.
    pub cache_control: Option<String>,
    /// The body as text.
    pub body: String,
}

/// How long a call to the provider or the API may take. An answer that has
/// not come by then is reported, so a page never waits for good (the
/// callback's checks, an API answer, UserInfo) on a server that accepted
/// the connection and went quiet.
pub const FETCH_TIMEOUT_MS: u32 = 15_000;

/// `fetch` with an optional bearer token (RFC 6750 §2.1) and JSON body;
/// gives up after [`FETCH_TIMEOUT_MS`].
pub async fn fetch(
    method: &str,
    url: &str,
    bearer: Option<&str>,
    json_body: Option<&str>,
) -> Result<HttpResponse, BrowserError> {
    fetch_with(method, url, bearer, json_body, None, FETCH_TIMEOUT_MS).await
}

/// `fetch` (no credentials) that gives up after `timeout_ms`, for a caller
/// that polls and must not wait long on one answer.
pub async fn fetch_within(
    method: &str,
    url: &str,
    json_body: Option<&str>,
    timeout_ms: u32,
) -> Result<HttpResponse, BrowserError> {
    fetch_with(method, url, None, json_body, None, timeout_ms).await
}

/// `GET` that checks with the server even when the HTTP cache holds a fresh
/// copy (`cache: "no-cache"`); gives up after [`FETCH_TIMEOUT_MS`].
pub async fn fetch_revalidated(url: &str) -> Result<HttpResponse, BrowserError> {
    fetch_with(
        "GET",
        url,
        None,
        None,
        Some(web_sys::RequestCache::NoCache),
        FETCH_TIMEOUT_MS,
    )
    .await
}

async fn fetch_with(
    method: &str,
    url: &str,
    bearer: Option<&str>,
    json_body: Option<&str>,
    cache: Option<web_sys::RequestCache>,
    timeout_ms: u32,
) -> Result<HttpResponse, BrowserError> {
    let init = RequestInit::new();
    init.set_method(method);
    // Aborts the whole exchange, the body's download included.
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(timeout_ms)));
    if let Some(cache) = cache {
        init.set_cache(cache);
    }
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
    // The browser's own messages ("Failed to fetch", and "signal timed
    // out" for the `TimeoutError`) name neither the server nor the wait.
    let gave_up = |error: JsValue| {
        let name = Reflect::get(&error, &JsValue::from_str("name")).ok();
        if name.and_then(|n| n.as_string()).as_deref() == Some("TimeoutError") {
            let secs = f64::from(timeout_ms) / 1000.0;
            BrowserError(format!("{url} did not answer within {secs} s"))
        } else {
            BrowserError(format!("{url}: {}", BrowserError::from(error)))
        }
    };
    let response: Response = JsFuture::from(window()?.fetch_with_str_and_init(url, &init))
        .await
        .map_err(gave_up)?
        .unchecked_into();
    let body = JsFuture::from(response.text()?)
        .await
        .map_err(gave_up)?
        .as_string()
        .unwrap_or_default();
    Ok(HttpResponse {
        status: response.status(),
        www_authenticate: response.headers().get("WWW-Authenticate")?,
        cache_control: response.headers().get("Cache-Control")?,
        body,
    })
}

/// The callback's fragment, `#...` included (empty when there is none).
/// The shell's first script already moved it out of the address bar and
/// history into a variable (see [`CALLBACK_SCRUB_SCRIPT`](crate::CALLBACK_SCRUB_SCRIPT)); take it from
/// there and delete it, else read the URL.
pub fn take_callback_fragment() -> Result<String, BrowserError> {
    let window = window()?;
    let key = JsValue::from_str(crate::names::CALLBACK_FRAGMENT_VARIABLE);
    let kept = Reflect::get(&window, &key)?;
    if let Some(fragment) = kept.as_string() {
        Reflect::delete_property(&window, &key)?;
        return Ok(fragment);
    }
    Ok(window.location().hash()?)
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

/// Sends the whole page to `action` by submitting a POST form of `fields`
/// (`application/x-www-form-urlencoded`): unlike a URL's query, a form body
/// stays out of the history, the provider's access logs and any `Referer`.
pub fn post_form_away(action: &str, fields: &[(&str, &str)]) -> Result<(), BrowserError> {
    let document = window()?
        .document()
        .ok_or_else(|| BrowserError("no document".into()))?;
    let form: web_sys::HtmlFormElement = document.create_element("form")?.unchecked_into();
    form.set_method("post");
    form.set_action(action);
    form.set_hidden(true);
    for (name, value) in fields {
        let input = document.create_element("input")?;
        input.set_attribute("type", "hidden")?;
        input.set_attribute("name", name)?;
        input.set_attribute("value", value)?;
        form.append_child(&input)?;
    }
    document
        .body()
        .ok_or_else(|| BrowserError("no body".into()))?
        .append_child(&form)?;
    form.submit()?;
    Ok(())
}

/// Waits `ms` milliseconds (a `setTimeout` promise).
pub async fn sleep(ms: u32) -> Result<(), BrowserError> {
    let window = window()?;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            &resolve,
            i32::try_from(ms).unwrap_or(i32::MAX),
        );
    });
    JsFuture::from(promise).await?;
    Ok(())
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A `performance.mark`, so a benchmark (or the browser's performance panel)
/// can time the flow's steps without the app exposing anything else.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
