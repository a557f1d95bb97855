//! The implicit flow in the browser: send the user to the provider, take the
//! response from the fragment, validate it, keep the tokens, call the API.
//! Each step is recorded in the [`EventLog`].

use std::cell::RefCell;

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::{GetUntracked, Set, Update, WithUntracked};
use protocol::{
    AuthorizationRequest, AuthorizationResponse, ClientId, CompactJws, IdTokenCheck,
    IdTokenExpectations, Jwk, JwkSet, Nonce, ProviderMetadata, RedirectUri, ScopeSet, State,
    Transaction, Tx, check_algorithm, check_claims, parse_fragment, safe_return_path,
};

use super::{
    Auth, CallbackState, Credentials, Session, Token,
    browser::{self, HttpResponse},
    provider,
};
use crate::{
    SpaConfig,
    events::{EventKind, EventLog, Flow, FlowKind, ResponseCheck},
};

const TX_PREFIX: &str = "implicit.tx.";
/// 256 bits of randomness for `state` and `nonce` (at least 128 are needed).
pub(super) const RANDOM_BYTES: usize = 32;

thread_local! {
    /// What this page knows of the provider (see [`KnownProvider`]).
    static PROVIDER: RefCell<Option<KnownProvider>> = const { RefCell::new(None) };
}

/// The provider's metadata and keys as this tab knows them: in memory, and in
/// `sessionStorage` for the next page of the tab.
///
/// Each is used for as long as the provider's `Cache-Control` allows (at most
/// [`MAX_REUSE_MS`]), then read again; an unknown `kid` always makes the keys
/// be read again, past any cache. The stored copy spares the callback page, a
/// fresh document after the redirect, two sequential fetches before it can
/// check a signature. It is public data (the same for everyone who asks the
/// issuer); whoever could rewrite it could run script in this origin, and
/// then the tokens in memory are lost anyway.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct KnownProvider {
    /// The configured issuer this copy was read for.
    issuer: String,
    metadata: ProviderMetadata,
    /// When the metadata was read, and until when it may be used (ms since
    /// the epoch).
    metadata_read_at_ms: u64,
    metadata_until_ms: u64,
    keys: JwkSet,
    keys_until_ms: u64,
}

const PROVIDER_KEY: &str = "implicit.provider";
/// However long the provider allows, its documents are read again after this.
const MAX_REUSE_MS: u64 = 5 * 60 * 1000;

/// Until when a document read `now_ms` may be used.
fn reuse_until(now_ms: u64, lifetime_secs: u64) -> u64 {
    now_ms.saturating_add(lifetime_secs.saturating_mul(1000).min(MAX_REUSE_MS))
}

impl KnownProvider {
    fn remember(self) {
        let _ = SessionStorage::set(PROVIDER_KEY, &self);
        PROVIDER.set(Some(self));
    }

    /// This page's copy, else the one an earlier page of this tab kept, if it
    /// is for `issuer` and its metadata may still be used. The `bool` says
    /// whether it came from storage.
    fn current(issuer: &str) -> Option<(Self, bool)> {
        let now = browser::now_ms();
        let usable = |p: &Self| p.issuer == issuer && now < p.metadata_until_ms;
        if let Some(known) = PROVIDER.with_borrow(|p| p.as_ref().filter(|p| usable(p)).cloned()) {
            return Some((known, false));
        }
        let stored: Self = SessionStorage::get(PROVIDER_KEY).ok()?;
        usable(&stored).then_some((stored, true))
    }
}

pub(super) async fn discovery(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
) -> Result<ProviderMetadata, String> {
    let response_type = auth.settings.with_untracked(|s| s.response_type);
    if let Some((known, from_storage)) = KnownProvider::current(&config.issuer) {
        // The same checks as for a fresh copy: the settings may have changed.
        if known
            .metadata
            .check_for_implicit_client(&config.issuer, response_type)
            .is_ok()
        {
            let metadata = known.metadata.clone();
            if from_storage {
                log.push(EventKind::Discovered {
                    issuer: metadata.issuer.clone(),
                    kept_for_secs: Some(
                        browser::now_ms().saturating_sub(known.metadata_read_at_ms) / 1000,
                    ),
                });
                PROVIDER.set(Some(known));
            }
            return Ok(metadata);
        }
    }
    let fetched = provider::discover(&config.issuer, response_type)
        .await
        .map_err(|e| e.to_string())?;
    let metadata = fetched.value;
    log.push(EventKind::Discovered {
        issuer: metadata.issuer.clone(),
        kept_for_secs: None,
    });
    let now = browser::now_ms();
    KnownProvider {
        issuer: config.issuer.clone(),
        metadata: metadata.clone(),
        metadata_read_at_ms: now,
        metadata_until_ms: reuse_until(now, fetched.lifetime_secs),
        keys: JwkSet::default(),
        keys_until_ms: 0,
    }
    .remember();
    Ok(metadata)
}

