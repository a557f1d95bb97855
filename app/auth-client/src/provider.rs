//! The provider as the client sees it: its discovery document and its keys,
//! read over HTTP from the issuer URL alone (OIDC Discovery §4), so the
//! client works with any OpenID provider, and kept for as long as the
//! provider's `Cache-Control` allows.

use std::cell::RefCell;

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::{WithUntracked, WithValue};
use protocol::{
    Jwk, JwkSet, MetadataError, ProviderMetadata, ResponseType, cache_lifetime_secs, discovery_url,
};
use serde::Deserialize;

use crate::{
    AuthClient, ProviderError, browser,
    events::{AuthEvent, Reporter},
    names,
};

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

/// However long the provider allows, its documents are read again after this.
const MAX_REUSE_MS: u64 = 5 * 60 * 1000;

/// Until when a document read `now_ms` may be used.
fn reuse_until(now_ms: u64, lifetime_secs: u64) -> u64 {
    now_ms.saturating_add(lifetime_secs.saturating_mul(1000).min(MAX_REUSE_MS))
}

impl KnownProvider {
    fn remember(self) {
        let _ = SessionStorage::set(names::PROVIDER_KEY, &self);
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
        let stored: Self = SessionStorage::get(names::PROVIDER_KEY).ok()?;
        usable(&stored).then_some((stored, true))
    }
}

/// The provider's metadata: this tab's copy while it may be used, else a
/// fresh one, checked against the configured issuer and the response type
/// the settings ask for (OIDC Discovery §4.3).
pub(crate) async fn discovery(
    client: AuthClient,
    report: Reporter,
) -> Result<ProviderMetadata, ProviderError> {
    let issuer = client.config.with_value(|c| c.issuer.clone());
    let response_type = client.settings.with_untracked(|s| s.response_type);
    if let Some((known, from_storage)) = KnownProvider::current(&issuer) {
        // The same checks as for a fresh copy: the settings may have changed.
        if known
            .metadata
            .check_for_implicit_client(&issuer, response_type)
            .is_ok()
        {
            let metadata = known.metadata.clone();
            if from_storage {
                report.emit(AuthEvent::Discovered {
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
    let fetched = match discover(&issuer, response_type).await {
        Ok(fetched) => fetched,
        Err(ProviderError::Metadata(refusal)) => {
            report.emit(AuthEvent::DiscoveryRefused {
                issuer_mismatch: matches!(refusal, MetadataError::IssuerMismatch { .. }),
                detail: refusal.to_string(),
            });
            return Err(ProviderError::Metadata(refusal));
        }
        Err(error) => return Err(error),
    };
    let metadata = fetched.value;
    report.emit(AuthEvent::Discovered {
        issuer: metadata.issuer.clone(),
        kept_for_secs: None,
    });
    let now = browser::now_ms();
    KnownProvider {
        issuer,
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
pub(crate) async fn signing_key(
    discovery: &ProviderMetadata,
    kid: Option<&str>,
) -> Result<Jwk, ProviderError> {
    let now = browser::now_ms();
    let (known, has_keys) = PROVIDER.with_borrow(|p| {
        let keys = p
            .as_ref()
            .filter(|p| now < p.keys_until_ms)
            .map(|p| &p.keys);
        (
            keys.and_then(|keys| find_key(keys, kid).cloned()),
            keys.is_some_and(|keys| !keys.keys.is_empty()),
        )
    });
    if let Some(key) = known {
        return Ok(key);
    }
    // Known keys without this `kid`: past the HTTP cache too.
    let mut fetched = fetch_keys(discovery.jwks_uri.as_str(), has_keys).await?;
    let mut found = find_key(&fetched.value, kid).cloned();
    if found.is_none() && !has_keys {
        // That copy may have come from the browser's HTTP cache, older than
        // a key rotation: one more, past the cache, before refusing.
        fetched = fetch_keys(discovery.jwks_uri.as_str(), true).await?;
        found = find_key(&fetched.value, kid).cloned();
    }
    if let Some(mut known) = PROVIDER.with_borrow(Clone::clone) {
        known.keys = fetched.value;
        known.keys_until_ms = reuse_until(browser::now_ms(), fetched.lifetime_secs);
        known.remember();
    }
    found.ok_or_else(|| ProviderError::NoKey {
        kid: kid.map(str::to_owned),
    })
}

/// A document from the provider and how many seconds it may be reused
/// (its `Cache-Control`).
struct Fetched<T> {
    value: T,
    lifetime_secs: u64,
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    url: &str,
    revalidate: bool,
) -> Result<Fetched<T>, ProviderError> {
    let response = if revalidate {
        browser::fetch_revalidated(url).await?
    } else {
        browser::fetch("GET", url, None, None).await?
    };
    if response.status != 200 {
        return Err(ProviderError::Status {
            url: url.to_owned(),
            status: response.status,
        });
    }
    let value = serde_json::from_str(&response.body).map_err(|e| ProviderError::Json {
        url: url.to_owned(),
        error: e.to_string(),
    })?;
    Ok(Fetched {
        value,
        lifetime_secs: cache_lifetime_secs(response.cache_control.as_deref()),
    })
}

/// Reads the discovery document and checks that it is this issuer's and
/// supports what the client will ask for.
async fn discover(
    issuer: &str,
    response_type: ResponseType,
) -> Result<Fetched<ProviderMetadata>, ProviderError> {
    let fetched: Fetched<ProviderMetadata> = get_json(&discovery_url(issuer), false).await?;
    fetched
        .value
        .check_for_implicit_client(issuer, response_type)
        .map_err(ProviderError::Metadata)?;
    Ok(fetched)
}

/// Reads the JWKS. `revalidate` when a token names a key the client does not
/// know: then a copy in the HTTP cache will not do.
async fn fetch_keys(jwks_uri: &str, revalidate: bool) -> Result<Fetched<JwkSet>, ProviderError> {
    get_json(jwks_uri, revalidate).await
}

/// The RS256 key for `kid`; without a `kid`, the set's only RS256 key.
pub(crate) fn find_key<'a>(keys: &'a JwkSet, kid: Option<&str>) -> Option<&'a Jwk> {
    let mut usable = keys.keys.iter().filter(|k| k.is_rs256_signing_key());
    match kid {
        Some(kid) => usable.find(|k| k.kid.as_deref() == Some(kid)),
        None => match (usable.next(), usable.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    }
}
