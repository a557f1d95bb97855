//! The extractors, the boundary a handler states in its signature, and where
//! a request's bearer credentials are found (RFC 6750 §2.1).

use std::{marker::PhantomData, sync::Arc};

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
};

use crate::{BearerAuth, BearerError, Claims};

/// Extractor: the request carries a valid access token for this API.
/// Rejects with [`BearerError`] (401, 400 or 503).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<Claims>);

impl<S> FromRequestParts<S> for Authenticated
where
    BearerAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = BearerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        BearerAuth::from_ref(state)
            .authenticate(parts)
            .await
            .map(Self)
    }
}

/// A scope that a route requires, as a type, so the requirement is in the
/// handler's signature: `auth: Authorized<ReadMessages>`.
pub trait RequiredScope {
    /// The scope token (RFC 6749 §3.3 syntax: no spaces, quotes or backslashes).
    const SCOPE: &'static str;
}

/// Extractor: a valid access token that was granted the scope `S`
/// (RFC 6750 §3.1); otherwise 403 `insufficient_scope` naming it.
#[derive(Debug, Clone)]
pub struct Authorized<S> {
    /// The token's claims.
    pub claims: Arc<Claims>,
    scope: PhantomData<fn() -> S>,
}

impl<S, State> FromRequestParts<State> for Authorized<S>
where
    S: RequiredScope,
    BearerAuth: FromRef<State>,
    State: Send + Sync,
{
    type Rejection = BearerError;

    async fn from_request_parts(parts: &mut Parts, state: &State) -> Result<Self, Self::Rejection> {
        let auth = BearerAuth::from_ref(state);
        let claims = auth.authenticate(parts).await?;
        // Checked on every request, never cached with the token.
        if !claims.scope.contains(S::SCOPE) {
            tracing::debug!(scope = S::SCOPE, "bearer token lacks the route's scope");
            return Err(auth.insufficient_scope(S::SCOPE));
        }
        Ok(Self {
            claims,
            scope: PhantomData,
        })
    }
}

/// Why a request has no usable bearer credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extraction {
    /// No bearer credentials at all.
    Missing,
    /// Bearer credentials sent wrongly.
    Malformed(&'static str),
}

/// RFC 6750 §2.1: `Authorization: Bearer <b64token>`, the only method
/// supported (§2.2 form bodies and §2.3 query parameters are not).
/// Returns the credentials' bytes; whether they are one `b64token` is
/// [`b64token`]'s to say, on the verified-token cache's miss path.
pub(crate) fn bearer_credentials<'a>(
    headers: &'a HeaderMap,
    query: Option<&str>,
) -> Result<&'a [u8], Extraction> {
    // §2.3 tokens end up in logs and browser history; say so rather than
    // silently ignore one.
    if query.is_some_and(|q| {
        url::form_urlencoded::parse(q.as_bytes()).any(|(name, _)| name == "access_token")
    }) {
        return Err(Extraction::Malformed(
            "send the access token in the Authorization header, not in the URL",
        ));
    }
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(Extraction::Missing);
    };
    if values.next().is_some() {
        return Err(Extraction::Malformed("more than one Authorization header"));
    }
    let value = value.as_bytes();
    let (scheme, rest) = match value.iter().position(|&b| b == b' ') {
        Some(space) => (&value[..space], &value[space + 1..]),
        None => (value, &[][..]),
    };
    // The scheme is case-insensitive (RFC 9110 §11.1). Another scheme is not
    // an error in a bearer request, just no bearer credentials (§3.1).
    if !scheme.eq_ignore_ascii_case(b"Bearer") {
        return Err(Extraction::Missing);
    }
    let token = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
    if token.is_empty() {
        return Err(Extraction::Malformed("the bearer token is empty"));
    }
    Ok(token)
}

/// The credentials as one `b64token` (RFC 6750 §2.1), or why not. This also
/// rules out anything that is not visible ASCII.
pub(crate) fn b64token(token: &[u8]) -> Result<&str, &'static str> {
    const NOT_B64TOKEN: &str = "the bearer token is not one b64token (RFC 6750 §2.1)";
    if !is_b64token(token) {
        return Err(NOT_B64TOKEN);
    }
    // Always ASCII here, so always UTF-8.
    std::str::from_utf8(token).map_err(|_| NOT_B64TOKEN)
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
fn is_b64token(token: &[u8]) -> bool {
    let padding = token.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &token[..token.len() - padding];
    // No early exit and no table: the compiler then checks a whole vector of
    // bytes per instruction. This runs on every token the cache does not know.
    !body.is_empty() && body.iter().fold(true, |ok, &b| ok & is_b64token_char(b))
}

/// One character of a `b64token` body (RFC 6750 §2.1), without branches.
fn is_b64token_char(b: u8) -> bool {
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter
        | digit
        | (b == b'-')
        | (b == b'.')
        | (b == b'_')
        | (b == b'~')
        | (b == b'+')
        | (b == b'/')
}

#[cfg(test)]
mod tests;
