//! The issuer's decisions as `GET /dev/events` gives them, and how a reader
//! follows them across issuer restarts.

use protocol::Tx;
use serde::{Deserialize, Serialize};

/// How one of the issuer's decisions reads on a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The request went on: a client validated, a login, tokens issued
    /// (unless a fault broke them).
    Passed,
    /// The issuer said no, or broke the response on purpose.
    Refused,
    /// A step on the way that decides nothing yet: a request received, a
    /// page shown, a dev control set.
    Info,
}

/// The `type` of the event the issuer logs when it commits an armed fault:
/// what tells a reader of its events that the armed list changed.
pub const FAULT_INJECTED: &str = "fault_injected";

/// One decision of the issuer, as `GET /dev/events` lists it for a
/// timeline: the issuer's own words and rule, so a reader needs no list of
/// its event types. The type's own fields (client, user, scope…) are in the
/// JSON too, for tools; this keeps what every event has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerEvent {
    /// Increases by one per event, within one run of the issuer
    /// ([`IssuerEvents::boot`]).
    pub seq: u64,
    /// Unix time in milliseconds.
    pub at_ms: u64,
    /// The authorization request decided on: the same [`Tx`] as the
    /// client's steps of that request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx: Option<Tx>,
    /// The event's type, e.g. `tokens_issued`.
    #[serde(rename = "type")]
    pub kind: String,
    /// One line for people.
    pub summary: String,
    /// How it reads.
    pub verdict: Verdict,
    /// The rule behind the decision, e.g. `OIDC Core §3.1.2.4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// A link to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_url: Option<String>,
}

impl IssuerEvent {
    /// Whether the issuer committed an armed fault ([`FAULT_INJECTED`]).
    pub fn is_fault_injected(&self) -> bool {
        self.kind == FAULT_INJECTED
    }
}

/// The body of `GET /dev/events?after=<seq>&limit=<n>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerEvents {
    /// Which run of the issuer numbered the events: new at each start, so
    /// numbers from before a restart are never taken for today's.
    pub boot: String,
    /// The events after `seq`, oldest first.
    pub events: Vec<IssuerEvent>,
    /// The last sequence number, so a poller knows where it is even when
    /// nothing is new.
    pub last_seq: u64,
}

/// Where a reader of `GET /dev/events` stands: the issuer's run it reads and
/// the last event it has, so each read asks only for what is new.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventsCursor {
    boot: Option<String>,
    last: Option<u64>,
}

/// What a reader does with one read (see [`EventsCursor::advance`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventsRead {
    /// Its events follow those read before: add them.
    Follows,
    /// The issuer restarted since the last read: forget what was read (its
    /// armed faults too); the next read starts afresh, with no `after`.
    Restarted,
}

impl EventsCursor {
    /// The `after` of the next read; `None` when starting afresh (the
    /// reader then picks where, e.g. the latest few events).
    pub fn after(&self) -> Option<u64> {
        self.last
    }

    /// Takes in a read made with [`Self::after`].
    pub fn advance(&mut self, read: &IssuerEvents) -> EventsRead {
        if self.boot.as_ref().is_some_and(|boot| *boot != read.boot) {
            *self = Self::default();
            return EventsRead::Restarted;
        }
        self.boot = Some(read.boot.clone());
        // The last event read, not the issuer's last: a read holds at most
        // `limit` events, and the next one goes on after them.
        self.last = Some(read.events.last().map_or(read.last_seq, |e| e.seq));
        EventsRead::Follows
    }
}
