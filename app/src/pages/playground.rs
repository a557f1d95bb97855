use leptos::prelude::*;
use leptos_meta::Title;
use teaching::dev_controls::{
    ArmedFault, EventsRead, Expected, Fault, FaultInfo, IssuerEvent, Verdict,
};

use crate::{
    SpaConfig,
    components::{
        BlockedRenewalNotice, ClientOnly, EventLine, EventLogView, EventRow, RenewButton,
        RequestTag, SessionStatus, SpecLink, SpecRef,
    },
    events::{EventLog, TimelineEntry, merge_timeline},
    playground::{Catalogue, DevControls, ISSUER_POLL_MS, follow_issuer_events},
};

/// The failure playground: arm one of the demo issuer's faults, log in or
/// renew, and watch the check that must refuse it fail in the event log.
#[component]
pub fn Playground() -> impl IntoView {
    let config = expect_context::<SpaConfig>();
    view! {
        <Title text="Playground"/>
        <section>
            <h1>"Failure playground"</h1>
            <p>
                "Make the issuer misbehave on purpose, then log in or renew and watch this "
                "client refuse. Each fault breaks the issuer's next authorization response in "
                "one way (a tampered token waits for a response with an ID token, whose checks "
                "catch it); the event log below shows the check that caught it."
            </p>
            <ClientOnly>
                {
                    let config = config.clone();
                    move || match config.dev_controls.clone() {
                        Some(url) => {
                            let dev = DevControls::new(url.clone());
                            dev.reload();
                            let decisions = RwSignal::new(Vec::<IssuerEvent>::new());
                            view! {
                                <FaultPlayground dev/>
                                <ThirdPartyCookies url=url.clone()/>
                                <IssuerDecisions url dev events=decisions/>
                                <Timeline decisions/>
                            }.into_any()
                        }
                        None => view! { <NoDevControls issuer=config.client.issuer.clone()/> }.into_any(),
                    }
                }
            </ClientOnly>
        </section>
        <EventLogView/>
    }
}

/// Why there is nothing to arm: another provider, or controls switched off.
#[component]
fn NoDevControls(issuer: String) -> impl IntoView {
    view! {
        <p class="callout" data-testid="no-dev-controls">
            "This app logs in at " <code>{issuer}</code> ", which has no dev controls here: "
            "they belong to the demo issuer run by this project (with "
            <code>"dev_controls = true"</code> "). Every other page works the same."
        </p>
    }
}

/// The catalogue, the armed faults and the buttons.
#[component]
fn FaultPlayground(dev: DevControls) -> impl IntoView {
    let silent_only = RwSignal::new(false);
    view! {
        <SessionStatus/>
        <BlockedRenewalNotice/>
        <fieldset>
            <legend>"Break which response?"</legend>
            <label class="choice">
                <input
                    type="radio"
                    name="which-response"
                    prop:checked=move || !silent_only.get()
                    on:change=move |_| silent_only.set(false)
                />
                "The next one (a login, or a renewal)"
            </label>
            <label class="choice">
                <input
                    type="radio"
                    name="which-response"
                    prop:checked=move || silent_only.get()
                    on:change=move |_| silent_only.set(true)
                />
                "The next silent renewal only"
            </label>
        </fieldset>
        <p>
            "Once armed, log in, or renew silently: "
            <RenewButton class="secondary"/>
        </p>
        {move || dev.problem().map(|p| view! { <p class="status-bad" role="alert" data-testid="playground-problem">{p.to_string()}</p> })}
        {move || dev.stale().map(|p| view! { <p class="status-bad" role="alert" data-testid="catalogue-stale">{p}</p> })}
        {move || match dev.catalogue().get() {
            Catalogue::Loading => view! { <p class="loading">"Reading the issuer's fault catalogue…"</p> }.into_any(),
            Catalogue::Unreadable(e) => view! { <p class="status-bad" role="alert" data-testid="catalogue-unreadable">{e}</p> }.into_any(),
            Catalogue::Read(listed) => {
                let (tampers, others): (Vec<_>, Vec<_>) = listed
                    .catalogue
                    .into_iter()
                    .partition(|info| matches!(info.fault, Fault::Tamper(_)));
                let (documents, errors): (Vec<_>, Vec<_>) = others
                    .into_iter()
                    .partition(|info| matches!(info.fault, Fault::Document(_)));
                let arm = move |info: &FaultInfo| {
                    let fault = info.fault;
                    move |_| dev.arm(ArmedFault::once(fault, silent_only.get_untracked()))
                };
                view! {
                    <ArmedFaults armed=listed.armed disarm=move || dev.disarm_all()/>
                    <h2>"Tampered tokens"</h2>
                    <p class="hint">"The issuer signs tokens that are wrong, or merely unusual, in one way, each named after the OpenID Foundation's RP conformance test it mirrors. A correct client refuses each wrong one and keeps no token, and accepts the two unusual ones."</p>
                    <FaultList faults=tampers arm/>
                    <h2>"Broken documents"</h2>
                    <p class="hint">"The issuer breaks the next UserInfo answer or discovery document this page reads. A correct client refuses it and uses nothing in it."</p>
                    <FaultList faults=documents arm/>
                    <h2>"Error answers"</h2>
                    <p class="hint">"The issuer answers with an error instead of tokens."</p>
                    <FaultList faults=errors arm/>
                }.into_any()
            }
        }}
    }
}

