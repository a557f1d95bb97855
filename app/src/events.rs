//! The event log: what the client did and why, step by step.
//!
//! Each [`EventKind`] is one observable step of the flow (a redirect, one
//! validation check, an API verdict) with the specification section behind
//! it, so the log can grow into a timeline with links to the specs. The log
//! holds no secrets (never a token or a nonce value) and survives the round
//! trip to the provider in `sessionStorage`, written when the page goes away.
//!
//! A step of a login or a silent authentication carries its [`Flow`]: the
//! kind of flow and the request's [`Tx`], a short digest of its `state`
//! that the issuer's own events (`GET /dev/events`) carry too, so a
//! timeline can group the steps of one request and pair them with the
//! issuer's decisions on it.

use leptos::prelude::*;
use protocol::{
    IdTokenCheck, Tx,
    dev_controls::{Fault, IssuerEvent, Verdict},
    spec::{self, Section},
};
use serde::{Deserialize, Serialize};

/// How an event reads: fine, failed, or neutral information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A step that succeeded or a check that passed.
    Passed,
    /// A step that failed or a check that did not pass.
    Failed,
    /// Something that happened.
    Info,
}

/// The issuer's verdict on a decision reads like a step of the app's own.
impl From<Verdict> for Outcome {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Passed => Self::Passed,
            Verdict::Refused => Self::Failed,
            Verdict::Info => Self::Info,
        }
    }
}

/// A check of the authorization response besides the ID token's
/// ([`IdTokenCheck`]), in the order the callback makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseCheck {
    /// The fragment is an authorization response (RFC 6749 §4.2.2, §4.2.2.1).
    Format,
    /// An access token came, as `response_type` `token` asks (RFC 6749
    /// §4.2.2), with `token_type` Bearer: the only type this client can
    /// use (RFC 6750), so its rule, not §4.2.2's.
    AccessToken,
    /// An ID token came, as `response_type` `id_token …` asks (OIDC Core §3.2.2.5).
    IdToken,
    /// No logout or other login happened while the response was checked,
    /// so its tokens are still wanted (this app's rule, no spec's).
    StillWanted,
}

impl ResponseCheck {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Format => "response format",
            Self::AccessToken => "access token present",
            Self::IdToken => "id_token present",
            Self::StillWanted => "still wanted",
        }
    }

    /// The section that requires the check.
    pub fn spec(self) -> Option<Section> {
        match self {
            Self::Format | Self::AccessToken => Some(spec::RFC6749_ACCESS_TOKEN_RESPONSE),
            Self::IdToken => Some(spec::OIDC_IMPLICIT_RESPONSE),
            Self::StillWanted => None,
        }
    }
}

/// One step of a flow.
///
/// Stored externally tagged (`{"discovered": {…}}`): an internally tagged
/// enum this size would cost the wasm tens of kilobytes of buffering code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The provider's metadata was read (OIDC Discovery §4), or this tab's
    /// copy of it, read that many seconds ago, was used.
    Discovered {
        issuer: String,
        #[serde(default)]
        kept_for_secs: Option<u64>,
    },
    /// The browser is sent to the authorization endpoint (RFC 6749 §4.2.1).
    AuthorizeRedirect {
        endpoint: String,
        response_type: String,
        scope: String,
    },
    /// The callback read the fragment and removed it from the URL and history.
    FragmentRead { parameters: Vec<String> },
    /// `state` matched, or did not match, a live transaction (RFC 6749 §10.12).
    StateChecked { passed: bool, detail: String },
    /// The provider answered with an error (RFC 6749 §4.2.2.1).
    AuthorizationError {
        error: String,
        description: Option<String>,
    },
    /// One ID token check (OIDC Core §3.2.2.11).
    IdTokenChecked {
        check: IdTokenCheck,
        passed: bool,
        detail: Option<String>,
    },
    /// A check of the response besides the ID token's.
    ResponseChecked {
        check: ResponseCheck,
        passed: bool,
        detail: Option<String>,
    },
    /// The tokens were accepted and kept.
    SignedIn {
        subject: Option<String>,
        scope: String,
        storage: String,
    },
    /// The tokens were dropped.
    SignedOut { reason: String },
    /// A silent authentication (`prompt=none` in a hidden iframe) started.
    SilentStarted {
        reason: String,
        response_mode: String,
    },
    /// A silent authentication ended.
    SilentFinished { passed: bool, detail: String },
    /// The next renewal was scheduled.
    RenewalScheduled { in_secs: u64 },
    /// Another tab shared its session or its logout.
    OtherTab { detail: String },
    /// The browser is sent to the provider's logout endpoint.
    LogoutRedirect { endpoint: String },
    /// The UserInfo endpoint answered (OIDC Core §5.3); `detail` says why
    /// its claims were not used, if they were not.
    UserInfo {
        status: u16,
        passed: bool,
        detail: Option<String>,
    },
    /// A call to the protected API and its verdict (RFC 6750 §3).
    ApiCall {
        method: String,
        url: String,
        status: u16,
        error: Option<String>,
    },
    /// The playground armed a fault at the demo issuer: its next response
    /// (with `silent_only`, its next silent one) will be broken this way.
    FaultArmed { fault: Fault, silent_only: bool },
    /// The playground disarmed every fault at the demo issuer.
    FaultsDisarmed,
}