/// The key for `kid`, from the known JWKS while it may be used, else from a
/// fresh copy (keys rotate: a new `kid` appears before it signs).
async fn signing_key(discovery: &ProviderMetadata, kid: Option<&str>) -> Result<Jwk, String> {
    let now = browser::now_ms();
    let (known, has_keys) = PROVIDER.with_borrow(|p| {
        let keys = p
            .as_ref()
            .filter(|p| now < p.keys_until_ms)
            .map(|p| &p.keys);
        (
            keys.and_then(|keys| provider::find_key(keys, kid).cloned()),
            keys.is_some_and(|keys| !keys.keys.is_empty()),
        )
    });
    if let Some(key) = known {
        return Ok(key);
    }
    // Known keys without this `kid`: past the HTTP cache too.
    let mut fetched = provider::fetch_keys(&discovery.jwks_uri, has_keys)
        .await
        .map_err(|e| e.to_string())?;
    let mut found = provider::find_key(&fetched.value, kid).cloned();
    if found.is_none() && !has_keys {
        // That copy may have come from the browser's HTTP cache, older than
        // a key rotation: one more, past the cache, before refusing.
        fetched = provider::fetch_keys(&discovery.jwks_uri, true)
            .await
            .map_err(|e| e.to_string())?;
        found = provider::find_key(&fetched.value, kid).cloned();
    }
    if let Some(mut known) = PROVIDER.with_borrow(Clone::clone) {
        known.keys = fetched.value;
        known.keys_until_ms = reuse_until(browser::now_ms(), fetched.lifetime_secs);
        known.remember();
    }
    found.ok_or_else(|| format!("the provider's JWKS has no RSA signing key with kid {kid:?}"))
}

pub(super) fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Starts an interactive login: stores a transaction under a fresh `state`,
/// then sends the browser to the authorization endpoint (RFC 6749 §4.2.1).
/// `extra_scope` asks for more scopes than configured (incremental consent).
pub async fn login(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
    return_to: String,
    extra_scope: ScopeSet,
) -> Result<(), String> {
    let state = State::new(browser::random_token(RANDOM_BYTES).map_err(|e| e.to_string())?);
    let log = log.in_flow(Flow {
        kind: FlowKind::Login,
        tx: tx_of(&state).await,
    });
    let discovery = discovery(config, auth, log).await?;
    let response_type = auth.settings.with_untracked(|s| s.response_type);
    let configured: ScopeSet = config.scope.parse().map_err(|e| format!("scope: {e}"))?;
    let scope = configured.union(&extra_scope);
    // "Log in again" on the callback page must not come back to it: its
    // fragment is gone, and the response it awaits is the new one.
    let return_to = if return_to == "/callback" || return_to.starts_with("/callback?") {
        "/".to_owned()
    } else {
        return_to
    };
    let nonce = Nonce::new(browser::random_token(RANDOM_BYTES).map_err(|e| e.to_string())?);
    let redirect_uri = RedirectUri::parse(format!("{}/callback", origin()))
        .map_err(|e| format!("redirect_uri: {e}"))?;

    let request = AuthorizationRequest {
        response_type,
        client_id: ClientId::new(config.client_id.clone()),
        redirect_uri,
        scope: scope.clone(),
        audience: Some(config.audience.clone()).filter(|a| !a.is_empty()),
        state: state.clone(),
        nonce: response_type.has_id_token().then(|| nonce.clone()),
        prompt: None,
        response_mode: None,
        max_age: None,
    };
    let url = request
        .to_url(&discovery.authorization_endpoint)
        .map_err(|e| e.to_string())?;

    save_transaction(
        &state,
        &Transaction {
            nonce,
            return_to: safe_return_path(&return_to).to_owned(),
            response_type,
            scope: scope.clone(),
            created_at_ms: browser::now_ms(),
        },
    )?;
    log.push(EventKind::AuthorizeRedirect {
        endpoint: discovery.authorization_endpoint.clone(),
        response_type: response_type.to_string(),
        scope: scope.to_string(),
    });
    log.persist();
    browser::navigate_away(&url).map_err(|e| e.to_string())
}

