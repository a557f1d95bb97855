//! The authorization request (RFC 6749 §4.2.1, OIDC Core §3.2.2.1), for an
//! interactive login and for a silent renewal alike, and the transaction
//! each leaves in this tab for its response.

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::{WithUntracked, WithValue};
use protocol::{
    AuthorizationRequest, EndpointUrl, IdTokenHint, Nonce, Prompt, RedirectUri, ResponseChannel,
    ResponseMode, ReturnPath, ScopeSet, State, Transaction, Tx,
};

use crate::{
    AuthClient, BrowserError, CALLBACK_PATH, FlowKind, RequestError, SILENT_CALLBACK_PATH, browser,
    events::{AuthEvent, Flow},
    names, provider,
};

/// 256 bits of randomness for `state` and `nonce` (at least 128 are needed,
/// RFC 6749 §10.10).
const RANDOM_BYTES: usize = 32;

/// A fresh, unguessable `state`.
pub(crate) fn new_state() -> Result<State, BrowserError> {
    browser::random_token(RANDOM_BYTES).map(State::new)
}

/// Where the response to a request comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    /// The whole page goes to the provider and back to [`CALLBACK_PATH`].
    Callback,
    /// A hidden iframe: `prompt=none`, answered to [`SILENT_CALLBACK_PATH`]
    /// (`fragment`) or by the provider's page (`web_message`).
    Silent(ResponseMode),
    /// The whole page with `prompt=none`, back to [`CALLBACK_PATH`]: a
    /// renewal the iframe could not do.
    TopLevel,
}

/// Builds the request for `state` and keeps its transaction (nonce, scope,
/// where to return) in this tab until the response comes. Gives the URL to
/// load.
pub(crate) fn prepare(
    client: AuthClient,
    authorization_endpoint: &EndpointUrl,
    state: &State,
    scope: ScopeSet,
    channel: Channel,
    return_to: ReturnPath,
) -> Result<String, RequestError> {
    let response_type = client.settings.with_untracked(|s| s.response_type);
    let nonce = Nonce::new(browser::random_token(RANDOM_BYTES)?);
    let (path, prompt, response_mode) = match channel {
        Channel::Callback => (CALLBACK_PATH, None, None),
        Channel::TopLevel => (CALLBACK_PATH, Some(Prompt::None), None),
        Channel::Silent(mode) => (
            SILENT_CALLBACK_PATH,
            Some(Prompt::None),
            (mode == ResponseMode::WebMessage).then_some(mode),
        ),
    };
    let redirect_uri = RedirectUri::parse(format!("{}{path}", browser::page_origin()))?;
    // A renewal is for the user signed in here, or for no one (OIDC Core
    // §3.1.2.1): the provider must not answer for another account.
    let id_token_hint = match channel {
        Channel::Callback => None,
        Channel::Silent(_) | Channel::TopLevel => client.session.with_untracked(|s| {
            let token = s.as_ref()?.id_token.as_ref()?;
            Some(IdTokenHint::new(token.secret()))
        }),
    };
    let request = client.config.with_value(|config| AuthorizationRequest {
        response_type,
        client_id: config.client_id.clone(),
        redirect_uri,
        scope: scope.clone(),
        audience: config.audience.clone().filter(|a| !a.is_empty()),
        state: state.clone(),
        nonce: response_type.has_id_token().then(|| nonce.clone()),
        prompt,
        response_mode,
        max_age: None,
        id_token_hint,
    });
    let url = request.to_url(authorization_endpoint.as_str())?;
    let expected_subject = match channel {
        Channel::Callback => None,
        Channel::Silent(_) | Channel::TopLevel => client
            .session
            .with_untracked(|s| s.as_ref()?.subject().map(str::to_owned)),
    };
    save_transaction(
        state,
        &Transaction {
            nonce,
            return_to,
            response_type,
            scope,
            created_at_ms: browser::now_ms(),
            channel: match channel {
                Channel::Callback => ResponseChannel::Callback,
                Channel::Silent(_) => ResponseChannel::Silent,
                Channel::TopLevel => ResponseChannel::TopLevelRenewal,
            },
            expected_subject,
        },
    )?;
    Ok(url)
}

/// Starts an interactive login (see [`AuthClient::login`]).
pub(crate) async fn login(
    client: AuthClient,
    return_to: ReturnPath,
    extra_scope: ScopeSet,
) -> Result<(), RequestError> {
    let state = new_state()?;
    let report = client.reporter.in_flow(Flow {
        kind: FlowKind::Login,
        tx: tx_of(&state).await,
    });
    let discovery = provider::discovery(client, report).await?;
    let scope = client.config.with_value(|c| c.scope.union(&extra_scope));
    // "Log in again" on the callback page must not come back to it: its
    // fragment is gone, and the response it awaits is the new one.
    let path = return_to.as_str();
    let on_callback = path == CALLBACK_PATH
        || path
            .strip_prefix(CALLBACK_PATH)
            .is_some_and(|rest| rest.starts_with('?'));
    let return_to = if on_callback {
        ReturnPath::home()
    } else {
        return_to
    };
    let url = prepare(
        client,
        &discovery.authorization_endpoint,
        &state,
        scope.clone(),
        Channel::Callback,
        return_to,
    )?;
    report.emit(AuthEvent::AuthorizeRedirect {
        endpoint: discovery.authorization_endpoint.to_string(),
        response_type: client.settings.with_untracked(|s| s.response_type),
        scope,
    });
    browser::navigate_away(&url)?;
    Ok(())
}

/// The [`Tx`] of a request's `state`: the name a provider's logs may give
/// the same request. `None` only if WebCrypto fails, which costs the steps
/// their pairing and nothing else.
pub(crate) async fn tx_of(state: &State) -> Option<Tx> {
    let digest = browser::sha256(state.as_str().as_bytes()).await.ok()?;
    let digest: &[u8; 32] = digest.as_slice().try_into().ok()?;
    Some(Tx::from_state_sha256(digest))
}

fn transaction_key(state: &State) -> String {
    format!("{}{state}", names::TRANSACTION_PREFIX)
}

/// Stores a transaction and drops the expired ones: each request has its own
/// entry, so parallel requests never overwrite each other's nonce.
fn save_transaction(state: &State, transaction: &Transaction) -> Result<(), RequestError> {
    let now = browser::now_ms();
    let storage = SessionStorage::raw();
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(names::TRANSACTION_PREFIX))
        .collect();
    for key in keys {
        let expired = SessionStorage::get::<Transaction>(&key).map_or(true, |t| t.is_expired(now));
        if expired {
            SessionStorage::delete(&key);
        }
    }
    SessionStorage::set(transaction_key(state), transaction)
        .map_err(|e| RequestError::Storage(e.to_string()))
}

/// Removes and returns the transaction of `state`: single use, so a replayed
/// response finds nothing.
pub(crate) fn take_transaction(state: &State) -> Option<Transaction> {
    let key = transaction_key(state);
    let transaction = SessionStorage::get::<Transaction>(&key).ok();
    SessionStorage::delete(&key);
    transaction
}

/// Drops the transaction of a request that will get no answer.
pub(crate) fn drop_transaction(state: &State) {
    SessionStorage::delete(transaction_key(state));
}