impl EventKind {
    /// Passed, failed or neutral.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::StateChecked { passed, .. }
            | Self::IdTokenChecked { passed, .. }
            | Self::ResponseChecked { passed, .. } => {
                if *passed {
                    Outcome::Passed
                } else {
                    Outcome::Failed
                }
            }
            Self::AuthorizationError { .. } => Outcome::Failed,
            Self::SilentFinished { passed: true, .. } => Outcome::Passed,
            Self::SilentFinished { passed: false, .. } => Outcome::Failed,
            Self::SignedIn { .. } => Outcome::Passed,
            Self::UserInfo { passed: true, .. } => Outcome::Passed,
            Self::UserInfo { passed: false, .. } => Outcome::Failed,
            Self::ApiCall { status, .. } if *status >= 400 => Outcome::Failed,
            Self::ApiCall { .. } => Outcome::Passed,
            _ => Outcome::Info,
        }
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        match self {
            Self::Discovered {
                issuer,
                kept_for_secs: None,
            } => format!("Read the discovery document of {issuer}"),
            Self::Discovered {
                issuer,
                kept_for_secs: Some(secs),
            } => format!(
                "Used this tab's copy of the discovery document of {issuer}, read {secs} s ago"
            ),
            Self::AuthorizeRedirect {
                endpoint,
                response_type,
                scope,
            } => {
                format!("Redirect to {endpoint} (response_type={response_type}, scope={scope})")
            }
            Self::FragmentRead { parameters } => format!(
                "Read the fragment ({}) and removed it from the address bar and history",
                parameters.join(", ")
            ),
            Self::StateChecked {
                passed: true,
                detail,
            } => format!("state matches: {detail}"),
            Self::StateChecked {
                passed: false,
                detail,
            } => format!("state refused: {detail}"),
            Self::AuthorizationError { error, description } => match description {
                Some(d) => format!("The provider answered {error}: {d}"),
                None => format!("The provider answered {error}"),
            },
            Self::IdTokenChecked {
                check,
                passed,
                detail,
            } => {
                let verdict = if *passed { "passed" } else { "FAILED" };
                match detail {
                    Some(d) => format!("id_token: {} {verdict}: {d}", check.label()),
                    None => format!("id_token: {} {verdict}", check.label()),
                }
            }
            Self::ResponseChecked {
                check,
                passed,
                detail,
            } => {
                let (what, verdict) = (check.label(), if *passed { "passed" } else { "FAILED" });
                match detail {
                    Some(d) => format!("{what} {verdict}: {d}"),
                    None => format!("{what} {verdict}"),
                }
            }
            Self::SignedIn {
                subject,
                scope,
                storage,
            } => format!(
                "Signed in as {} with scope \"{scope}\"; tokens kept in {storage}",
                subject.as_deref().unwrap_or("(no id_token)")
            ),
            Self::SignedOut { reason } => format!("Signed out: {reason}"),
            Self::SilentStarted {
                reason,
                response_mode,
            } => format!(
                "Silent authentication ({reason}): prompt=none in a hidden iframe, response_mode={response_mode}"
            ),
            Self::SilentFinished {
                passed: true,
                detail,
            } => format!("Silent authentication succeeded: {detail}"),
            Self::SilentFinished {
                passed: false,
                detail,
            } => format!("Silent authentication failed: {detail}"),
            Self::RenewalScheduled { in_secs } => format!("Next renewal in {in_secs} s"),
            Self::OtherTab { detail } => format!("Another tab: {detail}"),
            Self::LogoutRedirect { endpoint } => {
                format!("Redirect to the provider's logout endpoint {endpoint}")
            }
            Self::UserInfo {
                status,
                passed,
                detail,
            } => match (passed, detail) {
                (true, _) => format!("UserInfo answered {status}; its sub matches the ID token's"),
                (false, Some(why)) => format!("UserInfo answered {status}: {why}"),
                (false, None) => format!("UserInfo answered {status}"),
            },
            Self::ApiCall {
                method,
                url,
                status,
                error,
            } => match error {
                Some(e) => format!("{method} {url} → {status} ({e})"),
                None => format!("{method} {url} → {status}"),
            },
            Self::FaultArmed { fault, silent_only } => {
                let next = if *silent_only {
                    "next silent authentication"
                } else {
                    "next authorization response"
                };
                match fault {
                    Fault::Tamper(tamper) => format!(
                        "Dev controls: the issuer will tamper with the {next} that has an ID token ({}); \"{}\" must refuse it",
                        tamper.as_str(),
                        tamper.caught_by().label()
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
            Self::Discovered { .. } => Some(spec::OIDC_DISCOVERY),
            Self::AuthorizeRedirect { .. } => Some(spec::RFC6749_AUTHORIZATION_REQUEST),
            Self::FragmentRead { .. } => Some(spec::RFC6749_ACCESS_TOKEN_RESPONSE),
            Self::StateChecked { .. } => Some(spec::RFC6749_CSRF),
            Self::AuthorizationError { .. } => Some(spec::RFC6749_ERROR_RESPONSE),
            Self::IdTokenChecked { check, .. } => Some(check.spec()),
            Self::UserInfo { .. } => Some(spec::OIDC_USERINFO),
            Self::ApiCall { .. } => Some(spec::RFC6750_CHALLENGE),
            Self::ResponseChecked { check, .. } => check.spec(),
            Self::SilentStarted { .. } | Self::SilentFinished { .. } => {
                Some(spec::OIDC_PROMPT_NONE)
            }
            Self::LogoutRedirect { .. } => Some(spec::OIDC_RP_INITIATED_LOGOUT),
            Self::FaultArmed { fault, .. } => Some(fault.spec()),
            Self::SignedIn { .. }
            | Self::SignedOut { .. }
            | Self::FaultsDisarmed
            | Self::RenewalScheduled { .. }
            | Self::OtherTab { .. } => None,
        }
    }
}

/// The kinds of flow whose steps the log groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// An interactive login: the redirect, then the callback and its checks.
    Login,
    /// A silent authentication (`prompt=none`) in a hidden iframe.
    Silent,
}