/// The [`Tx`] of a request's `state`: the name the issuer's events give the
/// same request. `None` only if WebCrypto fails, which costs the log its
/// pairing and nothing else.
pub(super) async fn tx_of(state: &State) -> Option<Tx> {
    let digest = browser::sha256(state.as_str().as_bytes()).await.ok()?;
    let digest: &[u8; 32] = digest.as_slice().try_into().ok()?;
    Some(Tx::from_state_sha256(digest))
}

/// Stores a transaction and drops the expired ones: each request has its own
/// entry, so parallel requests never overwrite each other's nonce.
pub(super) fn save_transaction(state: &State, transaction: &Transaction) -> Result<(), String> {
    let now = browser::now_ms();
    let storage = SessionStorage::raw();
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(TX_PREFIX))
        .collect();
    for key in keys {
        let expired = SessionStorage::get::<Transaction>(&key).map_or(true, |t| t.is_expired(now));
        if expired {
            SessionStorage::delete(&key);
        }
    }
    SessionStorage::set(format!("{TX_PREFIX}{state}"), transaction)
        .map_err(|e| format!("cannot store the login transaction: {e}"))
}

/// Removes and returns the transaction of `state`: single use, so a replayed
/// response finds nothing.
fn take_transaction(state: &State) -> Option<Transaction> {
    let key = format!("{TX_PREFIX}{state}");
    let transaction = SessionStorage::get::<Transaction>(&key).ok();
    SessionStorage::delete(&key);
    transaction
}

/// Handles `/callback`: reads the fragment, removes it from the URL and the
/// history at once, checks and validates the response, and keeps the tokens.
/// Returns where to go next, or why the response was refused.
pub async fn complete_callback(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
) -> Result<String, CallbackState> {
    // The fragment exists only here, in the browser: it is never sent to the
    // server (RFC 3986 §3.5). Read it, then scrub it before anything else runs
    // (the shell's script has normally done so before the app even loaded).
    browser::mark("implicit:callback-start");
    let hash = browser::take_callback_fragment().unwrap_or_default();
    if let Err(e) = browser::replace_url("/callback") {
        return Err(CallbackState::Refused(format!(
            "cannot remove the tokens from the URL: {e}"
        )));
    }
    let wanted = Wanted::now(auth);
    let transaction =
        accept_response(config, auth, log, &hash, wanted, Origin::Interactive).await?;
    Ok(safe_return_path(&transaction.return_to).to_owned())
}

