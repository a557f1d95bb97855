//! The sections of the specifications this project cites, each written once.
//!
//! The SPA's event log, the issuer's decisions (`GET /dev/events`) and the
//! fault catalogue all link each step to the rule behind it, and name the
//! section instead of copying the words and the URL. [`Cited`] gives each
//! protocol check its section.

use std::fmt;

use protocol::IdTokenCheck;

/// A section of a specification: how it is cited, and where to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// How people cite it, e.g. `RFC 6749 §4.2.1`.
    pub cite: &'static str,
    /// The section itself on the publisher's site.
    pub url: &'static str,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cite)
    }
}

/// The section of the specifications behind a check.
pub trait Cited {
    /// The section that requires it.
    fn spec(self) -> Section;
}

impl Cited for IdTokenCheck {
    fn spec(self) -> Section {
        match self {
            Self::Algorithm => RFC8725_ALGORITHMS,
            Self::Nonce => OIDC_IMPLICIT_ID_TOKEN_VALIDATION,
            Self::AtHash => OIDC_AT_HASH,
            Self::Subject => OIDC_ID_TOKEN,
            _ => OIDC_ID_TOKEN_VALIDATION,
        }
    }
}

/// `url` as a link a page may show for a section read from elsewhere (the
/// issuer's dev controls): only an `http:` or `https:` URL, after the
/// clean-up a browser does first (the URL Standard strips leading and
/// trailing C0 controls and spaces, and every tab and newline), so that
/// `java\tscript:` or ` javascript:` is refused like `javascript:`.
pub fn web_link(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")).then_some(cleaned)
}