impl FlowKind {
    /// A word for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Silent => "silent",
        }
    }
}

/// The flow a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    /// Which kind of flow.
    pub kind: FlowKind,
    /// The authorization request's [`Tx`], once its `state` exists (a
    /// response that cannot be read has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx: Option<Tx>,
}

/// An event with its place in the log and its time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Increasing number within the tab.
    pub seq: u64,
    /// Milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// The flow it is a step of, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<Flow>,
    /// What happened.
    pub kind: EventKind,
}

/// The log, shared through context. A copy made with
/// [`in_flow`](Self::in_flow) writes to the same log and tags what it
/// records with that flow, so the code of a flow passes it along as it
/// would the log itself.
#[derive(Debug, Clone, Copy)]
pub struct EventLog {
    events: RwSignal<Vec<Event>>,
    flow: Option<Flow>,
    /// The one request the reader follows, if any: views of the log (and
    /// of the issuer's decisions) then show only its steps.
    focus: RwSignal<Option<Tx>>,
    /// True for the frame in which the view changes (following a request or
    /// letting go): rows that appear then are not news, and a live region
    /// must not read them out.
    view_changing: RwSignal<bool>,
}

impl EventLog {
    /// At most this many events are kept (the oldest go first).
    pub const CAPACITY: usize = 200;
    #[cfg(feature = "hydrate")]
    const STORAGE_KEY: &'static str = "implicit.events";

