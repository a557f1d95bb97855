//! When the renewal iframe finds no session at the provider while this tab
//! has one: the user may have signed out there, or the browser may have
//! sent the iframe no cookie (the provider's session cookie is a
//! third-party one in a frame of another site, and Safari, Firefox, Brave
//! and Chrome in Incognito block those). Nothing in a `login_required`
//! tells the two apart, so the client learns it, per browser: an iframe renewal
//! that worked proves the cookie reaches the iframe (then a `login_required`
//! ends the session); until then, a top-level `prompt=none` request, where
//! the cookie is first-party, decides (OIDC Core §3.1.2.1).

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::{GetUntracked, Set, WithUntracked, WithValue};
use protocol::ReturnPath;
use serde::{Deserialize, Serialize};

use crate::{
    AuthClient, RenewalState, RequestError, browser,
    events::{AuthEvent, Flow, FlowKind},
    login::{self, Channel},
    names, provider, renewal_scope,
};

/// What this tab knows of the provider's cookie in the renewal iframe: a
/// property of the browser's settings, so it outlives a login.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IframeCookie {
    /// No iframe renewal has answered yet.
    #[default]
    Unknown,
    /// An iframe renewal got tokens: the cookie reaches the iframe, so a
    /// `login_required` there means the session really ended.
    Sent,
    /// The iframe found no session and a top-level request did: this
    /// browser blocks third-party cookies.
    Withheld,
}

impl IframeCookie {
    /// What this browser's tabs learned (in `localStorage`: it outlives the
    /// top-level round trip and a tab).
    pub fn known() -> Self {
        LocalStorage::get(names::IFRAME_COOKIE_KEY).unwrap_or_default()
    }

    pub(crate) fn learn(self) {
        let _ = LocalStorage::set(names::IFRAME_COOKIE_KEY, self);
    }

    /// Forgets what this tab learned, as after a change of the browser's
    /// cookie settings (or of the demo issuer's simulation of them).
    pub fn forget() {
        LocalStorage::delete(names::IFRAME_COOKIE_KEY);
    }
}

/// What to do when the iframe finds no session while this tab has one and
/// the cookie is not known to reach it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockedRenewal {
    /// Keep the session and offer a top-level renewal
    /// ([`AuthClient::renew_top_level`]); the tokens still run out.
    #[default]
    Offer,
    /// Renew by a top-level redirect at once (the page reloads).
    Redirect,
}

impl BlockedRenewal {
    /// Every choice, for the settings page.
    pub const ALL: [Self; 2] = [Self::Offer, Self::Redirect];

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Offer => "offer a top-level renewal",
            Self::Redirect => "renew by a top-level redirect at once",
        }
    }
}

/// Sends the whole page to the provider with `prompt=none`, to come back to
/// the page it is on with new tokens, or with `login_required` if the user
/// has no session there after all (see [`AuthClient::renew_top_level`]).
pub(crate) async fn renew_top_level(client: AuthClient) -> Result<(), RequestError> {
    let state = login::new_state()?;
    let report = client.reporter.in_flow(Flow {
        kind: FlowKind::Login,
        tx: login::tx_of(&state).await,
    });
    let discovery = provider::discovery(client, report).await?;
    let configured = client.config.with_value(|c| c.scope.clone());
    let scope = client
        .session
        .with_untracked(|s| renewal_scope(s.as_ref(), &configured));
    let url = login::prepare(
        client,
        &discovery.authorization_endpoint,
        &state,
        scope.clone(),
        Channel::TopLevel,
        ReturnPath::parse(&browser::page_path()),
    )?;
    report.emit(AuthEvent::AuthorizeRedirect {
        endpoint: discovery.authorization_endpoint.to_string(),
        response_type: client.settings.with_untracked(|s| s.response_type),
        scope,
    });
    let before = client.renewal.get_untracked();
    client.renewal.set(RenewalState::InFlight);
    if let Err(e) = browser::navigate_away(&url) {
        login::drop_transaction(&state);
        client.renewal.set(before);
        return Err(e.into());
    }
    Ok(())
}