/// Declares each citation as a constant, and [`ALL`] with every one of them,
/// so the unit tests can check each citation against its URL.
macro_rules! sections {
    ($($(#[$doc:meta])* $name:ident = $cite:literal, $url:literal;)+) => {
        $($(#[$doc])* pub const $name: Section = Section { cite: $cite, url: $url };)+
        /// Every section above.
        pub const ALL: &[Section] = &[$($name),+];
    };
}

sections! {
    /// Access tokens: opaque to the client.
    RFC6749_ACCESS_TOKEN = "RFC 6749 §1.4", "https://www.rfc-editor.org/rfc/rfc6749#section-1.4";
    /// The implicit grant's authorization request.
    RFC6749_AUTHORIZATION_REQUEST = "RFC 6749 §4.2.1", "https://www.rfc-editor.org/rfc/rfc6749#section-4.2.1";
    /// The access token in the redirect URI's fragment.
    RFC6749_ACCESS_TOKEN_RESPONSE = "RFC 6749 §4.2.2", "https://www.rfc-editor.org/rfc/rfc6749#section-4.2.2";
    /// The implicit grant's error response (`error`, `error_description`).
    RFC6749_ERROR_RESPONSE = "RFC 6749 §4.2.2.1", "https://www.rfc-editor.org/rfc/rfc6749#section-4.2.2.1";
    /// Guessing passwords and tokens, which the server must prevent.
    RFC6749_CREDENTIALS_GUESSING = "RFC 6749 §10.10", "https://www.rfc-editor.org/rfc/rfc6749#section-10.10";
    /// Cross-site request forgery, and `state` against it.
    RFC6749_CSRF = "RFC 6749 §10.12", "https://www.rfc-editor.org/rfc/rfc6749#section-10.12";
    /// A resource server's `WWW-Authenticate` challenge, with its error
    /// codes (`invalid_token`, `insufficient_scope`, §3.1).
    RFC6750_CHALLENGE = "RFC 6750 §3", "https://www.rfc-editor.org/rfc/rfc6750#section-3";
    /// The `alg` header parameter.
    RFC7515_ALG = "RFC 7515 §4.1.1", "https://www.rfc-editor.org/rfc/rfc7515#section-4.1.1";
    /// The `kid` header parameter.
    RFC7515_KID = "RFC 7515 §4.1.4", "https://www.rfc-editor.org/rfc/rfc7515#section-4.1.4";
    /// The `typ` header parameter.
    RFC7515_TYP = "RFC 7515 §4.1.9", "https://www.rfc-editor.org/rfc/rfc7515#section-4.1.9";
    /// The `iss` claim.
    RFC7519_ISS = "RFC 7519 §4.1.1", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.1";
    /// The `sub` claim.
    RFC7519_SUB = "RFC 7519 §4.1.2", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.2";
    /// The `aud` claim.
    RFC7519_AUD = "RFC 7519 §4.1.3", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.3";
    /// The `exp` claim.
    RFC7519_EXP = "RFC 7519 §4.1.4", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4";
    /// The `nbf` claim.
    RFC7519_NBF = "RFC 7519 §4.1.5", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.5";
    /// The `iat` claim.
    RFC7519_IAT = "RFC 7519 §4.1.6", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.6";
    /// The `jti` claim.
    RFC7519_JTI = "RFC 7519 §4.1.7", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.7";
    /// An explicit allow-list of signing algorithms.
    RFC8725_ALGORITHMS = "RFC 8725 §3.1", "https://www.rfc-editor.org/rfc/rfc8725#section-3.1";
    /// The `iss` authorization response parameter, checked by the client
    /// against mix-up attacks.
    RFC9207_ISS = "RFC 9207 §2.4", "https://www.rfc-editor.org/rfc/rfc9207#section-2.4";
    /// Redirect URIs compared as exact strings.
    RFC9700_REDIRECT_URIS = "RFC 9700 §2.1", "https://www.rfc-editor.org/rfc/rfc9700#section-2.1";
    /// How the user logged in, in a JWT access token (`auth_time`, `acr`, `amr`).
    RFC9068_AUTHENTICATION = "RFC 9068 §2.2.1", "https://www.rfc-editor.org/rfc/rfc9068#section-2.2.1";
    /// Privacy of a JWT access token: a client must not inspect its content,
    /// whose format may change at any time.
    RFC9068_PRIVACY = "RFC 9068 §6", "https://www.rfc-editor.org/rfc/rfc9068#section-6";
    /// The claims of a JWT access token (`client_id` among them).
    RFC9068_ACCESS_TOKEN = "RFC 9068 §2.2", "https://www.rfc-editor.org/rfc/rfc9068#section-2.2";
    /// The authorization claims of a JWT access token (`scope`, `groups`, `roles`…).
    RFC9068_CLAIMS = "RFC 9068 §2.2.3", "https://www.rfc-editor.org/rfc/rfc9068#section-2.2.3";
    /// The ID token and its claims.
    OIDC_ID_TOKEN = "OIDC Core §2", "https://openid.net/specs/openid-connect-core-1_0.html#IDToken";
    /// The authentication request, here for `prompt=none`.
    OIDC_PROMPT_NONE = "OIDC Core §3.1.2.1 (prompt=none)", "https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest";
    /// The provider authenticates the end-user.
    OIDC_AUTHENTICATION = "OIDC Core §3.1.2.3", "https://openid.net/specs/openid-connect-core-1_0.html#Authenticates";
    /// The provider obtains the end-user's consent.
    OIDC_CONSENT = "OIDC Core §3.1.2.4", "https://openid.net/specs/openid-connect-core-1_0.html#Consent";
    /// OpenID Connect's error codes (`login_required`, `consent_required`).
    OIDC_AUTHENTICATION_ERROR = "OIDC Core §3.1.2.6", "https://openid.net/specs/openid-connect-core-1_0.html#AuthError";
    /// `Sec-Fetch-Site`: whether a request comes from another site, where
    /// the issuer's cookie is a third-party one.
    FETCH_METADATA_SITE = "Fetch Metadata §2.3 (Sec-Fetch-Site)", "https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header";
    /// A backend for frontend: the app's server keeps the tokens.
    BROWSER_APPS_BFF = "draft-ietf-oauth-browser-based-apps §6.1", "https://datatracker.ietf.org/doc/html/draft-ietf-oauth-browser-based-apps#section-6.1";
    /// A browser-based OAuth client: the code flow with PKCE, refresh tokens.
    BROWSER_APPS_CLIENT = "draft-ietf-oauth-browser-based-apps §6.3", "https://datatracker.ietf.org/doc/html/draft-ietf-oauth-browser-based-apps#section-6.3";
    /// Refresh tokens for public clients: sender-constrained or rotated.
    RFC9700_REFRESH_TOKENS = "RFC 9700 §4.14", "https://www.rfc-editor.org/rfc/rfc9700#section-4.14";
    /// Signing ID tokens: with several keys in the JWKS, `kid` is required.
    OIDC_SIGNING = "OIDC Core §10.1", "https://openid.net/specs/openid-connect-core-1_0.html#Signing";
    /// Validating an ID token.
    OIDC_ID_TOKEN_VALIDATION = "OIDC Core §3.1.3.7", "https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation";
    /// The implicit flow's ID token, `at_hash` required in it.
    OIDC_IMPLICIT_ID_TOKEN = "OIDC Core §3.2.2.10", "https://openid.net/specs/openid-connect-core-1_0.html#ImplicitIDToken";
    /// The implicit flow's successful response, ID token included.
    OIDC_IMPLICIT_RESPONSE = "OIDC Core §3.2.2.5", "https://openid.net/specs/openid-connect-core-1_0.html#ImplicitAuthResponse";
    /// Validating the access token against `at_hash`.
    OIDC_AT_HASH = "OIDC Core §3.2.2.9", "https://openid.net/specs/openid-connect-core-1_0.html#ImplicitTokenValidation";
    /// The implicit flow's ID token checks, `nonce` among them.
    OIDC_IMPLICIT_ID_TOKEN_VALIDATION = "OIDC Core §3.2.2.11", "https://openid.net/specs/openid-connect-core-1_0.html#ImplicitIDTValidation";
    /// The standard claims about the user (`name`, `email`…).
    OIDC_STANDARD_CLAIMS = "OIDC Core §5.1", "https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims";
    /// The UserInfo response, whose `sub` must be the ID token's.
    OIDC_USERINFO_RESPONSE = "OIDC Core §5.3.2", "https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse";
    /// The UserInfo endpoint.
    OIDC_USERINFO = "OIDC Core §5.3", "https://openid.net/specs/openid-connect-core-1_0.html#UserInfo";
    /// Rotating signing keys.
    OIDC_KEY_ROTATION = "OIDC Core §10.1.1", "https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys";
    /// Validating the discovery document: its `issuer` is the expected one.
    OIDC_DISCOVERY_VALIDATION = "OIDC Discovery §4.3", "https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation";
    /// The provider's metadata document.
    OIDC_DISCOVERY = "OIDC Discovery §4", "https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig";
    /// Logout initiated by the relying party.
    OIDC_RP_INITIATED_LOGOUT = "OIDC RP-Initiated Logout §2", "https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RFC's section is at a URL made of its number and section; an
    /// OpenID specification's is an anchor on that specification's page,
    /// which names no number, so the anchors are listed here with the
    /// sections they open (as the specifications' tables of contents give them).
    #[test]
    fn each_citation_links_to_the_section_it_names() {
        let openid = [
            ("OIDC Core", "openid-connect-core-1_0.html"),
            ("OIDC Discovery", "openid-connect-discovery-1_0.html"),
            (
                "OIDC RP-Initiated Logout",
                "openid-connect-rpinitiated-1_0.html",
            ),
        ];
        let anchors = [
            ("openid-connect-core-1_0.html#IDToken", "2"),
            ("openid-connect-core-1_0.html#AuthRequest", "3.1.2.1"),
            ("openid-connect-core-1_0.html#Authenticates", "3.1.2.3"),
            ("openid-connect-core-1_0.html#Consent", "3.1.2.4"),
            ("openid-connect-core-1_0.html#AuthError", "3.1.2.6"),
            ("openid-connect-core-1_0.html#IDTokenValidation", "3.1.3.7"),
            (
                "openid-connect-core-1_0.html#ImplicitAuthResponse",
                "3.2.2.5",
            ),
            (
                "openid-connect-core-1_0.html#ImplicitTokenValidation",
                "3.2.2.9",
            ),
            ("openid-connect-core-1_0.html#ImplicitIDToken", "3.2.2.10"),
            (
                "openid-connect-core-1_0.html#ImplicitIDTValidation",
                "3.2.2.11",
            ),
            ("openid-connect-core-1_0.html#StandardClaims", "5.1"),
            ("openid-connect-core-1_0.html#UserInfo", "5.3"),
            ("openid-connect-core-1_0.html#UserInfoResponse", "5.3.2"),
            ("openid-connect-core-1_0.html#Signing", "10.1"),
            ("openid-connect-core-1_0.html#RotateSigKeys", "10.1.1"),
            ("openid-connect-discovery-1_0.html#ProviderConfig", "4"),
            (
                "openid-connect-discovery-1_0.html#ProviderConfigurationValidation",
                "4.3",
            ),
            ("openid-connect-rpinitiated-1_0.html#RPLogout", "2"),
        ];
        for section in ALL {
            let (spec, number) = section
                .cite
                .split_once(" §")
                .unwrap_or_else(|| panic!("{section:?} names no section"));
            // A remark after the number, e.g. `3.1.2.1 (prompt=none)`.
            let number = number.split(' ').next().unwrap_or_default();
            if let Some(rfc) = spec.strip_prefix("RFC ") {
                let url = format!("https://www.rfc-editor.org/rfc/rfc{rfc}#section-{number}");
                assert_eq!(section.url, url, "{section}");
                continue;
            }
            if spec.starts_with("draft-") {
                let url = format!("https://datatracker.ietf.org/doc/html/{spec}#section-{number}");
                assert_eq!(section.url, url, "{section}");
                continue;
            }
            if spec == "Fetch Metadata" {
                let anchors = [("#sec-fetch-site-header", "2.3")];
                let anchor = section
                    .url
                    .strip_prefix("https://www.w3.org/TR/fetch-metadata/");
                let listed = anchors.iter().find(|(a, _)| Some(*a) == anchor);
                assert_eq!(listed.map(|(_, n)| *n), Some(number), "{section:?}");
                continue;
            }
            let (_, page) = openid
                .iter()
                .find(|(name, _)| *name == spec)
                .unwrap_or_else(|| panic!("{section:?} cites an unknown specification"));
            let anchor = section
                .url
                .strip_prefix("https://openid.net/specs/")
                .filter(|anchor| anchor.starts_with(&format!("{page}#")))
                .unwrap_or_else(|| panic!("{section:?} is not on {page}"));
            let listed = anchors.iter().find(|(a, _)| *a == anchor).map(|(_, n)| *n);
            assert_eq!(listed, Some(number), "{section:?}");
        }
    }

    #[test]
    fn only_http_and_https_urls_become_links() {
        for url in [
            "https://www.rfc-editor.org/rfc/rfc6749#section-10.10",
            "http://localhost:9000/spec",
            "HTTPS://example.com/",
        ] {
            assert_eq!(web_link(url).as_deref(), Some(url));
        }
        assert_eq!(
            web_link(" https://a.example/\n").as_deref(),
            Some("https://a.example/")
        );
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "//evil.example/",
            "/relative",
            "",
            "https",
        ] {
            assert_eq!(web_link(url), None, "{url:?}");
        }
    }

    #[test]
    fn each_section_is_declared_once() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.url, b.url, "{a} and {b} share a link");
                assert_ne!(a.cite, b.cite);
            }
        }
    }
}