/// The issuer's simulation of a browser that blocks third-party cookies:
/// it ignores the session cookie of the renewal iframe, which is on another
/// site, as such a browser would not send it.
#[component]
fn ThirdPartyCookies(url: String) -> impl IntoView {
    let url = StoredValue::new(url);
    let set = Action::new_local(move |blocked: &bool| {
        let (url, blocked) = (url.get_value(), *blocked);
        async move {
            let changed = crate::dev_controls::block_third_party_cookies(&url, blocked).await;
            // As a browser whose setting changed: what the client learned
            // of the iframe's cookie no longer holds.
            auth_client::IframeCookie::forget();
            changed.map(|()| blocked)
        }
    });
    let blocked = move || matches!(set.value().get(), Some(Ok(true)));
    view! {
        <h2>"A browser that blocks third-party cookies"</h2>
        <p class="hint">
            "Safari, Firefox, Brave and Chrome in Incognito send the renewal iframe no cookie of the "
            "provider, which is on another site. The issuer can act as if yours did: it then ignores its "
            "session cookie in a frame of another site. Renew, and see the client tell this apart from a logout."
        </p>
        <label class="choice">
            <input
                type="checkbox"
                prop:checked=blocked
                on:change=move |event| { set.dispatch_local(event_target_checked(&event)); }
            />
            "Block third-party cookies (simulated by the issuer)"
        </label>
        <p role="status" data-testid="third-party-cookies-status">
            {move || match set.value().get() {
                None => String::new(),
                Some(Ok(true)) => "The issuer now ignores its session cookie in a frame of another site.".to_owned(),
                Some(Ok(false)) => "The issuer counts its session cookie in every frame again.".to_owned(),
                Some(Err(e)) => format!("Not changed: {e}"),
            }}
        </p>
    }
}

/// What is armed now, and a button to disarm it all. A one-line status is
/// what a screen reader hears when it changes; the list is only shown.
#[component]
fn ArmedFaults(armed: Vec<ArmedFault>, disarm: impl Fn() + 'static) -> impl IntoView {
    let status = match armed.len() {
        0 => "Nothing armed: the issuer behaves.".to_owned(),
        1 => "1 fault armed.".to_owned(),
        n => format!("{n} faults armed, the next to apply first:"),
    };
    view! {
        <div class="armed" data-testid="armed-faults">
            <p role="status">{status}</p>
            <ul>
                {armed.into_iter().map(|a| view! {
                    <li>
                        <code>{a.fault.name()}</code>
                        {format!(" × {}{}", a.remaining, if a.prompt_none_only { ", silent renewals only" } else { "" })}
                    </li>
                }).collect_view()}
            </ul>
            // Never disabled: disarming nothing is harmless, and a disabled
            // button would drop the keyboard focus it holds.
            <button type="button" class="secondary" on:click=move |_| disarm()>"Disarm all"</button>
        </div>
    }
}

