//! Minting the tokens of an authorization response: the JWT access token
//! (RFC 9068 §2.2) and the ID token (OpenID Connect Core §2, §3.2.2.10),
//! optionally broken on purpose by a dev-control [`Tamper`].

use aws_lc_rs::digest;
use protocol::{
    AccessTokenClaims, Audience, IdTokenClaims, Nonce, Scope, ScopeSet, TokenType, UserClaims,
    at_hash_from_sha256,
};

use super::{
    Shared,
    dev::{FUTURE_IAT_SECS, SKEWED_IAT_SECS, Tamper},
    keys::{Forgery, KeyError, SigningKey},
    request::AuthorizeRequest,
    store::{Session, random_id},
    tenant::{OIDC_SCOPES, User},
};

/// The issuer a `wrong_iss` token claims to come from.
pub const WRONG_ISSUER: &str = "https://attacker.example/";
/// The audience of a `wrong_aud` token.
pub const WRONG_AUDIENCE: &str = "https://another-api.example/";
/// The untrusted second audience of an `extra_aud` ID token.
pub const UNTRUSTED_AUDIENCE: &str = "https://untrusted.example/";
/// How far in the past an `expired` token expired: beyond any sane leeway.
pub const EXPIRED_AGO_SECS: u64 = 600;
/// How long the JWKS publishes only the signing key after a
/// `kid_absent_single_jwks` response: time for the client to read it.
pub const SINGLE_KEY_JWKS_SECS: u64 = 120;

