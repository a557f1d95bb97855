//! The event log: what the client did and why, step by step.
//!
//! It subscribes to the auth client, whose every step ([`Step`]) it keeps
//! with its time, and adds the playground's own. Each kind of step says how
//! it reads and which specification section is behind it
//! ([`describe`]), so the log is also a timeline with links to the specs
//! ([`timeline`]). It holds no secrets (the client reports none) and
//! survives the round trip to the provider in `sessionStorage`, written
//! when the page goes away.
//!
//! A step of a login or a silent authentication carries its [`Flow`]: the
//! kind of flow and the request's [`Tx`], a short digest of its `state`
//! that the issuer's own events (`GET /dev/events`) carry too, so a
//! timeline can group the steps of one request and pair them with the
//! issuer's decisions on it.

mod describe;
mod timeline;

use auth_client::{AuthEvent, Step};
pub use auth_client::{Flow, FlowKind};
use leptos::prelude::*;
use protocol::Tx;
use serde::{Deserialize, Serialize};
use teaching::dev_controls::{Fault, IssuerEvent, Verdict};

pub use timeline::{TimelineEntry, merge_timeline};

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

/// One step in the log.
///
/// Stored externally tagged (`{"auth": {"discovered": {…}}}`): an internally
/// tagged enum costs the wasm tens of kilobytes of buffering code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A step of the auth client.
    Auth(AuthEvent),
    /// The playground armed a fault at the demo issuer: its next response
    /// (with `silent_only`, its next silent one) will be broken this way.
    FaultArmed { fault: Fault, silent_only: bool },
    /// The playground disarmed every fault at the demo issuer.
    FaultsDisarmed,
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

/// The log, shared through context: it subscribes to the auth client
/// ([`EventLog::record`]) and takes the playground's own steps
/// ([`EventLog::push`]).
#[derive(Debug, Clone, Copy)]
pub struct EventLog {
    events: RwSignal<Vec<Event>>,
    /// Whether new events are read out to screen readers (a polite live
    /// region). Background renewals add a few events every minute or two on
    /// every page, which some users want quiet.
    announce: RwSignal<bool>,
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
    #[cfg(feature = "hydrate")]
    const ANNOUNCE_KEY: &'static str = "implicit.events.announce";

    /// Creates an empty log. The server renders it empty, so the browser's
    /// first (hydrating) render must be empty too: what this tab recorded
    /// before a redirect comes back with [`EventLog::restore`], after hydration.
    pub fn new() -> Self {
        Self {
            events: RwSignal::new(Vec::new()),
            announce: RwSignal::new(true),
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

    /// Whether new events are read out (reactive).
    pub fn announces(&self) -> bool {
        self.announce.get()
    }

    /// Reads new events out, or not; kept in `localStorage`.
    pub fn set_announce(&self, on: bool) {
        self.announce.set(on);
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            let _ = gloo_storage::LocalStorage::set(Self::ANNOUNCE_KEY, on);
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
            if let Ok(on) = gloo_storage::LocalStorage::get::<bool>(Self::ANNOUNCE_KEY) {
                self.announce.set(on);
            }
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

    /// Records a step of the auth client; written down at once when the
    /// page is about to go to the provider.
    pub fn record(&self, step: &Step) {
        self.add(step.flow, EventKind::Auth(step.event.clone()));
        if step.event.leaves_the_page() {
            self.persist();
        }
    }

    /// Records a step of the page itself (the playground's).
    pub fn push(&self, kind: EventKind) {
        self.add(None, kind);
    }

    fn add(&self, flow: Option<Flow>, kind: EventKind) {
        #[cfg(feature = "hydrate")]
        let at_ms = js_sys::Date::now() as u64;
        #[cfg(not(feature = "hydrate"))]
        let at_ms = 0;
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

#[cfg(test)]
mod tests;
