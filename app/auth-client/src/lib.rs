//! The OAuth 2.0 implicit grant (RFC 6749 §4.2) with OpenID Connect (Core
//! §3.2) for a Leptos single-page app: login, callback, silent renewal,
//! tabs, logout and API calls, behind one `Copy` handle, [`AuthClient`].
//!
//! It works with any OpenID provider that allows the implicit flow: it is
//! told only the issuer URL and the client id, and reads the rest from the
//! provider's discovery document. Every check runs in the browser before a
//! token is kept: `state` (RFC 6749 §10.12), what came back, and the ID
//! token's algorithm, signature, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`
//! and `at_hash` (OIDC Core §3.2.2.11). Tokens stay in memory unless the
//! [`Settings`] say otherwise. RFC 9700 recommends the authorization code
//! flow with PKCE for new apps; this crate shows the implicit grant done
//! as safely as it can be.
//!
//! # Use
//!
//! ```ignore
//! use auth_client::{ApiRequest, ClientConfig, provide_auth_client, use_auth_client};
//! use leptos::prelude::*;
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     let config = ClientConfig::new("https://tenant.example.com/", "my-spa-client-id");
//!     let client = provide_auth_client(config);
//!     // In the browser, after hydration: restore, renew, listen to tabs.
//!     Effect::new(move |_| client.start());
//!     // ... a router whose `CALLBACK_PATH` route shows `Callback` ...
//! }
//!
//! #[component]
//! fn Callback() -> impl IntoView {
//!     let client = use_auth_client();
//!     let done = LocalResource::new(move || async move { client.handle_callback().await });
//!     // Show `done`: Ok(path to go back to) or the typed reason it was refused.
//! }
//!
//! // In an event handler, or through an `Action`:
//! // client.login(ReturnPath::home(), ScopeSet::new()).await
//! // client.fetch(ApiRequest::get("/api/private")).await
//! // client.logout().await
//! ```
//!
//! The host page needs, besides the app:
//! - a route for [`CALLBACK_PATH`] and [`CALLBACK_SCRUB_SCRIPT`] as the
//!   first script of its document (it takes the tokens out of the address
//!   bar before anything else loads);
//! - the silent-callback page at [`SILENT_CALLBACK_PATH`]
//!   ([`axum::silent_callback`] with the `axum` feature);
//! - both URLs registered at the provider as redirect URIs.
//!
//! # What it tells
//!
//! [`AuthClient::subscribe`] hears every step as a typed [`Step`]: each
//! check with its verdict, each redirect, renewal, tab message and API
//! verdict, never a secret. The session, the settings and the renewal's
//! state are signals.

mod api;
#[cfg(feature = "axum")]
pub mod axum;
pub mod browser;
mod callback;
mod client;
mod config;
mod error;
mod events;
mod id_token;
mod login;
mod logout;
pub mod names;
mod provider;
mod renew;
mod schedule;
mod session;
mod settings;
mod tabs;
mod third_party;

pub use api::{ApiRequest, Credentials};
pub use browser::HttpResponse;
pub use client::{AuthClient, provide_auth_client, use_auth_client};
pub use config::ClientConfig;
pub use error::{
    ApiError, BrowserError, CallbackError, LogoutError, ProviderError, RenewError, RequestError,
    UserInfoError, UserInfoRefusal,
};
pub use events::{
    AuthEvent, Flow, FlowKind, ResponseCheck, SignedOut, StateRefusal, Step, TabNews, TabRefusal,
};
pub use renew::RenewReason;
pub use session::{RenewalState, Session, SessionEnd, Token, renewal_scope};
pub use settings::{LogoutStyle, Settings, TokenStorage};
pub use third_party::{BlockedRenewal, IframeCookie};

/// The app's callback route: the `redirect_uri` of an interactive login.
pub const CALLBACK_PATH: &str = "/callback";

/// The silent-callback page: the `redirect_uri` of a `prompt=none` request
/// answered in the fragment. A static page, not the app.
pub const SILENT_CALLBACK_PATH: &str = "/silent-callback.html";

/// The document's first script. On [`CALLBACK_PATH`] it takes the fragment,
/// with its tokens, out of the address bar and the history entry while the
/// page is still being parsed, rather than once the wasm app has loaded;
/// the client then reads it from a variable ([`names::CALLBACK_FRAGMENT_VARIABLE`])
/// it deletes at once. Give it the page's CSP nonce.
pub const CALLBACK_SCRUB_SCRIPT: &str = "if(location.pathname===\"/callback\"&&location.hash){window.__implicitCallbackFragment=location.hash;history.replaceState(null,\"\",location.pathname);}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scrub_script_scrubs_the_callback_route_into_the_clients_variable() {
        assert!(CALLBACK_SCRUB_SCRIPT.contains(&format!(
            "window.{}=location.hash",
            names::CALLBACK_FRAGMENT_VARIABLE
        )));
        assert!(
            CALLBACK_SCRUB_SCRIPT.contains(&format!("location.pathname===\"{CALLBACK_PATH}\""))
        );
        assert!(
            CALLBACK_SCRUB_SCRIPT.contains("history.replaceState(null,\"\",location.pathname)")
        );
    }
}