    /// Creates an empty log. The server renders it empty, so the browser's
    /// first (hydrating) render must be empty too: what this tab recorded
    /// before a redirect comes back with [`EventLog::restore`], after hydration.
    pub fn new() -> Self {
        Self {
            events: RwSignal::new(Vec::new()),
            flow: None,
            focus: RwSignal::new(None),
            view_changing: RwSignal::new(false),
        }
    }

    /// The request the reader follows, if any.
    pub fn focus(&self) -> Option<Tx> {
        self.focus.get()
    }

    /// Follows request `tx` alone, or every event again with `None`.
    pub fn set_focus(&self, tx: Option<Tx>) {
        self.view_changing.set(true);
        self.focus.set(tx);
        #[cfg(feature = "hydrate")]
        {
            let changing = self.view_changing;
            request_animation_frame(move || changing.set(false));
        }
    }

    /// Whether the view is changing this frame (see [`set_focus`](Self::set_focus)).
    pub fn view_changing(&self) -> bool {
        self.view_changing.get()
    }

    /// The same log, recording into `flow`.
    pub fn in_flow(self, flow: Flow) -> Self {
        Self {
            flow: Some(flow),
            ..self
        }
    }

    /// The same log, recording into a flow of `kind` without a [`Tx`] yet,
    /// unless it already records into one.
    pub fn or_flow(self, kind: FlowKind) -> Self {
        match self.flow {
            Some(_) => self,
            None => self.in_flow(Flow { kind, tx: None }),
        }
    }

    /// Puts back, before anything recorded since, the events this tab kept in
    /// `sessionStorage` across the round trip to the provider. Call it once,
    /// from an effect (after hydration).
    ///
    /// It also makes the log persist when the page goes away or is hidden
    /// (`pagehide`: the redirect to the provider, a reload). Writing it on every event
    /// instead cost tens of milliseconds per login once the log was long.
    pub fn restore(&self) {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            use wasm_bindgen::{JsCast, closure::Closure};
            let stored: Vec<Event> =
                gloo_storage::SessionStorage::get(Self::STORAGE_KEY).unwrap_or_default();
            self.events
                .update(|events| *events = merge(stored, std::mem::take(events)));
            let log = *self;
            // `visibilitychange` too: a hidden mobile tab may be discarded
            // without a `pagehide`.
            let on_hide = Closure::<dyn Fn()>::new(move || {
                let hidden = web_sys::window()
                    .and_then(|w| w.document())
                    .is_none_or(|d| d.hidden());
                if hidden {
                    log.persist();
                }
            });
            if let Some(window) = web_sys::window() {
                let _ = window
                    .add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
                if let Some(document) = window.document() {
                    let _ = document.add_event_listener_with_callback(
                        "visibilitychange",
                        on_hide.as_ref().unchecked_ref(),
                    );
                }
            }
            // The listeners live as long as the page.
            on_hide.forget();
        }
    }

    /// Writes the log to `sessionStorage`, for the next page of this tab.
    pub fn persist(&self) {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            self.events.with_untracked(|events| {
                let _ = gloo_storage::SessionStorage::set(Self::STORAGE_KEY, events);
            });
        }
    }

    /// Records an event.
    pub fn push(&self, kind: EventKind) {
        #[cfg(feature = "hydrate")]
        let at_ms = js_sys::Date::now() as u64;
        #[cfg(not(feature = "hydrate"))]
        let at_ms = 0;
        let flow = self.flow;
        self.events.update(|events| {
            let seq = events.last().map_or(1, |e| e.seq + 1);
            events.push(Event {
                seq,
                at_ms,
                flow,
                kind,
            });
            if events.len() > Self::CAPACITY {
                let excess = events.len() - Self::CAPACITY;
                events.drain(..excess);
            }
        });
    }

    /// Empties the log.
    pub fn clear(&self) {
        self.events.set(Vec::new());
        // Nothing of the followed request is left to show.
        self.set_focus(None);
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            gloo_storage::SessionStorage::delete(Self::STORAGE_KEY);
        }
    }

    /// The events, oldest first (reactive).
    pub fn events(&self) -> Vec<Event> {
        self.events.get()
    }

    /// The newest `n` events (oldest first), and how many there are in all.
    pub fn latest(&self, n: usize) -> (Vec<Event>, usize) {
        self.events.with(|events| {
            let skip = events.len().saturating_sub(n);
            (events[skip..].to_vec(), events.len())
        })
    }

    /// The issuer's decisions in the reader's view: all of them, or while
    /// following a request, that request's alone (as [`of_request`](Self::of_request)
    /// for this app's steps).
    pub fn decisions_shown(&self, decisions: &[IssuerEvent]) -> Vec<IssuerEvent> {
        let focus = self.focus();
        decisions
            .iter()
            .filter(|e| focus.is_none() || e.tx == focus)
            .cloned()
            .collect()
    }

    /// Every step kept of the request `tx`, oldest first.
    pub fn of_request(&self, tx: Tx) -> Vec<Event> {
        self.events.with(|events| {
            events
                .iter()
                .filter(|e| e.flow.and_then(|f| f.tx) == Some(tx))
                .cloned()
                .collect()
        })
    }
}

