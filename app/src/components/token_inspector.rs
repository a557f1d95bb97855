use leptos::prelude::*;
use teaching::{
    inspect::{Field, Inspected, TokenKind, inspect},
    spec,
};

use crate::components::{SpecLink, SpecRef};

/// What is inside a token: its header and claims, each with what it means
/// and the rule behind it, and for an ID token the check this client made
/// with it. The token itself (and its signature) is never shown.
///
/// `token` follows the session: after a renewal only the rows whose values
/// changed are replaced, so keyboard focus on another row's link stays.
#[component]
pub fn TokenInspector(
    /// The token and its kind, as the session holds them now.
    token: Signal<Option<(String, TokenKind)>>,
    caption: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let decoded = Memo::new(move |_| {
        token.with(|token| {
            token
                .as_ref()
                .map(|(token, kind)| (inspect(token, kind), kind.clone()))
        })
    });
    // What to show changes far more rarely than the values in it.
    let shape = Memo::new(move |_| {
        decoded.with(|d| {
            d.as_ref().map(|(result, kind)| {
                let is_access_token = matches!(kind, TokenKind::AccessToken);
                (result.as_ref().err().cloned(), is_access_token)
            })
        })
    });
    let part = move |part: fn(&Inspected) -> &Vec<Field>| {
        Signal::derive(move || {
            decoded.with(|d| match d {
                Some((Ok(inspected), _)) => part(inspected).clone(),
                _ => Vec::new(),
            })
        })
    };
    let (header, claims) = (part(|i| &i.header), part(|i| &i.claims));
    move || {
        shape.get().map(|shape| match shape {
            (None, false) => view! {
                <InspectedTable header claims caption testid/>
            }
            .into_any(),
            (None, true) => view! {
                <p class="hint" data-testid="access-token-note">
                    "This client never reads its access token: it is for the API, which checks it, and "
                    "to a client it is opaque ("<SpecLink spec=SpecRef::from(spec::RFC6749_ACCESS_TOKEN)/>
                    "): its format may change at any time, so a client must not read it ("
                    <SpecLink spec=SpecRef::from(spec::RFC9068_PRIVACY)/>"). Decoded here only to learn from."
                </p>
                <InspectedTable header claims caption testid/>
            }
            .into_any(),
            (Some(why), true) => view! {
                <p class="hint" data-testid=testid>
                    {format!("{caption}: not a JWT ({why}), so nothing to decode. ")}
                    "An opaque access token is allowed ("<SpecLink spec=SpecRef::from(spec::RFC6749_ACCESS_TOKEN)/>")."
                </p>
            }
            .into_any(),
            // Cannot happen after the callback's checks; said rather than hidden.
            (Some(why), false) => view! {
                <p class="hint" data-testid=testid>{format!("{caption}: not a JWT ({why}).")}</p>
            }
            .into_any(),
        })
    }
}

#[component]
fn InspectedTable(
    header: Signal<Vec<Field>>,
    claims: Signal<Vec<Field>>,
    caption: &'static str,
    testid: &'static str,
) -> impl IntoView {
    // A row is its name, value and check: one where any changed is replaced.
    let rows = |fields: Signal<Vec<Field>>| {
        view! {
            <For
                each=move || fields.get()
                key=|f| (f.name.clone(), f.value.clone(), f.checked_by)
                let:field
            >
                <FieldRow field/>
            </For>
        }
    };
    view! {
        <table class="claims inspector" data-testid=testid>
            <caption>{caption}</caption>
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col">"What it is"</th></tr>
            </thead>
            <tbody>
                <tr><th scope="rowgroup" colspan="3" class="group">"Header"</th></tr>
                {rows(header)}
            </tbody>
            <tbody>
                <tr><th scope="rowgroup" colspan="3" class="group">"Claims"</th></tr>
                {rows(claims)}
            </tbody>
        </table>
    }
}

/// One parameter or claim: name, value, meaning with its rule, and the
/// check that read it.
#[component]
fn FieldRow(field: Field) -> impl IntoView {
    let about = match field.about {
        Some(about) => view! {
            {about.meaning} " " <SpecLink spec=SpecRef::from(about.spec)/>
        }
        .into_any(),
        None => "not described here: see the provider's documentation".into_any(),
    };
    let name = field.name;
    let data_name = name.clone();
    view! {
        <tr data-name=data_name>
            <th scope="row"><code>{name}</code></th>
            <td>{field.value}</td>
            <td>
                {about}
                {field.checked_by.map(|check| view! {
                    <br/><span class="checked">"Checked by this client: " {check.label()}</span>
                })}
            </td>
        </tr>
    }
}
