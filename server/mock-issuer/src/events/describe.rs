//! How each decision reads on a timeline: its words, its verdict, its rule.

use super::EventKind;
use super::LoginReason;
use crate::third_party::NoSession;

use teaching::{
    dev_controls::Verdict,
    spec::{self, Section},
};

impl EventKind {
    /// One line for people.
    pub fn summary(&self) -> String {
        let or_none = |value: &Option<String>| value.clone().unwrap_or_else(|| "none".to_owned());
        match self {
            Self::AuthorizeReceived {
                client_id,
                response_type,
                response_mode,
                prompt,
            } => format!(
                "Authorization request from {} (response_type={}, response_mode={}, prompt={})",
                or_none(client_id),
                or_none(response_type),
                or_none(response_mode),
                or_none(prompt)
            ),
            Self::ClientRefused { client_id, reason } => format!(
                "Refused client {} with an error page, no redirect: {reason}",
                or_none(client_id)
            ),
            Self::ClientValidated {
                client_id,
                redirect_uri,
                response_mode,
            } => format!(
                "Client {} and its registered redirect_uri {redirect_uri} accepted (response_mode={response_mode})",
                client_id.as_str()
            ),
            Self::RequestRefused {
                client_id,
                error,
                description,
            } => format!(
                "Sent {} an error: {} ({description})",
                client_id.as_str(),
                error.as_str()
            ),
            Self::NoSession { client_id, why } => format!(
                "No session for {}'s silent request: {}",
                client_id.as_str(),
                why.description()
            ),
            Self::LoginRequired { client_id, reason } => {
                let why = match reason {
                    LoginReason::NoSession => "no session here",
                    LoginReason::PromptLogin => "prompt=login",
                    LoginReason::MaxAge => "the login is older than max_age",
                };
                format!("{} needs a login: {why}", client_id.as_str())
            }
            Self::LoginShown { client_id } => {
                format!("Showed the login page for {}", client_id.as_str())
            }
            Self::LoginSucceeded { username } => format!("{username} logged in: a new session"),
            Self::LoginFailed { username } => match username {
                Some(username) => format!("Wrong password for {username}"),
                None => "Unknown username or wrong password".to_owned(),
            },
            Self::LoginThrottled { retry_after_secs } => format!(
                "Login not checked: too many attempts; the browser may retry in {retry_after_secs} s"
            ),
            Self::ConsentShown {
                username,
                client_id,
                scope,
            } => format!(
                "Asked {username} to allow {} the scope \"{scope}\"",
                client_id.as_str()
            ),
            Self::ConsentRemembered {
                username,
                client_id,
                scope,
            } => format!(
                "{username} allowed {} \"{scope}\" before: no consent page",
                client_id.as_str()
            ),
            Self::ConsentGranted {
                username,
                client_id,
                scope,
            } => format!("{username} allowed {} \"{scope}\"", client_id.as_str()),
            Self::ConsentDenied {
                username,
                client_id,
            } => format!("{username} denied {}: access_denied", client_id.as_str()),
            Self::SilentAuthentication { client_id, outcome } => format!(
                "Silent authentication (prompt=none) for {}: {outcome}",
                client_id.as_str()
            ),
            Self::TokensIssued {
                client_id,
                username,
                response_type,
                expires_in,
                scope,
                tampered,
                ..
            } => {
                let issued = match expires_in {
                    Some(secs) => format!(
                        "Issued {response_type} to {} for {username}, scope \"{scope}\", for {secs} s",
                        client_id.as_str()
                    ),
                    None => format!(
                        "Issued {response_type} to {} for {username}",
                        client_id.as_str()
                    ),
                };
                match tampered {
                    Some(tamper) => format!("{issued}, broken on purpose ({})", tamper.as_str()),
                    None => issued,
                }
            }
            Self::FaultInjected {
                client_id: Some(client_id),
                fault,
            } => format!(
                "Dev controls: broke this response to {} on purpose ({})",
                client_id.as_str(),
                fault.name()
            ),
            Self::FaultInjected {
                client_id: None,
                fault,
            } => format!(
                "Dev controls: broke this answer on purpose ({})",
                fault.name()
            ),
            Self::LoggedOut {
                username,
                client_id,
            } => {
                let who = username.as_deref().unwrap_or("nobody (no session)");
                match client_id {
                    Some(client) => format!("Logged out {who}, asked by {}", client.as_str()),
                    None => format!("Logged out {who}"),
                }
            }
            Self::LogoutConfirmationShown { reason, .. } => {
                format!("Asked \"Log out?\": {reason}")
            }
            Self::LogoutDeclined { username } => format!("{username} stayed logged in"),
            Self::LogoutRefused { reason } => format!("Refused a logout: {reason}"),
            Self::KeysRotated {
                current_kid,
                next_kid,
            } => format!("Rotated the signing keys: {current_kid} signs, {next_kid} is next"),
            Self::DevControl { control, detail } => format!("Dev controls ({control}): {detail}"),
        }
    }

