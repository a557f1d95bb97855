use leptos::prelude::*;

use crate::events::{EventLog, Outcome};

/// The event log: every redirect, check and API call, newest last, each with
/// the specification section behind it.
#[component]
pub fn EventLogView() -> impl IntoView {
    let log = expect_context::<EventLog>();
    view! {
        <section class="event-log" aria-labelledby="event-log-title">
            <div class="section-head">
                <h2 id="event-log-title">"Event log"</h2>
                <button type="button" class="secondary" on:click=move |_| log.clear()>"Clear"</button>
            </div>
            <ol data-testid="event-log">
                <For each=move || log.events() key=|event| event.seq let:event>
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
        </section>
    }
}
