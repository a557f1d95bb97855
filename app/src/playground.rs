//! The Playground's handles on the demo issuer's dev controls: its fault
//! catalogue, arming and disarming, and the issuer's decisions as they come.
//! None of it is OAuth: with another provider the Playground says so.

use leptos::prelude::*;
use teaching::dev_controls::Faults;

use crate::{
    dev_controls::{self, DevControlsError},
    events::{EventKind, EventLog},
};

/// The demo issuer's fault catalogue, as the playground last read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Catalogue {
    /// Not read yet.
    Loading,
    /// Every fault, and the armed ones.
    Read(teaching::dev_controls::Faults),
    /// The first read failed, for this reason.
    Unreadable(String),
}

/// A change to what the issuer has armed.
#[derive(Debug, Clone)]
enum Change {
    Arm(teaching::dev_controls::ArmedFault),
    DisarmAll,
}

/// The playground's handle on the demo issuer's dev controls at one URL:
/// an [`Action`] reads the catalogue, another changes what is armed. Only the
/// newest read is shown (a new read aborts the one in flight), so two quick
/// clicks cannot let an older answer overwrite a newer one; a failed re-read
/// keeps the last good catalogue.
#[derive(Clone, Copy)]
pub struct DevControls {
    read: Action<(), Result<Faults, DevControlsError>>,
    reading: StoredValue<Option<ActionAbortHandle>>,
    change: Action<Change, Result<(), DevControlsError>>,
    catalogue: Memo<Catalogue>,
}

impl DevControls {
    /// For the dev controls at `url` (e.g. `http://127.0.0.1:9000/dev`); reads
    /// nothing yet. Changes go to the [`EventLog`] in context.
    pub fn new(url: String) -> Self {
        let url = StoredValue::new(url);
        let log = expect_context::<EventLog>();
        let read = Action::new_local(move |_: &()| {
            let url = url.get_value();
            async move { dev_controls::faults(&url).await }
        });
        let catalogue = Memo::new(move |shown: Option<&Catalogue>| match read.value().get() {
            None => Catalogue::Loading,
            Some(Ok(faults)) => Catalogue::Read(faults),
            // A catalogue was shown: it stays, said to be stale.
            Some(Err(_)) if matches!(shown, Some(Catalogue::Read(_))) => {
                shown.cloned().unwrap_or(Catalogue::Loading)
            }
            Some(Err(e)) => Catalogue::Unreadable(e.to_string()),
        });
        let reading = StoredValue::new(None);
        let change = Action::new_local(move |change: &Change| {
            let (url, change) = (url.get_value(), change.clone());
            async move {
                let changed = send_change(&url, &change, log).await;
                // Re-read whatever happened: the issuer may have changed anyway.
                reload(read, reading);
                changed
            }
        });
        Self {
            read,
            reading,
            change,
            catalogue,
        }
    }

    /// The catalogue and the armed faults.
    pub fn catalogue(&self) -> Memo<Catalogue> {
        self.catalogue
    }

    /// Why the last arming or disarming failed, if it did.
    pub fn problem(&self) -> Option<DevControlsError> {
        self.change.value().get()?.err()
    }

    /// Why the last re-read failed while an older catalogue is shown.
    pub fn stale(&self) -> Option<String> {
        let failed = self.read.value().get()?.err()?;
        self.catalogue
            .with(|c| matches!(c, Catalogue::Read(_)))
            .then(|| format!("What is armed may have changed: {failed}"))
    }

    /// Reads the catalogue (again).
    pub fn reload(self) {
        reload(self.read, self.reading);
    }

    /// Arms `armed`, logs it, and reads the catalogue again.
    pub fn arm(self, armed: teaching::dev_controls::ArmedFault) {
        self.change.dispatch_local(Change::Arm(armed));
    }

    /// Disarms every fault, logs it, and reads the catalogue again.
    pub fn disarm_all(self) {
        self.change.dispatch_local(Change::DisarmAll);
    }
}

/// A new read of the catalogue, the one in flight abandoned.
fn reload(
    read: Action<(), Result<Faults, DevControlsError>>,
    reading: StoredValue<Option<ActionAbortHandle>>,
) {
    let newest = read.dispatch_local(());
    if let Some(Some(older)) = reading.try_update_value(|r| r.replace(newest)) {
        older.abort();
    }
}

/// The change made, and logged.
async fn send_change(url: &str, change: &Change, log: EventLog) -> Result<(), DevControlsError> {
    let (sent, done) = match change {
        Change::Arm(armed) => (
            dev_controls::arm(url, armed).await,
            EventKind::FaultArmed {
                fault: armed.fault,
                silent_only: armed.prompt_none_only,
            },
        ),
        Change::DisarmAll => (
            dev_controls::disarm_all(url).await,
            EventKind::FaultsDisarmed,
        ),
    };
    if sent.is_ok() {
        log.push(done);
    }
    sent
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
                    problem.try_set(Some(e.to_string()));
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

/// How often the playground reads the issuer's new decisions.
pub const ISSUER_POLL_MS: u64 = 1_500;
