//! The Playground's handles on the demo issuer's dev controls: its fault
//! catalogue, arming and disarming, and the issuer's decisions as they come.
//! None of it is OAuth: with another provider the Playground says so.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::events::EventLog;

/// The demo issuer's fault catalogue, as the playground last read it.
#[derive(Debug, Clone, PartialEq, Eq)]
// Only the browser reads it; the server renders the page's placeholder.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum Catalogue {
    /// Not read yet.
    Loading,
    /// Every fault, and the armed ones.
    Read(teaching::dev_controls::Faults),
    /// The first read failed, for this reason.
    Unreadable(String),
}

/// The playground's handle on the demo issuer's dev controls at one URL:
/// the catalogue as last read and the last refusal. Only the newest read
/// is shown, so two quick clicks cannot let an older answer overwrite a
/// newer one; a failed re-read keeps the last good catalogue.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct DevControls {
    url: StoredValue<String>,
    /// The catalogue and the armed faults.
    pub catalogue: RwSignal<Catalogue>,
    /// Why the last arming or disarming failed, if it did.
    pub problem: RwSignal<Option<String>>,
    /// Why the last re-read failed, if it did: the catalogue shown is older.
    pub stale: RwSignal<Option<String>>,
    reads: StoredValue<u64>,
}

impl DevControls {
    /// For the dev controls at `url` (e.g. `http://localhost:9000/dev`); reads nothing yet.
    pub fn new(url: String) -> Self {
        Self {
            url: StoredValue::new(url),
            catalogue: RwSignal::new(Catalogue::Loading),
            problem: RwSignal::new(None),
            stale: RwSignal::new(None),
            reads: StoredValue::new(0),
        }
    }

    /// Reads the catalogue (again).
    pub fn reload(self) {
        #[cfg(feature = "hydrate")]
        {
            let Some(ticket) = self.reads.try_update_value(|n| {
                *n += 1;
                *n
            }) else {
                return;
            };
            let url = self.url.get_value();
            leptos::task::spawn_local(async move {
                let read = crate::dev_controls::faults(&url).await;
                // A newer read is on its way, or the page is gone.
                if self.reads.try_get_value() != Some(ticket) {
                    return;
                }
                let shown = self
                    .catalogue
                    .try_with_untracked(|c| matches!(c, Catalogue::Read(_)));
                match read {
                    Ok(faults) => {
                        self.stale.try_set(None);
                        self.catalogue.try_set(Catalogue::Read(faults));
                    }
                    Err(e) if shown == Some(true) => {
                        self.stale
                            .try_set(Some(format!("What is armed may have changed: {e}")));
                    }
                    Err(e) => {
                        self.catalogue.try_set(Catalogue::Unreadable(e));
                    }
                }
            });
        }
    }

    /// Arms `armed`, logs it, and reads the catalogue again.
    pub fn arm(self, armed: teaching::dev_controls::ArmedFault) {
        #[cfg(feature = "hydrate")]
        {
            let log = expect_context::<EventLog>();
            let url = self.url.get_value();
            leptos::task::spawn_local(async move {
                let armed_now = crate::dev_controls::arm(&url, &armed).await;
                self.settle(
                    armed_now,
                    crate::events::EventKind::FaultArmed {
                        fault: armed.fault,
                        silent_only: armed.prompt_none_only,
                    },
                    log,
                );
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = armed;
    }

    /// Disarms every fault, logs it, and reads the catalogue again.
    pub fn disarm_all(self) {
        #[cfg(feature = "hydrate")]
        {
            let log = expect_context::<EventLog>();
            let url = self.url.get_value();
            leptos::task::spawn_local(async move {
                let disarmed = crate::dev_controls::disarm_all(&url).await;
                self.settle(disarmed, crate::events::EventKind::FaultsDisarmed, log);
            });
        }
    }

    /// After a change: logs it or keeps why it failed, then re-reads.
    #[cfg(feature = "hydrate")]
    fn settle(self, outcome: Result<(), String>, done: crate::events::EventKind, log: EventLog) {
        match outcome {
            Ok(()) => {
                self.problem.try_set(None);
                log.push(done);
            }
            Err(e) => {
                self.problem.try_set(Some(e));
            }
        }
        self.reload();
    }
}

/// Follows the demo issuer's decisions at `dev` while the calling component
/// lives: every [`ISSUER_POLL_MS`], the new ones join `events`, which keeps
/// the latest `shown`, and go to `on_read`, which also hears of a restart
/// (then `events` is emptied). A failed read lands in `problem` and is
/// tried again.
pub fn follow_issuer_events(
    dev: String,
    shown: usize,
    events: RwSignal<Vec<teaching::dev_controls::IssuerEvent>>,
    problem: RwSignal<Option<String>>,
    on_read: impl Fn(teaching::dev_controls::EventsRead, &[teaching::dev_controls::IssuerEvent])
    + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use std::{
            cell::{Cell, RefCell},
            rc::Rc,
        };

        use teaching::dev_controls::{EventsCursor, EventsRead};
        // Where reading stands, and whether a read is still on its way (a
        // slow issuer must not get a pile of overlapping reads).
        let cursor = Rc::new(RefCell::new(EventsCursor::default()));
        let busy = Rc::new(Cell::new(false));
        let on_read = Rc::new(on_read);
        let poll = move || {
            if busy.replace(true) {
                return;
            }
            let (dev, cursor, busy) = (dev.clone(), Rc::clone(&cursor), Rc::clone(&busy));
            let on_read = Rc::clone(&on_read);
            leptos::task::spawn_local(async move {
                let after = cursor.borrow().after();
                match crate::dev_controls::events(&dev, after, shown as u64).await {
                    Ok(read) => {
                        problem.try_set(None);
                        let step = cursor.borrow_mut().advance(&read);
                        match step {
                            EventsRead::Follows => {
                                on_read(step, &read.events);
                                events.try_update(|events| {
                                    events.extend(read.events);
                                    let extra = events.len().saturating_sub(shown);
                                    events.drain(..extra);
                                });
                            }
                            // Its decisions are gone with it; the next
                            // read starts over.
                            EventsRead::Restarted => {
                                on_read(step, &[]);
                                events.try_set(Vec::new());
                            }
                        }
                    }
                    Err(e) => {
                        problem.try_set(Some(e));
                    }
                }
                busy.set(false);
            });
        };
        poll();
        if let Ok(handle) =
            set_interval_with_handle(poll, std::time::Duration::from_millis(ISSUER_POLL_MS))
        {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (dev, shown, events, problem, on_read);
}

/// How often the playground reads the issuer's new decisions.
pub const ISSUER_POLL_MS: u64 = 1_500;
