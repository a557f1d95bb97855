//! Web Locks: one renewal across the tabs of an origin.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{object, window};
use crate::BrowserError;

/// Runs `work` while holding the Web Lock `name`, if no other tab holds it
/// (`ifAvailable`): one renewal in flight across tabs. Returns `None` when
/// another tab holds the lock. Without Web Locks, runs `work` directly.
pub(crate) async fn with_lock_if_available<T>(
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