/// Checks an authorization response given in fragment form (`name=value&…`)
/// against the transaction its `state` names, validates its tokens and, when
/// everything passes, makes them the session. Used by the callback page and
/// by silent authentication alike. `wanted` was read when the response was
/// asked for (or arrived): if a logout (in any tab) or another login
/// happened while it was being validated, the tokens are dropped, not
/// installed.
pub(super) async fn accept_response(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
    fragment: &str,
    wanted: Wanted,
    origin: Origin,
) -> Result<Transaction, CallbackState> {
    let refuse = |log: &EventLog, kind: EventKind, why: String| {
        log.push(kind);
        Err(CallbackState::Refused(why))
    };
    let flow = match origin {
        Origin::Interactive => FlowKind::Login,
        Origin::Silent => FlowKind::Silent,
    };
    let log = log.or_flow(flow);

    let response = match parse_fragment(fragment) {
        Ok(response) => response,
        Err(e) => {
            return refuse(
                &log,
                EventKind::ResponseChecked {
                    check: ResponseCheck::Format,
                    passed: false,
                    detail: Some(e.to_string()),
                },
                e.to_string(),
            );
        }
    };
    // From here on, the steps name the request the response says it answers
    // (without a `state`, a silent attempt's steps keep its own request's).
    let log = match response.state() {
        Some(state) => log.in_flow(Flow {
            kind: flow,
            tx: tx_of(state).await,
        }),
        None => log,
    };
    log.push(EventKind::FragmentRead {
        parameters: form_parameter_names(fragment),
    });

    let transaction = response.state().and_then(take_transaction);
    let transaction = match transaction {
        Some(t) if !t.is_expired(browser::now_ms()) => t,
        found => {
            let why = if found.is_some() {
                "the login transaction for this state has expired (10 min)".to_owned()
            } else {
                "state does not match any login started in this tab: a forged, replayed or stale response".to_owned()
            };
            return refuse(
                &log,
                EventKind::StateChecked {
                    passed: false,
                    detail: why.clone(),
                },
                why,
            );
        }
    };
    log.push(EventKind::StateChecked {
        passed: true,
        detail: "a live login transaction of this tab, now used up".into(),
    });

    let tokens = match response {
        AuthorizationResponse::Error(error) => {
            log.push(EventKind::AuthorizationError {
                error: error.error.to_string(),
                description: error.description.clone(),
            });
            return Err(CallbackState::ProviderError {
                error: error.error.to_string(),
                description: error.description,
            });
        }
        AuthorizationResponse::Success(tokens) => tokens,
    };

    let expect = transaction.response_type;
    let access_token = tokens.access_token.clone();
    if expect.has_access_token() {
        let bearer = tokens
            .token_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("Bearer"));
        if access_token.is_none() || !bearer {
            let why = "the response lacks an access_token of token_type Bearer (RFC 6749 §4.2.2)"
                .to_owned();
            return refuse(
                &log,
                EventKind::ResponseChecked {
                    check: ResponseCheck::AccessToken,
                    passed: false,
                    detail: Some(why.clone()),
                },
                why,
            );
        }
    }

    let now_ms = browser::now_ms();
    let mut session = Session {
        access_token: access_token.clone().map(Token::new),
        access_token_expires_at_ms: tokens
            .expires_in
            .map(|s| now_ms.saturating_add(s.saturating_mul(1000))),
        scope: tokens
            .scope
            .clone()
            .unwrap_or_else(|| transaction.scope.clone()),
        requested_scope: transaction.scope.clone(),
        id_token: None,
        id_claims: serde_json::Map::new(),
        id_token_checks: Vec::new(),
        id_token_expires_at_ms: None,
        received_at_ms: now_ms,
    };

    if expect.has_id_token() {
        let Some(id_token) = tokens.id_token.clone() else {
            let why = "an id_token was asked for but none came back".to_owned();
            return refuse(
                &log,
                EventKind::ResponseChecked {
                    check: ResponseCheck::IdToken,
                    passed: false,
                    detail: Some(why.clone()),
                },
                why,
            );
        };
        let ValidIdToken { claims, checks } = validate_id_token(
            config,
            auth,
            log,
            &id_token,
            &transaction,
            access_token.as_deref(),
        )
        .await
        .map_err(CallbackState::Refused)?;
        session.id_token_expires_at_ms = claims
            .get("exp")
            .and_then(serde_json::Value::as_u64)
            .map(|exp| exp.saturating_mul(1000));
        session.id_claims = claims;
        session.id_token_checks = checks;
        session.id_token = Some(Token::new(id_token));
    }

    if !wanted.still(auth) {
        log.push(EventKind::ResponseChecked {
            check: ResponseCheck::StillWanted,
            passed: false,
            detail: Some("a logout or another login happened meanwhile; tokens dropped".into()),
        });
        return Err(CallbackState::Superseded);
    }
    let storage = auth.settings.with_untracked(|s| s.token_storage.label());
    let previous_subject = auth
        .session
        .with_untracked(|s| s.as_ref().and_then(|s| s.subject().map(str::to_owned)));
    let other_user = previous_subject.is_some() && previous_subject.as_deref() != session.subject();
    if other_user {
        // Another user at the provider: a new session, nothing carried over.
        log.push(EventKind::SignedOut {
            reason: "the provider answered for a different user".into(),
        });
    }
    log.push(EventKind::SignedIn {
        subject: session.subject().map(str::to_owned),
        scope: session.scope.to_string(),
        storage: storage.to_owned(),
    });
    if origin == Origin::Interactive || other_user {
        // A new login: a renewal started under the old session must not
        // replace it when it finishes.
        auth.generation.update(|g| *g += 1);
    }
    auth.set_session(Some(session));
    auth.forgotten_here.set(false);
    browser::mark("implicit:tokens-validated");
    Ok(transaction)
}