/// One row per fault: what it breaks, who must notice, and its button.
#[component]
fn FaultList<A, H>(faults: Vec<FaultInfo>, arm: A) -> impl IntoView
where
    A: Fn(&FaultInfo) -> H,
    H: FnMut(leptos::ev::MouseEvent) + 'static,
{
    view! {
        <ul class="faults">
            {faults.into_iter().map(|info| {
                let name = info.fault.name();
                let on_click = arm(&info);
                view! {
                    <li data-testid="fault" data-fault=name>
                        <p><code>{name}</code> " — " {info.description}</p>
                        {info.conformance_test.map(|test| view! {
                            <p class="hint" data-testid="conformance-test">"OpenID RP test: " <code>{test}</code></p>
                        })}
                        {info.caught_by.map(|c| view! {
                            <p class="hint" data-testid="caught-by">"Must be refused by: " <strong>{c.label}</strong></p>
                        })}
                        {(info.expected == Some(Expected::Accepted)).then(|| view! {
                            <p class="hint" data-testid="must-accept">"Must be accepted: a client that refuses it breaks at real providers."</p>
                        })}
                        <p class="hint"><SpecLink spec=SpecRef::new(info.spec, &info.spec_url)/></p>
                        <button type="button" on:click=on_click aria-label=format!("Arm {name}")>"Arm"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// How many of the issuer's latest decisions are shown.
const DECISIONS_SHOWN: usize = 30;

/// The issuer's side of each flow, read from its dev controls into
/// `events` as it happens: the decisions this app's event log pairs with by
/// `tx`. When the issuer uses a fault up or restarts, the armed list is
/// read again.
#[component]
fn IssuerDecisions(
    url: String,
    dev: DevControls,
    events: RwSignal<Vec<IssuerEvent>>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let log = expect_context::<EventLog>();
    // A fault used up, or a new run of the issuer (which has none armed).
    follow_issuer_events(url, DECISIONS_SHOWN, events, problem, move |read, new| {
        if read == EventsRead::Restarted || new.iter().any(IssuerEvent::is_fault_injected) {
            dev.reload();
        }
    });
    view! {
        <section class="event-log" aria-labelledby="issuer-decisions-title">
            <h2 id="issuer-decisions-title">"The issuer's decisions"</h2>
            <p class="hint">
                {format!(
                    "The latest {DECISIONS_SHOWN}, read from the issuer's GET /dev/events every {:.1} s. \
                     A decision on an authorization request carries the request's tx, as this app's steps of it do.",
                    ISSUER_POLL_MS as f64 / 1000.0
                )}
            </p>
            {move || problem.get().map(|p| view! { <p class="status-bad" role="alert">{p}</p> })}
            {move || log.focus().map(|tx| view! {
                <p class="event-log-focus" data-testid="decisions-focus">
                    "Only the decisions on request " <code>{tx.to_string()}</code>
                    ", among the latest read. "
                    <button type="button" class="link" on:click=move |_| log.set_focus(None)>
                        "Show every decision"
                    </button>
                </p>
            })}
            <ol data-testid="issuer-decisions">
                // Only the followed request's, when the reader follows one.
                <For
                    each=move || events.with(|events| log.decisions_shown(events))
                    key=|event| event.seq
                    let:event
                >
                    <IssuerDecision event/>
                </For>
            </ol>
        </section>
    }
}

/// How many lines the merged timeline shows.
const TIMELINE_SHOWN: usize = 40;

/// This app's steps and the issuer's decisions in one list ordered by time,
/// each in its lane: a login reads from the redirect through the issuer's
/// decisions to the checks on its answer. A plain list, not a live region:
/// both lists above already announce what is new.
#[component]
fn Timeline(decisions: RwSignal<Vec<IssuerEvent>>) -> impl IntoView {
    let log = expect_context::<EventLog>();
    let entries = move || {
        let app = match log.focus() {
            Some(tx) => log.of_request(tx),
            None => log.latest(TIMELINE_SHOWN).0,
        };
        let issuer = decisions.with(|decisions| log.decisions_shown(decisions));
        // Only the latest decisions are read; the following request's
        // filter can leave fewer.
        let cut = decisions.with(Vec::len) >= DECISIONS_SHOWN;
        merge_timeline(app, issuer, TIMELINE_SHOWN, cut)
    };
    view! {
        <section class="event-log timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"One timeline"</h2>
            <p class="hint">
                {format!(
                    "The latest {TIMELINE_SHOWN} lines of both, oldest first, from the time of the \
                     oldest decision read: this app's steps (app) and the issuer's decisions \
                     (issuer, indented). Times come from the browser's clock and the issuer's, \
                     which agree when both run on this machine."
                )}
            </p>
            {move || log.focus().map(|tx| view! {
                <p class="event-log-focus" data-testid="timeline-focus">
                    "Only request " <code>{tx.to_string()}</code> ". "
                    <button type="button" class="link" on:click=move |_| log.set_focus(None)>
                        "Show every line"
                    </button>
                </p>
            })}
            <ol data-testid="timeline">
                <For each=entries key=TimelineEntry::key let:entry>
                    {match entry {
                        TimelineEntry::App(event) => view! { <EventLine event lane=true/> }.into_any(),
                        TimelineEntry::Issuer(event) => view! { <IssuerDecision event lane=true/> }.into_any(),
                    }}
                </For>
            </ol>
        </section>
    }
}

/// One decision: how it went, in the issuer's words, its tx and its rule;
/// in the merged timeline (`lane`), marked as the issuer's.
#[component]
fn IssuerDecision(event: IssuerEvent, #[prop(optional)] lane: bool) -> impl IntoView {
    // The row's mark is for the eye; this word is for a screen reader.
    let verdict = match event.verdict {
        Verdict::Passed => "passed: ",
        Verdict::Refused => "refused: ",
        Verdict::Info => "",
    };
    let spec = event
        .spec
        .zip(event.spec_url)
        .map(|(cite, url)| SpecRef::new(cite, &url));
    // In the timeline the lane says whose it is, and the request is
    // followed from the lists above.
    let tag = event.tx.filter(|_| !lane);
    view! {
        <EventRow
            outcome=event.verdict.into()
            spec
            attr:data-type=event.kind
            attr:data-lane=lane.then_some("issuer")
        >
            {lane.then(|| view! { <span class="lane">"issuer: "</span> })}
            <span class="visually-hidden">{verdict}</span>
            {event.summary}
            {tag.map(|tx| view! { " " <RequestTag label="issuer" tx testid="decision-tx"/> })}
        </EventRow>
    }
}
