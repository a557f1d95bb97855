//! Reading a resource server's `WWW-Authenticate: Bearer ...` challenge
//! (RFC 6750 §3), so a client can react to `invalid_token` and
//! `insufficient_scope`.

use crate::{ErrorCode, ScopeSet};

/// The parameters of a Bearer challenge (RFC 6750 §3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BearerChallenge {
    /// RFC 6750 §3: the protection space.
    pub realm: Option<String>,
    /// RFC 6750 §3.1: `invalid_request`, `invalid_token` or `insufficient_scope`.
    pub error: Option<ErrorCode>,
    /// RFC 6750 §3: human-readable text.
    pub error_description: Option<String>,
    /// RFC 6750 §3: the scope needed (space-delimited on the wire); `None`
    /// when absent or not a valid scope list (RFC 6749 §3.3).
    pub scope: Option<ScopeSet>,
}

impl BearerChallenge {
    /// Parses a header value such as
    /// `Bearer realm="api", error="insufficient_scope", scope="read:messages"`.
    /// Anything that is not a Bearer challenge gives the empty challenge.
    pub fn parse(header: &str) -> Self {
        let header = header.trim_start();
        let Some(scheme_end) = header
            .find(|c: char| c.is_ascii_whitespace())
            .or(Some(header.len()))
        else {
            return Self::default();
        };
        if !header[..scheme_end].eq_ignore_ascii_case("Bearer") {
            return Self::default();
        }
        let mut challenge = Self::default();
        for (name, value) in auth_params(&header[scheme_end..]) {
            // RFC 9110 §11.2: parameter names are case-insensitive; the
            // first of a repeated one counts.
            match name.to_ascii_lowercase().as_str() {
                "realm" => {
                    challenge.realm.get_or_insert(value);
                }
                "error" => {
                    challenge.error.get_or_insert(ErrorCode::from(value));
                }
                "error_description" => {
                    challenge.error_description.get_or_insert(value);
                }
                "scope" if challenge.scope.is_none() => {
                    challenge.scope = value.parse().ok();
                }
                _ => {}
            }
        }
        challenge
    }
}

/// `name=value` or `name="quoted \" value"` pairs separated by commas
/// (RFC 9110 §11.2).
fn auth_params(mut rest: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().to_owned();
        rest = rest[eq + 1..].trim_start();
        let mut value = String::new();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        if name.is_empty() || name.contains(char::is_whitespace) {
            break;
        }
        params.push((name, value));
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insufficient_scope_challenge_names_the_scope() {
        let c = BearerChallenge::parse(
            r#"Bearer realm="api", error="insufficient_scope", scope="read:messages write:messages""#,
        );
        assert_eq!(c.realm.as_deref(), Some("api"));
        assert_eq!(c.error, Some(ErrorCode::InsufficientScope));
        assert_eq!(
            c.scope,
            Some("read:messages write:messages".parse().unwrap())
        );
        // A scope list that is none (RFC 6749 §3.3 syntax) is no scope.
        let bad = BearerChallenge::parse(r#"Bearer error="insufficient_scope", scope="é""#);
        assert_eq!(bad.scope, None);
    }

    #[test]
    fn a_challenge_without_an_error_means_no_credentials_were_sent() {
        let c = BearerChallenge::parse(r#"Bearer realm="api""#);
        assert_eq!(c.error, None);
        assert_eq!(c.realm.as_deref(), Some("api"));
    }

    #[test]
    fn quoted_escapes_tokens_and_case_are_handled() {
        let c = BearerChallenge::parse(
            r#"bearer error=invalid_token, error_description="the \"exp\" passed""#,
        );
        assert_eq!(c.error, Some(ErrorCode::InvalidToken));
        assert_eq!(c.error_description.as_deref(), Some(r#"the "exp" passed"#));
    }

    #[test]
    fn other_schemes_and_junk_give_an_empty_challenge() {
        assert_eq!(
            BearerChallenge::parse(r#"Basic realm="x""#),
            BearerChallenge::default()
        );
        assert_eq!(BearerChallenge::parse(""), BearerChallenge::default());
        assert_eq!(BearerChallenge::parse("Bearer"), BearerChallenge::default());
        let c = BearerChallenge::parse(r#"Bearer error="unterminated"#);
        assert_eq!(c.error, Some(ErrorCode::Other("unterminated".into())));
    }
}