/// What tokens must still find to be installed: the session generation of
/// this tab (no logout, "Forget tokens" or new login here) and the logout
/// count it knows of (no logout in any tab) as they were when the tokens
/// were asked for. Messages between tabs arrive in no set order; the count
/// (see [`browser::logouts_seen`]) is what keeps a renewal that finishes
/// during a logout in another tab from bringing tokens back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Wanted {
    generation: u64,
    logout_epoch: u64,
}

impl Wanted {
    /// As things are now.
    pub(super) fn now(auth: Auth) -> Self {
        Self {
            generation: auth.generation.get_untracked(),
            logout_epoch: browser::logouts_seen(),
        }
    }

    /// Whether nothing has dropped the tokens since.
    pub(super) fn still(self, auth: Auth) -> bool {
        self == Self::now(auth)
    }

    /// The logout count the tokens were asked for under.
    pub(super) fn logout_epoch(self) -> u64 {
        self.logout_epoch
    }
}

/// Where an authorization response came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// The callback page, after the user went to the provider: a new login.
    Interactive,
    /// A silent authentication: the same session, renewed.
    Silent,
}

fn form_parameter_names(hash: &str) -> Vec<String> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    hash.split('&')
        .filter_map(|pair| pair.split('=').next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An ID token that passed every check.
struct ValidIdToken {
    claims: serde_json::Map<String, serde_json::Value>,
    /// The checks that ran, in order (`at_hash`, say, only with an access token).
    checks: Vec<IdTokenCheck>,
}

/// OIDC Core §3.2.2.11: algorithm, signature (WebCrypto, key by `kid`), then
/// every claim check. Each check is logged; the first failure stops.
async fn validate_id_token(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
    id_token: &str,
    transaction: &Transaction,
    access_token: Option<&str>,
) -> Result<ValidIdToken, String> {
    let failed = |check: IdTokenCheck, why: String| {
        log.push(EventKind::IdTokenChecked {
            check,
            passed: false,
            detail: Some(why.clone()),
        });
        format!("{}: {why}", check.label())
    };
    let passed = |check: IdTokenCheck| {
        log.push(EventKind::IdTokenChecked {
            check,
            passed: true,
            detail: None,
        });
    };

    let jws =
        CompactJws::parse(id_token).map_err(|e| failed(IdTokenCheck::Signature, e.to_string()))?;
    check_algorithm(&jws.header).map_err(|f| failed(f.check, f.reason))?;
    passed(IdTokenCheck::Algorithm);

    let discovery = discovery(config, auth, log)
        .await
        .map_err(|e| failed(IdTokenCheck::Signature, e))?;
    browser::mark("implicit:discovery-ready");
    let key = signing_key(&discovery, jws.header.kid.as_deref())
        .await
        .map_err(|e| failed(IdTokenCheck::Signature, e))?;
    browser::mark("implicit:key-ready");
    let (Some(n), Some(e)) = (key.n.as_deref(), key.e.as_deref()) else {
        return Err(failed(IdTokenCheck::Signature, "the JWK has no n/e".into()));
    };
    let verified = browser::verify_rs256(n, e, jws.signing_input.as_bytes(), &jws.signature)
        .await
        .map_err(|e| failed(IdTokenCheck::Signature, e.to_string()))?;
    if !verified {
        return Err(failed(
            IdTokenCheck::Signature,
            "the signature does not verify with the issuer's key".into(),
        ));
    }
    passed(IdTokenCheck::Signature);
    browser::mark("implicit:signature-verified");

    let digest = match access_token {
        Some(token) => Some(
            browser::sha256(token.as_bytes())
                .await
                .map_err(|e| failed(IdTokenCheck::AtHash, e.to_string()))?,
        ),
        None => None,
    };
    let now = browser::now_ms() / 1000;
    let skew = auth.settings.with_untracked(|s| s.clock_skew_secs);
    let expectations = IdTokenExpectations {
        issuer: &discovery.issuer,
        client_id: &config.client_id,
        nonce: &transaction.nonce,
        access_token_sha256: digest.as_deref(),
        now,
        clock_skew: skew,
        max_age_of_iat: 600 + skew,
    };
    match check_claims(&jws.claims, &expectations) {
        Ok(claim_checks) => {
            for &check in &claim_checks {
                passed(check);
            }
            let checks = [IdTokenCheck::Algorithm, IdTokenCheck::Signature]
                .into_iter()
                .chain(claim_checks)
                .collect();
            Ok(ValidIdToken {
                claims: jws.claims,
                checks,
            })
        }
        Err(refused) => {
            // The checks that ran before the failure, in order, then it.
            for &check in &refused.passed {
                passed(check);
            }
            Err(failed(refused.failure.check, refused.failure.reason))
        }
    }
}

/// One call to the API (its public route included).
#[derive(Debug, Clone, Copy)]
pub struct ApiRequest<'a> {
    pub method: &'a str,
    /// Appended to the configured API URL.
    pub path: &'a str,
    /// A JSON body.
    pub body: Option<&'a str>,
    pub credentials: Credentials,
}

