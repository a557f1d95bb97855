//! A hidden iframe and the one message it may answer with.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::window;
use crate::BrowserError;

/// A hidden iframe, removed from the page when dropped.
///
/// Removing a frame costs the main thread a few milliseconds in Chromium, so
/// a caller keeps this until it has dealt with the frame's answer.
pub(crate) struct HiddenIframe(web_sys::HtmlIFrameElement);

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
pub(crate) async fn response_from_hidden_iframe(
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
    // `hidden`, not an inline style: the page policy allows no inline style.
    iframe.set_attribute("hidden", "")?;
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
