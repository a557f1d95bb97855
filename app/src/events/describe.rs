//! How each step reads: its outcome, one line for people, and the
//! specification section behind it.

use auth_client::{AuthEvent, ResponseCheck};
use teaching::{
    dev_controls::{DocumentCheck, DocumentFault, Fault},
    spec::{self, Cited, Section},
};

use super::{EventKind, Outcome};

impl EventKind {
    /// Passed, failed or neutral.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Auth(event) => outcome(event),
            Self::FaultArmed { .. } | Self::FaultsDisarmed => Outcome::Info,
        }
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        match self {
            Self::Auth(event) => summary(event),
            Self::FaultArmed { fault, silent_only } => {
                let next = if *silent_only {
                    "next silent authentication"
                } else {
                    "next authorization response"
                };
                match fault {
                    Fault::Tamper(tamper) => {
                        let verdict = match tamper.caught_by() {
                            Some(check) => format!("\"{}\" must refuse it", check.label()),
                            None => "a correct client accepts it".to_owned(),
                        };
                        format!(
                            "Dev controls: the issuer will tamper with the {next} that has an ID token ({}); {verdict}",
                            tamper.as_str()
                        )
                    }
                    Fault::Document(document) => format!(
                        "Dev controls: the issuer will break the next {} a page reads; \"{}\" must refuse it",
                        match document {
                            DocumentFault::UserinfoBadSub => "UserInfo answer",
                            DocumentFault::DiscoveryIssuerMismatch => "discovery document",
                        },
                        document.caught_by().label()
                    ),
                    Fault::Error(error) => format!(
                        "Dev controls: the issuer will answer the {next} with {}",
                        error.as_str()
                    ),
                }
            }
            Self::FaultsDisarmed => "Dev controls: every fault disarmed".to_owned(),
        }
    }

    /// The specification section behind the step.
    pub fn spec(&self) -> Option<Section> {
        match self {
            Self::Auth(event) => spec_of(event),
            Self::FaultArmed { fault, .. } => Some(fault.spec()),
            Self::FaultsDisarmed => None,
        }
    }
}

fn verdict(passed: bool) -> Outcome {
    if passed {
        Outcome::Passed
    } else {
        Outcome::Failed
    }
}

fn outcome(event: &AuthEvent) -> Outcome {
    match event {
        AuthEvent::StateChecked { refused } => verdict(refused.is_none()),
        AuthEvent::IdTokenChecked { passed, .. }
        | AuthEvent::ResponseChecked { passed, .. }
        | AuthEvent::SilentFinished { passed, .. }
        | AuthEvent::UserInfo { passed, .. } => verdict(*passed),
        AuthEvent::AuthorizationError { .. } => Outcome::Failed,
        AuthEvent::SignedIn { .. } => Outcome::Passed,
        AuthEvent::TopLevelRenewal { found_session } => verdict(*found_session),
        AuthEvent::ApiCall { status, .. } => verdict(*status < 400),
        AuthEvent::DiscoveryRefused { .. } => Outcome::Failed,
        AuthEvent::Discovered { .. }
        | AuthEvent::AuthorizeRedirect { .. }
        | AuthEvent::FragmentRead { .. }
        | AuthEvent::SignedOut { .. }
        | AuthEvent::SilentStarted { .. }
        | AuthEvent::RenewalBlocked { .. }
        | AuthEvent::RenewalScheduled { .. }
        | AuthEvent::OtherTab { .. }
        | AuthEvent::LogoutRedirect { .. } => Outcome::Info,
    }
}

fn passed_or_failed(passed: bool) -> &'static str {
    if passed { "passed" } else { "FAILED" }
}

