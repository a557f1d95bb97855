use leptos::prelude::*;

use protocol::Tx;
use teaching::spec::Section;

use crate::events::{Event, EventLog, Flow, Outcome};

/// How many of the newest events are shown until the user asks for all.
/// Rendering the whole log (up to [`EventLog::CAPACITY`]) on every page load
/// would delay the callback page by tens of milliseconds.
const SHOWN: usize = 40;

/// `id` of the description every [`RequestTag`] points to; each page that
/// shows tags shows the event log, which holds it.
const FOLLOW_HINT_ID: &str = "follow-request-hint";

/// The event log: every redirect, check and API call, newest last, each with
/// the specification section behind it; or, while the reader follows one
/// request (a pressed tx tag), every step of that request.
///
/// The newest events are a `role=log` live region, so each new step is read
/// out once, in order. It stays silent (`aria-live=off`) until the events
/// kept from before a reload or redirect are back, or they would all be read
/// out on every page load; likewise in the frame where following a request
/// starts or ends, when rows that are not news come and go; and always,
/// if the user made it quiet in Settings. Earlier events, shown on request,
/// are a plain list for the same reason.
#[component]
pub fn EventLogView() -> impl IntoView {
    let log = expect_context::<EventLog>();
    let show_all = RwSignal::new(false);
    // The events are this tab's, which the server never has: the lists are
    // empty until this component has hydrated (its effects run after), so
    // they match the server's HTML even when the log was restored first,
    // as it is before a lazy route's page hydrates.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // Following one request: all of its steps, however old, since a flow's
    // first steps are what explains its last ones (and they are few).
    let latest = Memo::new(move |_| match log.focus() {
        _ if !hydrated.get() => (Vec::new(), 0),
        Some(tx) => {
            let steps = log.of_request(tx);
            let count = steps.len();
            (steps, count)
        }
        None => log.latest(SHOWN),
    });
    let earlier = Memo::new(move |_| {
        if !hydrated.get() || !show_all.get() || log.focus().is_some() {
            return Vec::new();
        }
        let (mut all, _) = log.latest(EventLog::CAPACITY);
        all.truncate(all.len().saturating_sub(SHOWN));
        all
    });
    let hidden = move || latest.with(|(events, total)| total - events.len());
    let has_earlier = move || hidden() > 0;
    // Effects run after hydration, after the app's own restoring effect; the
    // frame after that, the restored events are on screen.
    let restored = RwSignal::new(false);
    Effect::new(move |_| request_animation_frame(move || restored.set(true)));
    let announce = move || restored.get() && !log.view_changing() && log.announces();
    // "Show every event" removes itself: the keyboard focus it held goes to
    // the log's heading rather than to the top of the page.
    let heading = NodeRef::<leptos::html::H2>::new();
    view! {
        <section class="event-log" aria-labelledby="event-log-title">
            <p id=FOLLOW_HINT_ID class="visually-hidden">
                "A tx tag follows its request: pressed, only that request's steps are shown."
            </p>
            <div class="section-head">
                <h2 id="event-log-title" tabindex="-1" node_ref=heading>"Event log"</h2>
                <button type="button" class="secondary" on:click=move |_| log.clear()>"Clear"</button>
            </div>
            {move || log.focus().map(|tx| view! {
                <p class="event-log-focus" data-testid="event-log-focus">
                    "Only the steps of request " <code>{tx.to_string()}</code> ". "
                    <button
                        type="button"
                        class="link"
                        on:click=move |_| {
                            log.set_focus(None);
                            if let Some(heading) = heading.get() {
                                let _ = heading.focus();
                            }
                        }
                    >
                        "Show every event"
                    </button>
                </p>
            })}
            {move || (log.focus().is_some() && latest.with(|(steps, _)| steps.is_empty())).then(|| view! {
                <p class="hint">"No step of this request is kept in this tab."</p>
            })}
            <Show when=has_earlier>
                <p class="event-log-more">
                    <button type="button" class="link" on:click=move |_| show_all.update(|all| *all = !*all)>
                        {move || if show_all.get() {
                            format!("Show only the latest {SHOWN}")
                        } else {
                            match hidden() {
                                1 => "Show 1 earlier event".to_owned(),
                                n => format!("Show {n} earlier events"),
                            }
                        }}
                    </button>
                </p>
            </Show>
            <div data-testid="event-log">
                <Show when=move || show_all.get()>
                    <ol aria-label="Earlier events">
                        <For each=move || earlier.get() key=|event| event.seq let:event>
                            <EventLine event/>
                        </For>
                    </ol>
                </Show>
                <div
                    role="log"
                    aria-labelledby="event-log-title"
                    aria-live=move || if announce() { "polite" } else { "off" }
                >
                    <ol>
                        <For each=move || latest.get().0 key=|event| event.seq let:event>
                            <EventLine event/>
                        </For>
                    </ol>
                </div>
            </div>
        </section>
    }
}

