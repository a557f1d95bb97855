//! The callback, from fragment to session: read the response, scrub it
//! from the URL, match its `state`, check what came back, validate the ID
//! token, and install the tokens unless a logout or another login happened
//! meanwhile (RFC 6749 §4.2.2, OIDC Core §3.2.2.5–§3.2.2.11). A silent
//! renewal's answer goes through the same [`accept_response`].

use leptos::prelude::{GetValue, Set, SetValue, UpdateValue, WithUntracked, WithValue};
use protocol::{AuthorizationResponse, ResponseChannel, ReturnPath, Transaction, parse_fragment};

use crate::{
    AuthClient, CALLBACK_PATH, CallbackError, IframeCookie, RenewalState, ResponseCheck, Session,
    SessionEnd, SignedOut, StateRefusal, Token, browser,
    events::{AuthEvent, Flow, FlowKind, Reporter},
    id_token::{self, ValidIdToken},
    login::{take_transaction, tx_of},
    provider, tabs,
};

/// Handles the callback page (see [`AuthClient::handle_callback`]).
pub(crate) async fn handle_callback(client: AuthClient) -> Result<ReturnPath, CallbackError> {
    // The fragment exists only here, in the browser: it is never sent to the
    // server (RFC 3986 §3.5). Read it, then scrub it before anything else runs
    // (the page's first script has normally done so before the app loaded).
    browser::mark("implicit:callback-start");
    let hash = browser::take_callback_fragment().unwrap_or_default();
    browser::replace_url(CALLBACK_PATH).map_err(CallbackError::Scrub)?;
    let wanted = Wanted::now(client);
    let transaction = accept_response(
        client,
        client.reporter,
        &hash,
        wanted,
        ResponseChannel::Callback,
    )
    .await?;
    Ok(transaction.return_to)
}

/// Checks an authorization response given in fragment form (`name=value&…`)
/// against the transaction its `state` names, validates its tokens and, when
/// everything passes, makes them the session. `wanted` was read when the
/// response was asked for (or arrived): if a logout (in any tab) or another
/// login happened while it was being validated, the tokens are dropped.
/// `channel` is where it came back: the callback page after a login, or a
/// silent renewal's iframe.
pub(crate) async fn accept_response(
    client: AuthClient,
    report: Reporter,
    fragment: &str,
    wanted: Wanted,
    channel: ResponseChannel,
) -> Result<Transaction, CallbackError> {
    let kind = match channel {
        ResponseChannel::Silent => FlowKind::Silent,
        ResponseChannel::Callback | ResponseChannel::TopLevelRenewal => FlowKind::Login,
    };
    let report = report.or_flow(kind);
    let refuse = |report: Reporter, check: ResponseCheck, reason: String| {
        report.emit(AuthEvent::ResponseChecked {
            check,
            passed: false,
            detail: Some(reason.clone()),
        });
        Err(CallbackError::Response { check, reason })
    };

    let response = match parse_fragment(fragment) {
        Ok(response) => response,
        Err(e) => return refuse(report, ResponseCheck::Format, e.to_string()),
    };
    // From here on, the steps name the request the response says it answers
    // (without a `state`, a silent attempt's steps keep its own request's).
    let report = match response.state() {
        Some(state) => report.in_flow(Flow {
            kind,
            tx: tx_of(state).await,
        }),
        None => report,
    };
    report.emit(AuthEvent::FragmentRead {
        parameters: parameter_names(fragment),
    });

    // RFC 6749 §10.12: the response must answer a request of this tab.
    let transaction = match response.state().and_then(take_transaction) {
        Some(t) if !t.is_expired(browser::now_ms()) && t.channel.answered_by(channel) => t,
        found => {
            let refused = match found {
                None => StateRefusal::Unknown,
                Some(t) if !t.channel.answered_by(channel) => StateRefusal::OtherChannel,
                Some(_) => StateRefusal::Expired,
            };
            report.emit(AuthEvent::StateChecked {
                refused: Some(refused),
            });
            return Err(CallbackError::State(refused));
        }
    };
    report.emit(AuthEvent::StateChecked { refused: None });

    // RFC 9207 §2.4: the issuer this request went to sent the response
    // (a mix-up defence), for errors as for tokens; the discovery document
    // says whether a response without `iss` is acceptable.
    let promised = match provider::discovery(client, report).await {
        Ok(metadata) => metadata.authorization_response_iss_parameter_supported,
        Err(e) => return refuse(report, ResponseCheck::Issuer, e.to_string()),
    };
    let issuer = client.config.with_value(|c| c.issuer.clone());
    if let Err(e) = response.check_issuer(&issuer, promised) {
        return refuse(report, ResponseCheck::Issuer, e.to_string());
    }
    report.emit(AuthEvent::ResponseChecked {
        check: ResponseCheck::Issuer,
        passed: true,
        detail: None,
    });

    let tokens = match response {
        AuthorizationResponse::Error(error) => {
            report.emit(AuthEvent::AuthorizationError {
                error: error.error.clone(),
                description: error.description.clone(),
            });
            if transaction.channel == ResponseChannel::TopLevelRenewal
                && error.error.needs_interaction()
            {
                // Not even a first-party request found a session: it ended
                // at the provider, and here too (also a copy in storage).
                report.emit(AuthEvent::TopLevelRenewal {
                    found_session: false,
                });
                client.generation.update_value(|g| *g += 1);
                client.set_session(None);
                client.renewal.set(RenewalState::SessionEnded {
                    reason: SessionEnd::InteractionRequired(error.error.clone()),
                });
            }
            return Err(CallbackError::Provider {
                error: error.error,
                description: error.description,
            });
        }
        AuthorizationResponse::Success(tokens) => tokens,
    };

    // What was asked for must have come back: an access token of type
    // Bearer (RFC 6749 §4.2.2, RFC 6750), an ID token (OIDC Core §3.2.2.5).
    let expect = transaction.response_type;
    let access_token = tokens.access_token.clone();
    if expect.has_access_token() {
        let bearer = tokens
            .token_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("Bearer"));
        if access_token.is_none() || !bearer {
            return refuse(
                report,
                ResponseCheck::AccessToken,
                "the response lacks an access_token of token_type Bearer (RFC 6749 §4.2.2)"
                    .to_owned(),
            );
        }
    }

    let now_ms = browser::now_ms();
    let mut session = Session {
        access_token: access_token.clone().map(Token::new),
        access_token_expires_at_ms: tokens
            .expires_in
            .map(|s| now_ms.saturating_add(s.saturating_mul(1000))),
        // RFC 6749 §3.3: the granted scope, else the requested one.
        scope: tokens
            .scope
            .clone()
            .unwrap_or_else(|| transaction.scope.clone()),
        requested_scope: transaction.scope.clone(),
        id_token: None,
        id_claims: None,
        id_token_checks: Vec::new(),
        id_token_expires_at_ms: None,
        received_at_ms: now_ms,
    };

    if expect.has_id_token() {
        let Some(id_token) = tokens.id_token.clone() else {
            return refuse(
                report,
                ResponseCheck::IdToken,
                "an id_token was asked for but none came back".to_owned(),
            );
        };
        let ValidIdToken { claims, checks } = id_token::validate(
            client,
            report,
            &id_token,
            &transaction,
            access_token.as_deref(),
        )
        .await?;
        session.id_token_expires_at_ms = claims.exp.map(|exp| exp.saturating_mul(1000));
        session.id_claims = Some(claims);
        session.id_token_checks = checks;
        session.id_token = Some(Token::new(id_token));
    }

    if !wanted.still(client) {
        report.emit(AuthEvent::ResponseChecked {
            check: ResponseCheck::StillWanted,
            passed: false,
            detail: Some("a logout or another login happened meanwhile; tokens dropped".into()),
        });
        return Err(CallbackError::Superseded);
    }
    // A renewal keeps the user (OIDC Core §3.1.2.1, `id_token_hint`): a
    // provider that answers for someone else ends the session here rather
    // than switch accounts in the background.
    let previous_subject = client
        .session
        .with_untracked(|s| s.as_ref().and_then(|s| s.subject().map(str::to_owned)))
        .or_else(|| transaction.expected_subject.clone());
    let other_user = previous_subject.is_some() && previous_subject.as_deref() != session.subject();
    if other_user && transaction.channel != ResponseChannel::Callback {
        report.emit(AuthEvent::SignedOut {
            reason: SignedOut::OtherUser,
        });
        client.generation.update_value(|g| *g += 1);
        client.set_session(None);
        return Err(CallbackError::OtherUser);
    }
    install(client, report, session, channel, other_user);
    match transaction.channel {
        ResponseChannel::TopLevelRenewal => {
            report.emit(AuthEvent::TopLevelRenewal {
                found_session: true,
            });
            // Only what an iframe failure left in doubt: a renewal that
            // worked in the iframe stays proof that the cookie gets there.
            if IframeCookie::known() != IframeCookie::Sent {
                IframeCookie::Withheld.learn();
            }
            tabs::share_session(client, wanted);
        }
        ResponseChannel::Callback | ResponseChannel::Silent => {}
    }
    browser::mark("implicit:tokens-validated");
    Ok(transaction)
}

