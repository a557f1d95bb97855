//! Thin browser glue: randomness, WebCrypto, fetch, storage, history.
//! Everything here is a direct call into a Web API; the decisions are made in
//! the `protocol` crate, which is tested natively.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, RequestInit, Response, SubtleCrypto};

/// The origin of an absolute URL as the browser serialises it, which is what
/// `MessageEvent.origin` holds (HTML §7.1.1): lower-case scheme and host, no
/// default port, no userinfo. Comparing with the URL's text as written
/// would miss `https://IdP.example:443/authorize`. `None` for a relative or
/// unparsable URL, or an opaque origin (`"null"`).
pub fn origin_of(url: &str) -> Option<String> {
    let origin = web_sys::Url::new(url).ok()?.origin();
    (origin != "null").then_some(origin)
}

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
/// history into a variable (see `app::CALLBACK_SCRUB_SCRIPT`); take it from
/// there and delete it, else read the URL.
pub fn take_callback_fragment() -> Result<String, BrowserError> {
    let window = window()?;
    let key = JsValue::from_str(crate::CALLBACK_FRAGMENT_VARIABLE);
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

/// A hidden iframe, removed from the page when dropped.
///
/// Removing a frame costs the main thread a few milliseconds in Chromium, so
/// a caller keeps this until it has dealt with the frame's answer.
pub struct HiddenIframe(web_sys::HtmlIFrameElement);

impl Drop for HiddenIframe {
    fn drop(&mut self) {
        self.0.remove();
    }
}

/// Loads `url` in a hidden iframe and waits for a `message` event that
/// `accept` turns into a result; `accept` gets `event.origin`, whether
/// `event.source` is that iframe's window, and `event.data` as JSON. Gives
/// `None` after `timeout_ms`. The listener and the timer are removed in every
/// case, and the iframe when the returned guard is dropped, so the next
/// attempt starts clean.
pub async fn response_from_hidden_iframe(
    url: &str,
    timeout_ms: u32,
    accept: impl Fn(&str, bool, &serde_json::Value) -> Option<String> + 'static,
) -> Result<(Option<String>, HiddenIframe), BrowserError> {
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::closure::Closure;

    let window = window()?;
    let document = window
        .document()
        .ok_or_else(|| BrowserError("no document".into()))?;
    let body = document
        .body()
        .ok_or_else(|| BrowserError("no body".into()))?;
    let iframe: web_sys::HtmlIFrameElement = document.create_element("iframe")?.unchecked_into();
    iframe.set_attribute("style", "display:none")?;
    iframe.set_attribute("aria-hidden", "true")?;
    iframe.set_attribute("title", "silent authentication")?;
    iframe.set_attribute("data-silent-auth", "")?;
    // The source before the insertion: inserting an empty iframe first and
    // then navigating it costs Chromium an extra document (≈10 ms).
    iframe.set_src(url);
    body.append_child(&iframe)?;
    let iframe = HiddenIframe(iframe);
    let frame_window: JsValue = iframe.0.content_window().map_or(JsValue::NULL, Into::into);

    let resolve: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let settled = js_sys::Promise::new(&mut |res, _rej| {
        *resolve.borrow_mut() = Some(res);
    });
    let settle = {
        let resolve = resolve.clone();
        move |value: &JsValue| {
            if let Some(f) = resolve.borrow_mut().take() {
                let _ = f.call1(&JsValue::NULL, value);
            }
        }
    };

    let on_message = {
        let settle = settle.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let from_iframe = event
                .source()
                .is_some_and(|source| js_sys::Object::is(&source, &frame_window));
            let data = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|s| s.as_string())
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or(serde_json::Value::Null);
            if let Some(fragment) = accept(&event.origin(), from_iframe, &data) {
                settle(&JsValue::from_str(&fragment));
            }
        })
    };
    let on_timeout = {
        let settle = settle.clone();
        Closure::<dyn Fn()>::new(move || settle(&JsValue::NULL))
    };
    window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref())?;
    let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        on_timeout.as_ref().unchecked_ref(),
        i32::try_from(timeout_ms).unwrap_or(i32::MAX),
    )?;

    let outcome = JsFuture::from(settled).await;

    let _ =
        window.remove_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    window.clear_timeout_with_handle(timer);
    drop((on_message, on_timeout));
    Ok((outcome?.as_string(), iframe))
}

