//! Every name the client gives to browser state, each once: storage keys,
//! the tab channel, the renewal lock.

/// `localStorage`: the [`Settings`](crate::Settings).
pub const SETTINGS_KEY: &str = "implicit.settings";
/// `sessionStorage` or `localStorage`, as the settings say: the session.
pub const SESSION_KEY: &str = "implicit.session";
/// `sessionStorage`: one transaction per request in flight, under this
/// prefix and its `state`.
pub const TRANSACTION_PREFIX: &str = "implicit.tx.";
/// `sessionStorage`: the provider's metadata and keys, for the next page.
pub const PROVIDER_KEY: &str = "implicit.provider";
/// `localStorage`: whether the provider's cookie reaches the renewal
/// iframe ([`IframeCookie`](crate::IframeCookie)).
pub const IFRAME_COOKIE_KEY: &str = "implicit.iframe-cookie";
/// `localStorage`: how many logouts the tabs of this origin have counted.
pub const LOGOUT_COUNT_KEY: &str = "implicit.logout-count";
/// The `BroadcastChannel` of the tabs of this origin.
pub const TAB_CHANNEL: &str = "implicit.session";
/// The Web Lock held while a tab renews.
pub const RENEWAL_LOCK: &str = "implicit.renewal";
/// The `window` property where [`CALLBACK_SCRUB_SCRIPT`](crate::CALLBACK_SCRUB_SCRIPT)
/// keeps the callback's fragment for the app.
pub const CALLBACK_FRAGMENT_VARIABLE: &str = "__implicitCallbackFragment";