fn summary(event: &AuthEvent) -> String {
    match event {
        AuthEvent::Discovered {
            issuer,
            kept_for_secs: None,
        } => format!("Read the discovery document of {issuer}"),
        AuthEvent::Discovered {
            issuer,
            kept_for_secs: Some(secs),
        } => {
            format!("Used this tab's copy of the discovery document of {issuer}, read {secs} s ago")
        }
        AuthEvent::AuthorizeRedirect {
            endpoint,
            response_type,
            scope,
        } => format!("Redirect to {endpoint} (response_type={response_type}, scope={scope})"),
        AuthEvent::FragmentRead { parameters } => format!(
            "Read the fragment ({}) and removed it from the address bar and history",
            parameters.join(", ")
        ),
        AuthEvent::StateChecked { refused: None } => {
            "state matches: a live login transaction of this tab, now used up".to_owned()
        }
        AuthEvent::StateChecked {
            refused: Some(refusal),
        } => format!("state refused: {refusal}"),
        AuthEvent::AuthorizationError { error, description } => match description {
            Some(d) => format!("The provider answered {error}: {d}"),
            None => format!("The provider answered {error}"),
        },
        AuthEvent::IdTokenChecked {
            check,
            passed,
            detail,
        } => {
            let verdict = passed_or_failed(*passed);
            match detail {
                Some(d) => format!("id_token: {} {verdict}: {d}", check.label()),
                None => format!("id_token: {} {verdict}", check.label()),
            }
        }
        AuthEvent::ResponseChecked {
            check,
            passed,
            detail,
        } => {
            let (what, verdict) = (check.label(), passed_or_failed(*passed));
            match detail {
                Some(d) => format!("{what} {verdict}: {d}"),
                None => format!("{what} {verdict}"),
            }
        }
        AuthEvent::SignedIn {
            subject,
            scope,
            storage,
        } => format!(
            "Signed in as {} with scope \"{scope}\"; tokens kept in {}",
            subject.as_deref().unwrap_or("(no id_token)"),
            storage.label()
        ),
        AuthEvent::SignedOut { reason } => format!("Signed out: {}", reason.label()),
        AuthEvent::SilentStarted {
            reason,
            response_mode,
        } => format!(
            "Silent authentication ({}): prompt=none in a hidden iframe, response_mode={response_mode}",
            reason.label()
        ),
        AuthEvent::SilentFinished {
            passed: true,
            detail,
        } => format!("Silent authentication succeeded: {detail}"),
        AuthEvent::SilentFinished {
            passed: false,
            detail,
        } => format!("Silent authentication failed: {detail}"),
        AuthEvent::RenewalBlocked {
            confirmed,
            redirect,
        } => {
            let why = if *confirmed {
                "this browser blocks third-party cookies (a top-level renewal found your session before), so the provider's cookie never reaches the iframe"
            } else {
                "this browser may block third-party cookies, so the provider's cookie never reached the iframe, or you signed out there; a top-level renewal tells which"
            };
            let next = if *redirect {
                "renewing by a top-level redirect now"
            } else {
                "a top-level renewal is offered on the Session page"
            };
            format!(
                "Third-party cookies blocked? The renewal iframe found no session at the provider, though this tab has one: {why}. Still signed in; {next}"
            )
        }
        AuthEvent::TopLevelRenewal {
            found_session: true,
        } => "Third-party cookies blocked: a top-level prompt=none request found the session the iframe did not; renewed, back on the same page".to_owned(),
        AuthEvent::TopLevelRenewal {
            found_session: false,
        } => "Signed out at the provider: a top-level prompt=none request found no session either".to_owned(),
        AuthEvent::RenewalScheduled { in_secs } => format!("Next renewal in {in_secs} s"),
        AuthEvent::OtherTab { news } => format!("Another tab: {}", news.label()),
        AuthEvent::LogoutRedirect { endpoint } => {
            format!("Redirect to the provider's logout endpoint {endpoint}")
        }
        AuthEvent::DiscoveryRefused {
            issuer_mismatch: true,
            detail,
        } => format!(
            "{} FAILED: {detail}",
            DocumentCheck::DiscoveryIssuer.label()
        ),
        AuthEvent::DiscoveryRefused {
            issuer_mismatch: false,
            detail,
        } => format!("Refused the discovery document: {detail}"),
        AuthEvent::UserInfo {
            status,
            passed,
            detail,
            subject_mismatch,
        } => match (passed, detail) {
            (true, _) => format!("UserInfo answered {status}; its sub matches the ID token's"),
            (false, Some(why)) if *subject_mismatch => format!(
                "UserInfo answered {status}: {} FAILED: {why}",
                DocumentCheck::UserinfoSubject.label()
            ),
            (false, Some(why)) => format!("UserInfo answered {status}: {why}"),
            (false, None) => format!("UserInfo answered {status}"),
        },
        AuthEvent::ApiCall {
            method,
            url,
            status,
            error,
        } => match error {
            Some(e) => format!("{method} {url} → {status} ({e})"),
            None => format!("{method} {url} → {status}"),
        },
    }
}

/// The section that requires a check of the response.
pub(super) fn response_check_spec(check: ResponseCheck) -> Option<Section> {
    match check {
        ResponseCheck::Format | ResponseCheck::AccessToken => {
            Some(spec::RFC6749_ACCESS_TOKEN_RESPONSE)
        }
        ResponseCheck::Issuer => Some(spec::RFC9207_ISS),
        ResponseCheck::IdToken => Some(spec::OIDC_IMPLICIT_RESPONSE),
        ResponseCheck::StillWanted => None,
    }
}

fn spec_of(event: &AuthEvent) -> Option<Section> {
    match event {
        AuthEvent::Discovered { .. } => Some(spec::OIDC_DISCOVERY),
        AuthEvent::AuthorizeRedirect { .. } => Some(spec::RFC6749_AUTHORIZATION_REQUEST),
        AuthEvent::FragmentRead { .. } => Some(spec::RFC6749_ACCESS_TOKEN_RESPONSE),
        AuthEvent::StateChecked { .. } => Some(spec::RFC6749_CSRF),
        AuthEvent::AuthorizationError { .. } => Some(spec::RFC6749_ERROR_RESPONSE),
        AuthEvent::IdTokenChecked { check, .. } => Some(check.spec()),
        AuthEvent::UserInfo {
            subject_mismatch: true,
            ..
        } => Some(DocumentCheck::UserinfoSubject.spec()),
        AuthEvent::UserInfo { .. } => Some(spec::OIDC_USERINFO),
        AuthEvent::DiscoveryRefused {
            issuer_mismatch: true,
            ..
        } => Some(DocumentCheck::DiscoveryIssuer.spec()),
        AuthEvent::DiscoveryRefused { .. } => Some(spec::OIDC_DISCOVERY),
        AuthEvent::ApiCall { .. } => Some(spec::RFC6750_CHALLENGE),
        AuthEvent::ResponseChecked { check, .. } => response_check_spec(*check),
        AuthEvent::SilentStarted { .. }
        | AuthEvent::SilentFinished { .. }
        | AuthEvent::TopLevelRenewal { .. } => Some(spec::OIDC_PROMPT_NONE),
        AuthEvent::RenewalBlocked { .. } => Some(spec::OIDC_AUTHENTICATION_ERROR),
        AuthEvent::LogoutRedirect { .. } => Some(spec::OIDC_RP_INITIATED_LOGOUT),
        AuthEvent::SignedIn { .. }
        | AuthEvent::SignedOut { .. }
        | AuthEvent::RenewalScheduled { .. }
        | AuthEvent::OtherTab { .. } => None,
    }
}
