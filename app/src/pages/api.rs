use leptos::prelude::*;
use leptos_meta::Title;
use protocol::{BearerChallenge, ErrorCode};

use crate::{
    actions::{ApiResult, call_api, start_login},
    auth::{Credentials, RenewalState, use_auth},
    components::{ClientOnly, EventLogView, LoginButton},
};

/// Calls to the protected API with `Authorization: Bearer` (RFC 6750 §2.1),
/// showing the JSON or the error the API answered (RFC 6750 §3).
#[component]
pub fn ApiPage() -> impl IntoView {
    let result = RwSignal::new(None::<Result<ApiResult, String>>);
    let message = RwSignal::new(String::new());
    let endpoints: [(&'static str, &'static str, &'static str, Credentials); 4] = [
        (
            "GET",
            "/api/public",
            "no token needed, so none is sent",
            Credentials::None,
        ),
        (
            "GET",
            "/api/private",
            "any valid token",
            Credentials::AccessToken,
        ),
        (
            "GET",
            "/api/private-scoped",
            "needs read:messages",
            Credentials::AccessToken,
        ),
        (
            "GET",
            "/api/messages",
            "your messages; needs read:messages",
            Credentials::AccessToken,
        ),
    ];
    view! {
        <Title text="API"/>
        <section>
            <h1>"Call the API"</h1>
            <p class="hint">"Each call that needs the access token sends it in the Authorization header, never in the URL."</p>
            <ClientOnly>
                <ul class="api-calls">
                    {endpoints.into_iter().map(|(method, path, what, credentials)| view! {
                        <li>
                            <button type="button" on:click=move |_| call_api(method, path, None, credentials, result)>
                                {format!("{method} {path}")}
                            </button>
                            <span class="hint">{what}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <form
                    class="post-message"
                    on:submit=move |event| {
                        event.prevent_default();
                        let body = serde_json::json!({ "text": message.get_untracked() }).to_string();
                        call_api("POST", "/api/messages", Some(body), Credentials::AccessToken, result);
                    }
                >
                    <label for="message">"New message (needs write:messages)"</label>
                    <input
                        id="message"
                        type="text"
                        maxlength="500"
                        prop:value=move || message.get()
                        on:input=move |event| message.set(event_target_value(&event))
                    />
                    <button type="submit">"POST /api/messages"</button>
                </form>
                <ApiResultView result/>
                <SessionEndedNotice/>
            </ClientOnly>
        </section>
        <EventLogView/>
    }
}

/// When the API refused the token and silent renewal could not help, the
/// user has to log in again: say so here, where the call failed.
#[component]
fn SessionEndedNotice() -> impl IntoView {
    let auth = use_auth();
    move || match auth.renewal.get() {
        RenewalState::SessionEnded { reason } => Some(view! {
            <div class="status-bad callout" role="alert" data-testid="api-session-ended">
                <p>{reason}</p>
                <LoginButton label="Log in again"/>
            </div>
        }),
        _ => None,
    }
}

/// The last call's answer; a 403 `insufficient_scope` offers to ask for the
/// missing scopes (incremental consent). A one-line summary of it is a live
/// region, there before the first call, so that screen readers announce each
/// answer without reading out the whole body.
#[component]
fn ApiResultView(result: RwSignal<Option<Result<ApiResult, String>>>) -> impl IntoView {
    let summary = move || {
        result.with(|outcome| match outcome {
            None => String::new(),
            Some(Err(error)) => format!("The call failed: {error}"),
            Some(Ok(response)) => {
                let error = response
                    .www_authenticate
                    .as_deref()
                    .map(BearerChallenge::parse)
                    .and_then(|c| c.error);
                match error {
                    Some(error) => format!("{} → {} {error}", response.request, response.status),
                    None => format!("{} → {}", response.request, response.status),
                }
            }
        })
    };
    view! {
        <p class="visually-hidden" role="status" aria-label="API result">{summary}</p>
        <ApiAnswer result/>
    }
}

#[component]
fn ApiAnswer(result: RwSignal<Option<Result<ApiResult, String>>>) -> impl IntoView {
    let login_error = RwSignal::new(None::<String>);
    move || {
        result.get().map(|outcome| match outcome {
            Err(error) => view! {
                <div class="status-bad callout" data-testid="api-failed">{format!("The call failed: {error}")}</div>
            }
            .into_any(),
            Ok(response) => {
                let challenge = response.www_authenticate.as_deref().map(BearerChallenge::parse);
                let missing_scope = challenge
                    .as_ref()
                    .filter(|c| c.error == Some(ErrorCode::InsufficientScope))
                    .and_then(|c| c.scope.clone())
                    .filter(|scopes| !scopes.is_empty());
                let class = if response.status < 400 { "api-result status-ok" } else { "api-result status-bad" };
                view! {
                    <div class=class data-testid="api-result">
                        <p>
                            <strong>{response.request.clone()}</strong>" → "
                            <span data-testid="api-status">{response.status}</span>
                        </p>
                        {response.www_authenticate.clone().map(|h| view! {
                            <p>"WWW-Authenticate: "<code data-testid="www-authenticate">{h}</code></p>
                        })}
                        <pre data-testid="api-body">{response.body.clone()}</pre>
                        {missing_scope.map(|scope| {
                            let label = format!("Log in again asking for {scope}");
                            view! {
                                <p>"The token lacks a scope this call needs. Ask the user to consent to it (RFC 6750 §3.1):"</p>
                                <button
                                    type="button"
                                    on:click=move |_| start_login("/api".into(), scope.clone(), login_error)
                                >
                                    {label}
                                </button>
                            }
                        })}
                        {move || login_error.get().map(|e| view! { <p class="status-bad">{e}</p> })}
                    </div>
                }
                .into_any()
            }
        })
    }
}
