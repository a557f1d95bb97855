use leptos::prelude::*;

use crate::events::{EventLog, Outcome};

/// How many of the newest events are shown until the user asks for all.
/// Rendering the whole log (up to [`EventLog::CAPACITY`]) on every page load
/// would delay the callback page by tens of milliseconds.
const SHOWN: usize = 40;

/// The event log: every redirect, check and API call, newest last, each with
/// the specification section behind it.
#[component]
pub fn EventLogView() -> impl IntoView {
    let log = expect_context::<EventLog>();
    let show_all = RwSignal::new(false);
    let shown = Memo::new(move |_| {
        log.latest(if show_all.get() {
            EventLog::CAPACITY
        } else {
            SHOWN
        })
    });
    let hidden = move || shown.with(|(events, total)| total - events.len());
    let has_toggle =
        move || hidden() > 0 || (show_all.get() && shown.with(|(_, total)| *total > SHOWN));
    view! {
        <section class="event-log" aria-labelledby="event-log-title">
            <div class="section-head">
                <h2 id="event-log-title">"Event log"</h2>
                <button type="button" class="secondary" on:click=move |_| log.clear()>"Clear"</button>
            </div>
            <Show when=has_toggle>
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
            // role=log: a polite live region whose additions are read in
            // order, so each step is announced as it happens.
            <div role="log" aria-labelledby="event-log-title">
            <ol data-testid="event-log">
                <For each=move || shown.get().0 key=|event| event.seq let:event>
                    {
                        let outcome = event.kind.outcome();
                        let (class, mark) = match outcome {
                            Outcome::Passed => ("event passed", "✔"),
                            Outcome::Failed => ("event failed", "✘"),
                            Outcome::Info => ("event info", "•"),
                        };
                        let spec = event.kind.spec();
                        view! {
                            <li class=class>
                                <span class="mark" aria-hidden="true">{mark}</span>
                                <span class="summary">{event.kind.summary()}</span>
                                {spec.map(|(label, href)| view! {
                                    <a class="spec" href=href target="_blank" rel="noopener noreferrer">{label}</a>
                                })}
                            </li>
                        }
                    }
                </For>
            </ol>
            </div>
        </section>
    }
}
