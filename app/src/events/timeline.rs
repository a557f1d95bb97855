//! The timeline: this app's steps and the issuer's decisions side by side.

use protocol::Tx;
use teaching::dev_controls::IssuerEvent;

use super::Event;

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