    /// How the decision reads on a timeline.
    pub fn verdict(&self) -> Verdict {
        match self {
            Self::ClientRefused { .. }
            | Self::RequestRefused { .. }
            | Self::LoginFailed { .. }
            | Self::LoginThrottled { .. }
            | Self::ConsentDenied { .. }
            | Self::LogoutRefused { .. }
            | Self::FaultInjected { .. } => Verdict::Refused,
            Self::SilentAuthentication { outcome, .. } if outcome != "issued" => Verdict::Refused,
            Self::ClientValidated { .. }
            | Self::LoginSucceeded { .. }
            | Self::ConsentRemembered { .. }
            | Self::ConsentGranted { .. }
            | Self::SilentAuthentication { .. }
            | Self::TokensIssued { tampered: None, .. } => Verdict::Passed,
            // A client must refuse these tokens, so they read as a refusal.
            Self::TokensIssued {
                tampered: Some(_), ..
            } => Verdict::Refused,
            _ => Verdict::Info,
        }
    }

    /// The rule behind the decision.
    pub fn spec(&self) -> Option<Section> {
        match self {
            Self::AuthorizeReceived { .. } => Some(spec::RFC6749_AUTHORIZATION_REQUEST),
            Self::ClientRefused { .. } | Self::RequestRefused { .. } => {
                Some(spec::RFC6749_ERROR_RESPONSE)
            }
            // Registered redirect URIs are compared as exact strings.
            Self::ClientValidated { .. } => Some(spec::RFC9700_REDIRECT_URIS),
            Self::NoSession {
                why: NoSession::NotLoggedIn,
                ..
            } => Some(spec::OIDC_AUTHENTICATION_ERROR),
            Self::NoSession { .. } => Some(spec::FETCH_METADATA_SITE),
            Self::LoginRequired { .. }
            | Self::LoginShown { .. }
            | Self::LoginSucceeded { .. }
            | Self::LoginFailed { .. } => Some(spec::OIDC_AUTHENTICATION),
            Self::LoginThrottled { .. } => Some(spec::RFC6749_CREDENTIALS_GUESSING),
            Self::ConsentShown { .. }
            | Self::ConsentRemembered { .. }
            | Self::ConsentGranted { .. }
            | Self::ConsentDenied { .. } => Some(spec::OIDC_CONSENT),
            Self::SilentAuthentication { .. } => Some(spec::OIDC_PROMPT_NONE),
            // Plain OAuth 2.0 for an access token alone; OpenID Connect's
            // response once an ID token is in it.
            Self::TokensIssued {
                response_type: "token",
                ..
            } => Some(spec::RFC6749_ACCESS_TOKEN_RESPONSE),
            Self::TokensIssued { .. } => Some(spec::OIDC_IMPLICIT_RESPONSE),
            Self::FaultInjected { fault, .. } => Some(fault.spec()),
            Self::LoggedOut { .. }
            | Self::LogoutConfirmationShown { .. }
            | Self::LogoutDeclined { .. }
            | Self::LogoutRefused { .. } => Some(spec::OIDC_RP_INITIATED_LOGOUT),
            Self::KeysRotated { .. } => Some(spec::OIDC_KEY_ROTATION),
            Self::DevControl { .. } => None,
        }
    }
}