/// Makes `session` this tab's; `other_user` when it replaces another
/// user's (an interactive login only).
fn install(
    client: AuthClient,
    report: Reporter,
    session: Session,
    channel: ResponseChannel,
    other_user: bool,
) {
    if other_user {
        // Another user logged in here: a new session, nothing carried over.
        report.emit(AuthEvent::SignedOut {
            reason: SignedOut::OtherUser,
        });
    }
    report.emit(AuthEvent::SignedIn {
        subject: session.subject().map(str::to_owned),
        scope: session.scope.clone(),
        storage: client.settings.with_untracked(|s| s.token_storage),
    });
    if channel == ResponseChannel::Callback || other_user {
        // A new login: a renewal started under the old session must not
        // replace it when it finishes.
        client.generation.update_value(|g| *g += 1);
    }
    client.set_session(Some(session));
    client.forgotten_here.set_value(false);
}

/// What tokens must still find to be installed: the session generation of
/// this tab (no logout, "Forget tokens" or new login here) and the logout
/// count it knows of (no logout in any tab) as they were when the tokens
/// were asked for. Messages between tabs arrive in no set order; the count
/// (see [`tabs::logouts_seen`]) keeps a renewal that finishes during a
/// logout in another tab from bringing tokens back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wanted {
    generation: u64,
    logout_epoch: u64,
}

impl Wanted {
    /// As things are now.
    pub(crate) fn now(client: AuthClient) -> Self {
        Self {
            generation: client.generation.get_value(),
            logout_epoch: tabs::logouts_seen(),
        }
    }

    /// Whether nothing has dropped the tokens since.
    pub(crate) fn still(self, client: AuthClient) -> bool {
        self == Self::now(client)
    }

    /// The logout count the tokens were asked for under.
    pub(crate) fn logout_epoch(self) -> u64 {
        self.logout_epoch
    }
}

/// The names of a fragment's parameters (never their values).
fn parameter_names(fragment: &str) -> Vec<String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parameter_names;

    #[test]
    fn only_the_names_of_the_parameters_are_reported() {
        assert_eq!(
            parameter_names("#access_token=secret&state=s&&token_type=Bearer"),
            ["access_token", "state", "token_type"]
        );
        assert!(parameter_names("").is_empty());
    }
}