/// Which flow an event is a step of, and the request's tx, which the
/// issuer's events (`GET /dev/events`) carry too.
#[component]
fn FlowTag(flow: Flow) -> impl IntoView {
    let label = flow.kind.label();
    match flow.tx {
        Some(tx) => view! { <RequestTag label tx testid="event-flow"/> }.into_any(),
        None => view! { <span class="flow" data-testid="event-flow">{label}</span> }.into_any(),
    }
}

/// `label` and a request's tx, as a toggle: pressed, the event log (and the
/// playground's list of the issuer's decisions) shows only that request.
#[component]
pub fn RequestTag(label: &'static str, tx: Tx, testid: &'static str) -> impl IntoView {
    let log = expect_context::<EventLog>();
    let following = move || log.focus() == Some(tx);
    view! {
        <button
            type="button"
            class="flow"
            data-testid=testid
            aria-pressed=move || following().to_string()
            // What the toggle does, for those who get no `title` (keyboard,
            // touch, screen readers); its name stays what it shows.
            aria-describedby=FOLLOW_HINT_ID
            title="Show only this request's steps, and the issuer's decisions on it. Its tx is the first 8 hex digits of the SHA-256 of its state, which the issuer's events carry too."
            on:click=move |_| log.set_focus(if following() { None } else { Some(tx) })
        >
            {label} " " <code>{tx.to_string()}</code>
        </button>
    }
}

/// One event: its outcome, what happened, its flow and request, and the
/// spec section behind it; in the playground's merged timeline (`lane`),
/// marked as this app's instead, since the request is followed from the
/// lists above it.
#[component]
pub fn EventLine(event: Event, #[prop(optional)] lane: bool) -> impl IntoView {
    view! {
        <EventRow
            outcome=event.kind.outcome()
            spec=event.kind.spec().map(SpecRef::from)
            attr:data-lane=lane.then_some("app")
        >
            {lane.then(|| view! { <span class="lane">"app: "</span> })}
            {event.kind.summary()}
            {event.flow.filter(|_| !lane).map(|flow| view! { " " <FlowTag flow/> })}
        </EventRow>
    }
}

/// One row of a timeline, the app's steps and the issuer's decisions alike:
/// a mark for how it went, what happened (`children`), and the rule behind it.
/// The mark is for the eye only, so `children` must say a failure in words.
#[component]
pub fn EventRow(outcome: Outcome, spec: Option<SpecRef>, children: Children) -> impl IntoView {
    let (class, mark) = match outcome {
        Outcome::Passed => ("event passed", "✔"),
        Outcome::Failed => ("event failed", "✘"),
        Outcome::Info => ("event info", "•"),
    };
    view! {
        <li class=class>
            <span class="mark" aria-hidden="true">{mark}</span>
            <span class="summary">{children()}</span>
            {spec.map(|spec| view! { <SpecLink spec class="spec"/> })}
        </li>
    }
}

/// A link to a section of a specification, opened in a new tab, which it
/// says to a screen reader; the citation alone when its address is no web
/// link ([`SpecRef::new`]).
#[component]
pub fn SpecLink(spec: SpecRef, #[prop(optional)] class: Option<&'static str>) -> impl IntoView {
    match spec.url {
        Some(url) => view! {
            <a class=class href=url target="_blank" rel="noopener noreferrer">
                {spec.cite}<span class="visually-hidden">" (opens in a new tab)"</span>
            </a>
        }
        .into_any(),
        None => view! { <span class=class>{spec.cite}</span> }.into_any(),
    }
}

/// A section's citation and address, as the app knows it ([`Section`]) or
/// as it read them from the issuer's dev controls ([`SpecRef::new`]).
#[derive(Debug, Clone)]
pub struct SpecRef {
    cite: String,
    url: Option<String>,
}

impl From<Section> for SpecRef {
    fn from(section: Section) -> Self {
        Self {
            cite: section.cite.to_owned(),
            url: Some(section.url.to_owned()),
        }
    }
}

impl SpecRef {
    /// A section as the issuer's dev controls send it (`spec`, `spec_url`):
    /// a URL that is not `http:` or `https:` (a `javascript:` one from a
    /// hostile issuer) is dropped, not linked ([`teaching::spec::web_link`]).
    pub fn new(cite: String, url: &str) -> Self {
        Self {
            cite,
            url: teaching::spec::web_link(url),
        }
    }
}