/// Runs `work` while holding the Web Lock `name`, if no other tab holds it
/// (`ifAvailable`): one renewal in flight across tabs. Returns `None` when
/// another tab holds the lock. Without Web Locks, runs `work` directly.
pub async fn with_lock_if_available<T>(
    name: &str,
    work: impl std::future::Future<Output = T>,
) -> Result<Option<T>, BrowserError> {
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::closure::Closure;

    let navigator: JsValue = window()?.navigator().into();
    let locks = Reflect::get(&navigator, &"locks".into())?;
    // `navigator.locks` is missing outside secure contexts (plain http on a
    // LAN address) and in older browsers.
    if !locks.is_object() {
        return Ok(Some(work.await));
    }
    let request = Reflect::get(&locks, &"request".into())?;
    let Some(request) = request.dyn_ref::<js_sys::Function>() else {
        return Ok(Some(work.await));
    };

    let release_slot: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let release = js_sys::Promise::new(&mut |res, _| *release_slot.borrow_mut() = Some(res));
    let acquired_slot: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let refused_slot: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let acquired = js_sys::Promise::new(&mut |res, rej| {
        *acquired_slot.borrow_mut() = Some(res);
        *refused_slot.borrow_mut() = Some(rej);
    });
    let callback = {
        let acquired_slot = acquired_slot.clone();
        Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |lock: JsValue| {
            if let Some(f) = acquired_slot.borrow_mut().take() {
                let _ = f.call1(&JsValue::NULL, &JsValue::from_bool(!lock.is_null()));
            }
            release.clone()
        })
    };
    // A request the browser refuses before calling back (a document that is
    // no longer active, say) rejects its promise: that must end the wait
    // below, or this tab would never renew again.
    let on_refused = Closure::<dyn FnMut(JsValue)>::new(move |error: JsValue| {
        if let Some(f) = refused_slot.borrow_mut().take() {
            let _ = f.call1(&JsValue::NULL, &error);
        }
    });
    let options = object(&[("ifAvailable", true.into())])?;
    let requested = request.call3(&locks, &name.into(), &options, callback.as_ref())?;
    if let Some(requested) = requested.dyn_ref::<js_sys::Promise>() {
        let _ = requested.catch(&on_refused);
    }
    let got_it = JsFuture::from(acquired).await?.as_bool() == Some(true);
    let result = if got_it { Some(work.await) } else { None };
    if let Some(f) = release_slot.borrow_mut().take() {
        let _ = f.call0(&JsValue::NULL);
    }
    // Released, so the request's promise resolves: `on_refused` is not
    // called after this.
    drop((callback, on_refused));
    Ok(result)
}

/// Where the tabs of this origin count logouts. `localStorage` is shared,
/// but a browser may show a tab another tab's write a little later, so each
/// logout's count also travels in the logout message, and each tab keeps the
/// highest count it has seen either way ([`logouts_seen`]).
const LOGOUT_COUNT_KEY: &str = "implicit.logout-count";

thread_local! {
    /// The highest logout count this tab has seen.
    static LOGOUTS_SEEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The highest logout count this tab knows of: its own, another tab's
/// message's, or the stored one (0 when storage is blocked: then only the
/// messages count).
pub fn logouts_seen() -> u64 {
    let stored = local_storage()
        .and_then(|storage| storage.get_item(LOGOUT_COUNT_KEY).ok().flatten())
        .and_then(|count| count.parse().ok())
        .unwrap_or(0);
    LOGOUTS_SEEN.with(|seen| {
        let highest = seen.get().max(stored);
        seen.set(highest);
        highest
    })
}

/// Takes note of a logout count another tab sent.
pub fn note_logouts(count: u64) {
    LOGOUTS_SEEN.with(|seen| seen.set(seen.get().max(count)));
}

/// Counts a logout, before any tab is told of it; returns the new count,
/// for the message that tells them.
pub fn count_logout() -> u64 {
    let count = logouts_seen().saturating_add(1);
    note_logouts(count);
    if let Some(storage) = local_storage() {
        // Storage full or blocked: the message still carries the count.
        let _ = storage.set_item(LOGOUT_COUNT_KEY, &count.to_string());
    }
    count
}

/// A `performance.mark`, so a benchmark (or the browser's performance panel)
/// can time the flow's steps without the app exposing anything else.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
