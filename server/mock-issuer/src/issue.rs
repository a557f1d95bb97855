//! Step 5 of the authorization endpoint: sign the tokens and send them to
//! the client, unless a dev-control fault asks for an error or broken ones.

use axum::response::Response;
use protocol::ErrorCode;

use super::{
    AppState,
    authorize::refuse,
    dev::Fault,
    events::EventKind,
    request::{AuthorizeRequest, Target},
    respond::{deliver, deliver_error},
    store::Session,
    tokens,
};

/// Step 5: tokens, or the error a dev fault asks for.
pub(super) fn issue(
    state: &AppState,
    request: &AuthorizeRequest,
    session: &Session,
    after_post: bool,
) -> Response {
    let target = request.target();
    let Some(user) = state.tenant.user(&session.username) else {
        // Sessions only name users of this tenant; refuse rather than guess.
        return refuse(
            state,
            &target,
            &ErrorCode::ServerError,
            "unknown user",
            after_post,
        );
    };
    let fault = state
        .dev
        .take_fault(request.prompt.none, request.response_type);
    if let Some(fault) = fault {
        state.event_on(
            request.oauth_state(),
            EventKind::FaultInjected {
                client_id: Some(request.client_id.clone()),
                fault,
            },
        );
    }
    let tamper = match fault {
        Some(Fault::Error(error)) => {
            let code = error.code();
            if request.prompt.none {
                silent_outcome(state, &target, code.as_str());
            }
            return deliver_error(
                state,
                &target,
                &code,
                "injected by the authorization server's dev controls",
                after_post,
            );
        }
        Some(Fault::Tamper(tamper)) => Some(tamper),
        // Never taken here: a document fault breaks no authorization response.
        Some(Fault::Document(_)) | None => None,
    };
    match tokens::mint(state, request, session, user, tamper) {
        Ok(minted) => {
            state.event_on(
                request.oauth_state(),
                EventKind::TokensIssued {
                    client_id: request.client_id.clone(),
                    username: user.username.clone(),
                    response_type: request.response_type.as_str(),
                    access_token_kid: minted.access_token_kid,
                    id_token_kid: minted.id_token_kid,
                    expires_in: minted.expires_in,
                    scope: minted
                        .scope
                        .clone()
                        .unwrap_or_else(|| request.scope.clone()),
                    tampered: tamper,
                },
            );
            if request.prompt.none {
                // Tokens a client must refuse are no successful renewal.
                let outcome = match tamper {
                    Some(tamper) => format!("issued, broken on purpose ({})", tamper.as_str()),
                    None => "issued".to_owned(),
                };
                silent_outcome(state, &target, &outcome);
            }
            deliver(state, &target, &minted.params, after_post)
        }
        Err(error) => {
            tracing::error!(%error, "cannot sign tokens");
            refuse(
                state,
                &target,
                &ErrorCode::ServerError,
                "the tokens could not be signed",
                after_post,
            )
        }
    }
}

pub(super) fn silent_outcome(state: &AppState, target: &Target, outcome: &str) {
    state.event_on(
        target.oauth_state(),
        EventKind::SilentAuthentication {
            client_id: target.client_id.clone(),
            outcome: outcome.to_owned(),
        },
    );
}