/// The tokens of one response.
#[derive(Debug)]
pub struct Minted {
    /// The fragment (or web message) parameters, without `state`.
    pub params: Vec<(&'static str, String)>,
    /// `kid` of the access token.
    pub access_token_kid: Option<String>,
    /// `kid` of the ID token.
    pub id_token_kid: Option<String>,
    /// `expires_in` of the access token.
    pub expires_in: Option<u64>,
    /// The `scope` the response names, if it names one.
    pub scope: Option<ScopeSet>,
}

/// Signs the tokens `request` asks for, for `user` in `session`.
pub fn mint(
    state: &Shared,
    request: &AuthorizeRequest,
    session: &Session,
    user: &User,
    tamper: Option<Tamper>,
) -> Result<Minted, KeyError> {
    // The clock faults: the issuer's clock runs ahead for this response.
    let now = state.now()
        + match tamper {
            Some(Tamper::IatFuture) => FUTURE_IAT_SECS,
            Some(Tamper::IatWithinSkew) => SKEWED_IAT_SECS,
            _ => 0,
        };
    let lifetimes = state.lifetimes();
    let key = state.keys.current();
    let openid = request.scope.contains(Scope::OPENID);
    let issuer = match tamper {
        Some(Tamper::WrongIss) => WRONG_ISSUER,
        _ => state.issuer.as_str(),
    };
    let times = |lifetime: u64| match tamper {
        Some(Tamper::Expired) => {
            let exp = now.saturating_sub(EXPIRED_AGO_SECS);
            (exp.saturating_sub(lifetime), exp)
        }
        _ => (now, now + lifetime),
    };
    // A flipped bit breaks every token; the other forgeries the ID token.
    let access_forgery = (tamper == Some(Tamper::BadSignature)).then_some(Forgery::FlippedBit);
    let id_forgery = match tamper {
        Some(Tamper::BadSignature) => Some(Forgery::FlippedBit),
        Some(Tamper::AlgNone) => Some(Forgery::AlgNone),
        Some(Tamper::Hs256PublicKey) => Some(Forgery::Hs256PublicKey),
        Some(Tamper::Hs256ClientId) => {
            Some(Forgery::Hs256Secret(request.client_id.as_str().to_owned()))
        }
        Some(Tamper::KidAbsentMultipleJwks | Tamper::KidAbsentSingleJwks) => Some(Forgery::NoKid),
        _ => None,
    };
    match tamper {
        Some(Tamper::KidAbsentSingleJwks) => state
            .dev
            .publish_signing_key_only_until(state.now() + SINGLE_KEY_JWKS_SECS),
        // Several keys again, or the kid-less token would find just one.
        Some(Tamper::KidAbsentMultipleJwks) => state.dev.publish_signing_key_only_until(0),
        _ => {}
    }

    let mut minted = Minted {
        params: Vec::with_capacity(6),
        access_token_kid: None,
        id_token_kid: None,
        expires_in: None,
        scope: None,
    };

    let access_token = if request.response_type.has_access_token() {
        // RFC 9068 §3: the API it is for; like Auth0, the UserInfo endpoint
        // too when `openid` is granted, so the same token reads /userinfo.
        let mut audiences: Vec<&str> = request.audience.iter().map(String::as_str).collect();
        if openid {
            audiences.push(state.urls.userinfo.as_str());
        }
        let aud = match tamper {
            Some(Tamper::WrongAud) => Audience::one(WRONG_AUDIENCE),
            _ => Audience::many(audiences),
        };
        let (iat, exp) = times(lifetimes.access_token_secs);
        let claims = AccessTokenClaims {
            iss: issuer.to_owned(),
            sub: user.sub.clone(),
            aud,
            exp,
            nbf: None,
            iat: Some(iat),
            jti: Some(random_id()),
            client_id: Some(request.client_id.clone()),
            scope: request.scope.clone(),
            auth_time: Some(session.auth_time),
            azp: Some(request.client_id.clone()),
        };
        key.note_expiry(exp);
        let token = sign(&key, access_forgery.clone(), TokenType::AtJwt, &claims)?;
        minted.access_token_kid = Some(key.kid().to_owned());
        minted.expires_in = Some(lifetimes.access_token_secs);
        Some(token)
    } else {
        None
    };

    let id_token = if request.response_type.has_id_token() {
        let at_hash = match (&access_token, tamper) {
            (None, _) | (Some(_), Some(Tamper::MissingAtHash)) => None,
            (Some(_), Some(Tamper::WrongAtHash)) => Some(at_hash_of("a different access token")),
            (Some(token), _) => Some(at_hash_of(token)),
        };
        let nonce = match tamper {
            Some(Tamper::WrongNonce) => Some(Nonce::new(format!("tampered-{}", random_id()))),
            _ => request.nonce.clone(),
        };
        let (aud, azp) = match tamper {
            Some(Tamper::WrongAud) => (Audience::one("another-client"), None),
            Some(Tamper::ExtraAud) => (
                Audience::many([request.client_id.as_str(), UNTRUSTED_AUDIENCE]),
                Some(request.client_id.clone()),
            ),
            _ => (Audience::one(request.client_id.as_str()), None),
        };
        let (iat, exp) = times(lifetimes.id_token_secs);
        let mut claims = IdTokenClaims {
            auth_time: Some(session.auth_time),
            nonce,
            at_hash,
            azp,
            // OIDC Core §5.4: with no access token to call /userinfo, the
            // claims of the requested scopes go in the ID token; Auth0 puts
            // them there in every case, and so does this issuer.
            user: user_claims(state, user, request),
            ..IdTokenClaims::new(issuer, user.sub.clone(), aud, iat, exp)
        };
        match tamper {
            Some(Tamper::MissingSub) => claims.sub = None,
            Some(Tamper::MissingIat) => claims.iat = None,
            _ => {}
        }
        key.note_expiry(exp);
        let token = sign(&key, id_forgery, TokenType::Jwt, &claims)?;
        minted.id_token_kid = Some(key.kid().to_owned());
        Some(token)
    } else {
        None
    };

    if let Some(token) = access_token {
        minted.params.push(("access_token", token));
        minted.params.push(("token_type", "Bearer".to_owned()));
        minted
            .params
            .push(("expires_in", lifetimes.access_token_secs.to_string()));
        let scope = response_scope(state, request);
        minted.params.push(("scope", scope.to_string()));
        minted.scope = Some(scope);
    }
    if let Some(token) = id_token {
        minted.params.push(("id_token", token));
    }
    Ok(minted)
}

/// The `scope` a response names: the request's, or, with the dev controls'
/// `narrow-scope`, only the API's, as some certified providers answer (RFC
/// 6749 §4.2.2 lets the granted scope differ from the requested one). The
/// tokens are the same either way.
fn response_scope(state: &Shared, request: &AuthorizeRequest) -> ScopeSet {
    if !state.dev.narrow_scope() {
        return request.scope.clone();
    }
    let api_only: ScopeSet = request
        .scope
        .iter()
        .filter(|scope| !OIDC_SCOPES.iter().any(|(oidc, _)| *oidc == scope.as_str()))
        .cloned()
        .collect();
    if api_only.is_empty() {
        request.scope.clone()
    } else {
        api_only
    }
}

fn sign(
    key: &SigningKey,
    forgery: Option<Forgery>,
    typ: TokenType,
    claims: &impl serde::Serialize,
) -> Result<String, KeyError> {
    match forgery {
        Some(forgery) => key.sign_jwt_forged(typ, claims, forgery),
        None => key.sign_jwt(typ, claims),
    }
}

fn at_hash_of(access_token: &str) -> String {
    at_hash_from_sha256(digest::digest(&digest::SHA256, access_token.as_bytes()).as_ref())
}

/// The claims about `user` that the request's scopes release (OIDC Core §5.4).
pub fn user_claims(state: &Shared, user: &User, request: &AuthorizeRequest) -> UserClaims {
    claims_for_scopes(
        state,
        user,
        request.scope.contains("profile"),
        request.scope.contains("email"),
    )
}

/// The claims `profile` and `email` release.
pub fn claims_for_scopes(state: &Shared, user: &User, profile: bool, email: bool) -> UserClaims {
    let mut claims = UserClaims::default();
    if profile {
        claims.name = Some(user.name.clone());
        claims.nickname = user.nickname.clone();
        claims.preferred_username = Some(user.username.clone());
        claims.picture = Some(
            user.picture
                .clone()
                .unwrap_or_else(|| format!("{}/avatars/{}.svg", state.urls.base, user.username)),
        );
    }
    if email {
        claims.email = Some(user.email.clone());
        claims.email_verified = Some(user.email_verified);
    }
    claims
}
