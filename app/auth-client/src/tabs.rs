//! The tabs of an origin act as one: a renewal's tokens are shared, a
//! logout in one is a logout in all, and a count of logouts keeps tokens
//! asked for before one from coming back in any tab.

use leptos::prelude::{GetUntracked, GetValue, Set, WithUntracked};
use wasm_bindgen::{JsCast, closure::Closure};

use crate::{
    AuthClient, RenewalState, Session, browser,
    callback::Wanted,
    events::{AuthEvent, TabNews},
    logout, names,
    session::{SharedBy, SharedSession, shared_session},
};

/// Messages between tabs of this origin.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TabMessage {
    /// New tokens, renewed by the sending tab (`from`), asked for when the
    /// origin had seen `logout_epoch` logouts.
    Session {
        session: Box<Session>,
        from: String,
        logout_epoch: u64,
    },
    /// The user logged out in the sending tab: the origin's logout count.
    Logout { count: u64 },
}

pub(crate) fn post_to_tabs(message: &TabMessage) {
    if let (Ok(channel), Ok(json)) = (
        web_sys::BroadcastChannel::new(names::TAB_CHANNEL),
        serde_json::to_string(message),
    ) {
        let _ = channel.post_message(&json.into());
        channel.close();
    }
}

thread_local! {
    /// This tab's name on the channel: its own messages come back to it.
    static TAB_ID: String = browser::random_token(16).unwrap_or_default();
}

/// Shares this tab's new session with the other tabs.
pub(crate) fn share_session(client: AuthClient, wanted: Wanted) {
    if let Some(session) = client.session.get_untracked() {
        post_to_tabs(&TabMessage::Session {
            session: Box::new(session),
            from: TAB_ID.with(String::clone),
            logout_epoch: wanted.logout_epoch(),
        });
    }
}

/// Listens to the other tabs for the life of the page.
pub(crate) fn listen(client: AuthClient) {
    let report = client.reporter;
    let Ok(channel) = web_sys::BroadcastChannel::new(names::TAB_CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(message) = event
                .data()
                .as_string()
                .and_then(|json| serde_json::from_str::<TabMessage>(&json).ok())
            else {
                return;
            };
            match message {
                TabMessage::Session {
                    session,
                    from,
                    logout_epoch,
                } => {
                    let by = SharedBy {
                        this_tab: !from.is_empty() && TAB_ID.with(|id| *id == from),
                        before_a_logout: logout_epoch < logouts_seen(),
                    };
                    let forgotten_here = client.forgotten_here.get_value();
                    let verdict = client.session.with_untracked(|held| {
                        shared_session(&session, held.as_ref(), by, forgotten_here)
                    });
                    match verdict {
                        SharedSession::Own => {}
                        SharedSession::Refuse(why) => report.emit(AuthEvent::OtherTab {
                            news: TabNews::TokensRefused(why),
                        }),
                        SharedSession::Take => {
                            report.emit(AuthEvent::OtherTab {
                                news: TabNews::TokensTaken,
                            });
                            client.set_session(Some(*session));
                            client.renewal.set(RenewalState::Idle);
                        }
                    }
                }
                TabMessage::Logout { count } => {
                    note_logouts(count);
                    report.emit(AuthEvent::OtherTab {
                        news: TabNews::LoggedOut,
                    });
                    logout::end_local_session(client);
                }
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Keep the channel open for the life of the page.
    std::mem::forget(channel);
}

// The tabs of this origin count logouts in `localStorage`. `localStorage` is shared,
// but a browser may show a tab another tab's write a little later, so each
// logout's count also travels in the logout message, and each tab keeps the
// highest count it has seen either way ([`logouts_seen`]).

thread_local! {
    /// The highest logout count this tab has seen.
    static LOGOUTS_SEEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The highest logout count this tab knows of: its own, another tab's
/// message's, or the stored one (0 when storage is blocked: then only the
/// messages count).
pub(crate) fn logouts_seen() -> u64 {
    let stored = local_storage()
        .and_then(|storage| storage.get_item(names::LOGOUT_COUNT_KEY).ok().flatten())
        .and_then(|count| count.parse().ok())
        .unwrap_or(0);
    LOGOUTS_SEEN.with(|seen| {
        let highest = seen.get().max(stored);
        seen.set(highest);
        highest
    })
}

/// Takes note of a logout count another tab sent.
pub(crate) fn note_logouts(count: u64) {
    LOGOUTS_SEEN.with(|seen| seen.set(seen.get().max(count)));
}

/// Counts a logout, before any tab is told of it; returns the new count,
/// for the message that tells them.
pub(crate) fn count_logout() -> u64 {
    let count = logouts_seen().saturating_add(1);
    note_logouts(count);
    if let Some(storage) = local_storage() {
        // Storage full or blocked: the message still carries the count.
        let _ = storage.set_item(names::LOGOUT_COUNT_KEY, &count.to_string());
    }
    count
}