/// `earlier` then `later`, renumbered so that `seq` keeps increasing, and
/// capped to [`EventLog::CAPACITY`] (the oldest go first).
#[cfg(any(feature = "hydrate", test))]
fn merge(earlier: Vec<Event>, later: Vec<Event>) -> Vec<Event> {
    let mut events = earlier;
    let mut seq = events.last().map_or(0, |e| e.seq);
    for mut event in later {
        seq += 1;
        event.seq = seq;
        events.push(event);
    }
    let excess = events.len().saturating_sub(EventLog::CAPACITY);
    events.drain(..excess);
    events
}

impl Default for EventLog {
    fn default() -> Self {
        Self::new()
    }
}

/// One line of the timeline that puts this app's steps and the issuer's
/// decisions side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineEntry {
    /// A step of this app (its own lane).
    App(Event),
    /// A decision of the issuer, read from its dev controls (its lane).
    Issuer(IssuerEvent),
}

impl TimelineEntry {
    /// When it happened, in milliseconds since the epoch.
    pub fn at_ms(&self) -> u64 {
        match self {
            Self::App(event) => event.at_ms,
            Self::Issuer(event) => event.at_ms,
        }
    }

    /// The request it belongs to, if any.
    pub fn tx(&self) -> Option<Tx> {
        match self {
            Self::App(event) => event.flow.and_then(|flow| flow.tx),
            Self::Issuer(event) => event.tx,
        }
    }

    /// A key unique within a timeline, for keyed rendering.
    pub fn key(&self) -> (bool, u64) {
        match self {
            Self::App(event) => (false, event.seq),
            Self::Issuer(event) => (true, event.seq),
        }
    }
}