/// Calls the API, with the session's access token when `credentials` asks
/// for it (RFC 6750 §2.1), and logs the verdict. Without a token in the
/// session the call goes out without one, so the API's answer to that is
/// visible too.
pub async fn call_api(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
    request: ApiRequest<'_>,
) -> Result<HttpResponse, String> {
    let ApiRequest {
        method,
        path,
        body,
        credentials,
    } = request;
    let token = match credentials {
        Credentials::AccessToken => auth
            .session
            .with_untracked(|s| s.as_ref().and_then(|s| s.access_token.clone())),
        Credentials::None => None,
    };
    let url = format!("{}{path}", config.api_url.trim_end_matches('/'));
    let response = browser::fetch(method, &url, token.as_ref().map(Token::secret), body)
        .await
        .map_err(|e| e.to_string())?;
    let challenge = response
        .www_authenticate
        .as_deref()
        .map(protocol::BearerChallenge::parse);
    log.push(EventKind::ApiCall {
        method: method.to_owned(),
        url: path.to_owned(),
        status: response.status,
        error: challenge.and_then(|c| c.error).map(|code| code.to_string()),
    });
    Ok(response)
}

/// Reads the UserInfo endpoint (OIDC Core §5.3) with the access token, and
/// uses its claims only if their `sub` is exactly the ID token's (§5.3.2:
/// otherwise the response may be for someone else and MUST NOT be used).
pub async fn fetch_userinfo(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let discovery = discovery(config, auth, log).await?;
    let endpoint = discovery
        .userinfo_endpoint
        .ok_or("the provider's discovery document names no userinfo_endpoint")?;
    let (token, subject) = auth
        .session
        .with_untracked(|s| {
            let s = s.as_ref()?;
            Some((s.access_token.clone()?, s.subject().map(str::to_owned)))
        })
        .ok_or("no access token: log in first")?;
    let subject = subject.ok_or("no ID token to compare the UserInfo sub with")?;
    let response = browser::fetch("GET", &endpoint, Some(token.secret()), None)
        .await
        .map_err(|e| e.to_string())?;
    let refuse = |why: String| {
        log.push(EventKind::UserInfo {
            status: response.status,
            passed: false,
            detail: Some(why.clone()),
        });
        Err(why)
    };
    if response.status != 200 {
        let why = response.www_authenticate.clone().map_or_else(
            || format!("HTTP {}", response.status),
            |challenge| format!("HTTP {}, {challenge}", response.status),
        );
        return refuse(why);
    }
    let claims = match serde_json::from_str::<serde_json::Value>(&response.body) {
        Ok(serde_json::Value::Object(claims)) => claims,
        _ => return refuse("the answer is not a JSON object".into()),
    };
    if claims.get("sub").and_then(serde_json::Value::as_str) != Some(subject.as_str()) {
        return refuse("its sub is not the ID token's; the claims were not used".into());
    }
    log.push(EventKind::UserInfo {
        status: response.status,
        passed: true,
        detail: None,
    });
    Ok(claims)
}
