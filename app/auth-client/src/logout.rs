//! Logout: this tab, the other tabs, then the provider's session.

use leptos::prelude::{Set, UpdateValue, WithUntracked, WithValue};
use protocol::EndpointUrl;
use wasm_bindgen::JsCast;

use crate::{
    AuthClient, LogoutError, LogoutStyle, RenewalState, SignedOut, browser,
    events::AuthEvent,
    provider,
    tabs::{self, TabMessage},
};

/// Forgets the session in this tab: memory, storage, timers (the scheduler
/// sees no session), silent-authentication iframes; and bumps the generation
/// so that a renewal still in flight cannot bring the tokens back.
pub(crate) fn end_local_session(client: AuthClient) {
    client.generation.update_value(|g| *g += 1);
    client.set_session(None);
    client.renewal.set(RenewalState::Idle);
    let frames = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("iframe[data-silent-auth]").ok());
    if let Some(frames) = frames {
        for i in 0..frames.length() {
            if let Some(frame) = frames
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                frame.remove();
            }
        }
    }
}

/// Logs out everywhere: this tab, the other tabs, and the provider's session
/// (OIDC RP-Initiated Logout's `end_session_endpoint`, or Auth0's
/// `/v2/logout`), coming back to the home page, a registered logout URL.
/// A provider without an `end_session_endpoint` (and not Auth0) keeps its
/// session: the error says so.
pub(crate) async fn logout(client: AuthClient) -> Result<(), LogoutError> {
    let report = client.reporter;
    let id_token = client
        .session
        .with_untracked(|s| s.as_ref().and_then(|s| s.id_token.clone()));
    // Counted first: from now on no tab installs or takes tokens asked for
    // before this logout, whatever order the messages arrive in.
    let count = tabs::count_logout();
    end_local_session(client);
    tabs::post_to_tabs(&TabMessage::Logout { count });
    report.emit(AuthEvent::SignedOut {
        reason: SignedOut::Logout,
    });

    let discovery = provider::discovery(client, report).await?;
    let return_to = format!("{}/", browser::page_origin());
    let style = client.settings.with_untracked(|s| s.logout_style);
    let (client_id, issuer) = client
        .config
        .with_value(|c| (c.client_id.clone(), c.issuer.clone()));
    match (
        style,
        discovery
            .end_session_endpoint
            .as_ref()
            .map(EndpointUrl::as_str),
    ) {
        // RP-Initiated Logout §2 lets the RP POST its parameters: the ID
        // token then stays out of the history, the provider's access logs
        // and any `Referer`.
        (LogoutStyle::EndSession, Some(endpoint)) => {
            let mut fields = vec![
                ("client_id", client_id.as_str()),
                ("post_logout_redirect_uri", return_to.as_str()),
            ];
            if let Some(token) = &id_token {
                fields.push(("id_token_hint", token.secret()));
            }
            report.emit(AuthEvent::LogoutRedirect {
                endpoint: endpoint.to_owned(),
            });
            browser::post_form_away(endpoint, &fields)?;
        }
        (LogoutStyle::EndSession, None) => {
            // Guessing another provider's logout URL would only lead to its
            // error page; say what happened instead.
            return Err(LogoutError::NoEndSessionEndpoint);
        }
        // Auth0's /v2/logout takes GET only, and nothing secret.
        (LogoutStyle::Auth0, _) => {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("client_id", client_id.as_str());
            query.append_pair("returnTo", &return_to);
            let endpoint = format!("{}/v2/logout", issuer.trim_end_matches('/'));
            report.emit(AuthEvent::LogoutRedirect {
                endpoint: endpoint.clone(),
            });
            browser::navigate_away(&format!("{endpoint}?{}", query.finish()))?;
        }
    }
    Ok(())
}