/// The newest `latest` of this app's steps and the issuer's decisions, in
/// one list ordered by time, oldest first. Each lane keeps its own order
/// (a clock that steps back reorders nothing), and at the same millisecond
/// this app's step comes first. When `issuer_cut` is true, the issuer's
/// list holds only its latest decisions, so nothing older than its first
/// is shown: an app step there would seem to have had no decision beside
/// it. The times come from two clocks (the browser's and the issuer's),
/// which agree when both run on one machine, as in the demo.
pub fn merge_timeline(
    app: Vec<Event>,
    issuer: Vec<IssuerEvent>,
    latest: usize,
    issuer_cut: bool,
) -> Vec<TimelineEntry> {
    let since = issuer.first().filter(|_| issuer_cut).map(|e| e.at_ms);
    let mut app = app
        .into_iter()
        .filter(|e| since.is_none_or(|since| e.at_ms >= since))
        .peekable();
    let mut issuer = issuer.into_iter().peekable();
    let mut merged = Vec::new();
    loop {
        let app_first = match (app.peek(), issuer.peek()) {
            (Some(step), Some(decision)) => step.at_ms <= decision.at_ms,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        merged.extend(if app_first {
            app.next().map(TimelineEntry::App)
        } else {
            issuer.next().map(TimelineEntry::Issuer)
        });
    }
    let extra = merged.len().saturating_sub(latest);
    merged.drain(..extra);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_tagged_by_kind_and_round_trip() {
        let event = EventKind::IdTokenChecked {
            check: IdTokenCheck::Nonce,
            passed: false,
            detail: Some("nonce differs".into()),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(
            json,
            r#"{"id_token_checked":{"check":"nonce","passed":false,"detail":"nonce differs"}}"#
        );
        assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), event);
        assert_eq!(event.outcome(), Outcome::Failed);
        assert_eq!(event.spec().unwrap().cite, "OIDC Core §3.2.2.11");
    }

    #[test]
    fn a_response_check_is_stored_by_name_and_read_with_its_label() {
        let event = EventKind::ResponseChecked {
            check: ResponseCheck::IdToken,
            passed: false,
            detail: Some("none came back".into()),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(
            json,
            r#"{"response_checked":{"check":"id_token","passed":false,"detail":"none came back"}}"#
        );
        assert_eq!(event.summary(), "id_token present FAILED: none came back");
        assert_eq!(event.spec().unwrap().cite, "OIDC Core §3.2.2.5");
        assert_eq!(event.outcome(), Outcome::Failed);
        let still_wanted = EventKind::ResponseChecked {
            check: ResponseCheck::StillWanted,
            passed: false,
            detail: None,
        };
        assert_eq!(still_wanted.spec(), None);
    }

    #[test]
    fn an_armed_fault_names_the_check_that_must_refuse_it() {
        use protocol::dev_controls::{FaultError, Tamper};
        let tamper = EventKind::FaultArmed {
            fault: Fault::Tamper(Tamper::WrongNonce),
            silent_only: false,
        };
        assert_eq!(
            tamper.summary(),
            "Dev controls: the issuer will tamper with the next authorization response that has an ID token (wrong_nonce); \"nonce matches\" must refuse it"
        );
        assert_eq!(tamper.spec(), Some(IdTokenCheck::Nonce.spec()));
        assert_eq!(tamper.outcome(), Outcome::Info);
        let error = EventKind::FaultArmed {
            fault: Fault::Error(FaultError::LoginRequired),
            silent_only: true,
        };
        assert_eq!(
            error.summary(),
            "Dev controls: the issuer will answer the next silent authentication with login_required"
        );
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), error);
    }

    #[test]
    fn an_api_error_status_is_a_failure() {
        let call = |status| EventKind::ApiCall {
            method: "GET".into(),
            url: "/api/private".into(),
            status,
            error: None,
        };
        assert_eq!(call(200).outcome(), Outcome::Passed);
        assert_eq!(call(401).outcome(), Outcome::Failed);
    }

    #[test]
    fn restored_events_come_first_and_numbering_goes_on_from_them() {
        let event = |seq, reason: &str| Event {
            seq,
            at_ms: 0,
            flow: None,
            kind: EventKind::SignedOut {
                reason: reason.into(),
            },
        };
        let merged = merge(
            vec![event(7, "before redirect"), event(8, "still before")],
            vec![event(1, "after hydration")],
        );
        let seqs: Vec<u64> = merged.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [7, 8, 9]);
        assert_eq!(
            merged[2].kind.summary(),
            event(0, "after hydration").kind.summary()
        );

        let many: Vec<Event> = (1..=EventLog::CAPACITY as u64)
            .map(|i| event(i, "old"))
            .collect();
        let merged = merge(many, vec![event(1, "new")]);
        assert_eq!(merged.len(), EventLog::CAPACITY);
        assert_eq!(merged[0].seq, 2);
    }

    #[test]
    fn a_flow_copy_of_the_log_tags_its_events_and_the_log_itself_does_not() {
        let owner = Owner::new();
        owner.with(|| {
            let log = EventLog::new();
            let tx: Tx = "ba7816bf".parse().unwrap();
            let login = log.or_flow(FlowKind::Login);
            login.push(EventKind::SignedOut { reason: "a".into() });
            let with_tx = login.in_flow(Flow {
                kind: FlowKind::Login,
                tx: Some(tx),
            });
            with_tx.push(EventKind::SignedOut { reason: "b".into() });
            // Already in a flow: `or_flow` keeps it.
            with_tx
                .or_flow(FlowKind::Silent)
                .push(EventKind::SignedOut { reason: "c".into() });
            log.push(EventKind::SignedOut { reason: "d".into() });
            let flows: Vec<_> = log.events().iter().map(|e| e.flow).collect();
            let tagged = |tx| {
                Some(Flow {
                    kind: FlowKind::Login,
                    tx,
                })
            };
            assert_eq!(
                flows,
                [tagged(None), tagged(Some(tx)), tagged(Some(tx)), None]
            );
            let stored = serde_json::to_value(&log.events()[1]).unwrap();
            assert_eq!(
                stored["flow"],
                serde_json::json!({"kind": "login", "tx": "ba7816bf"})
            );
            assert!(
                serde_json::to_value(&log.events()[3])
                    .unwrap()
                    .get("flow")
                    .is_none()
            );
        });
    }

    #[test]
    fn the_log_keeps_the_newest_events_up_to_its_capacity() {
        let owner = Owner::new();
        owner.with(|| {
            let log = EventLog::new();
            for i in 0..(EventLog::CAPACITY + 5) {
                log.push(EventKind::SignedOut {
                    reason: i.to_string(),
                });
            }
            let events = log.events();
            assert_eq!(events.len(), EventLog::CAPACITY);
            assert_eq!(events[0].seq, 6);
            assert_eq!(events.last().unwrap().seq, EventLog::CAPACITY as u64 + 5);
        });
    }

    #[test]
    fn the_steps_of_one_request_are_found_by_its_tx() {
        let owner = Owner::new();
        owner.with(|| {
            let log = EventLog::new();
            let tx = |s: &str| s.parse::<Tx>().unwrap();
            let login = |t| Flow {
                kind: FlowKind::Login,
                tx: Some(tx(t)),
            };
            let step = |n: u64| EventKind::RenewalScheduled { in_secs: n };
            log.in_flow(login("0000000a")).push(step(1));
            log.push(step(2));
            log.in_flow(login("0000000b")).push(step(3));
            log.in_flow(login("0000000a")).push(step(4));
            log.or_flow(FlowKind::Silent).push(step(5));
            let of_a: Vec<_> = log
                .of_request(tx("0000000a"))
                .into_iter()
                .map(|e| e.kind)
                .collect();
            assert_eq!(of_a, [step(1), step(4)]);
            assert_eq!(log.focus(), None);
            log.set_focus(Some(tx("0000000b")));
            assert_eq!(log.focus(), Some(tx("0000000b")));
        });
    }

    #[test]
    fn the_timeline_interleaves_both_lanes_by_time_and_keeps_the_newest() {
        let step = |seq, at_ms| Event {
            seq,
            at_ms,
            flow: None,
            kind: EventKind::FaultsDisarmed,
        };
        let decision = |seq, at_ms| IssuerEvent {
            seq,
            at_ms,
            tx: None,
            kind: "authorize_received".to_owned(),
            summary: String::new(),
            verdict: Verdict::Info,
            spec: None,
            spec_url: None,
        };
        let lanes = |entries: &[TimelineEntry]| -> Vec<(bool, u64)> {
            entries.iter().map(TimelineEntry::key).collect()
        };
        let app = vec![step(1, 100), step(2, 300), step(3, 300)];
        let issuer = vec![decision(7, 200), decision(8, 300), decision(9, 400)];
        let all = merge_timeline(app.clone(), issuer.clone(), 10, false);
        // (issuer?, seq): by time; at 300 ms the app's two steps, then the issuer's.
        assert_eq!(
            lanes(&all),
            [
                (false, 1),
                (true, 7),
                (false, 2),
                (false, 3),
                (true, 8),
                (true, 9)
            ]
        );
        let newest = merge_timeline(app.clone(), issuer.clone(), 2, false);
        assert_eq!(lanes(&newest), [(true, 8), (true, 9)]);
        assert_eq!(merge_timeline(Vec::new(), Vec::new(), 5, false), []);
        // The issuer's list starts at 200 ms: the app's step at 100 goes.
        let cut = merge_timeline(app, issuer, 10, true);
        assert_eq!(lanes(&cut)[0], (true, 7));
        assert_eq!(cut.len(), 5);
    }

    #[test]
    fn a_lane_keeps_its_order_when_its_clock_steps_back() {
        let step = |seq, at_ms| Event {
            seq,
            at_ms,
            flow: None,
            kind: EventKind::FaultsDisarmed,
        };
        let merged = merge_timeline(vec![step(1, 500), step(2, 400)], Vec::new(), 10, false);
        let seqs: Vec<_> = merged.iter().map(TimelineEntry::key).collect();
        assert_eq!(seqs, [(false, 1), (false, 2)]);
    }
}
