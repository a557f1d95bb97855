//! One module per page, and [`routes`]: the view of each route.

mod api;
mod callback;
mod home;
mod not_found;
mod playground;
mod profile;
mod session;
mod settings;

pub use api::ApiPage;
pub use callback::Callback;
pub use home::Home;
pub use not_found::NotFound;
pub use playground::Playground;
pub use profile::Profile;
pub use session::SessionPage;
pub use settings::SettingsPage;

/// The views of the pages a reader opens after logging in. In a split build
/// (feature `split`, built with `cargo leptos --split`) each is a lazy
/// route, its code a wasm chunk of its own fetched when it is first shown,
/// so `/` and `/callback` download none of it before they can validate a
/// response. Otherwise they are ordinary routes, in the one wasm file.
pub mod routes {
    #[cfg(not(feature = "split"))]
    macro_rules! page {
        ($route:ident, $page:path) => {
            /// The route's view.
            pub fn $route() -> impl leptos_router::ChooseView {
                $page
            }
        };
    }

    #[cfg(feature = "split")]
    macro_rules! page {
        ($route:ident, $page:path) => {
            /// The route's view, loaded when first shown.
            pub fn $route() -> impl leptos_router::ChooseView {
                #[allow(non_camel_case_types)]
                struct $route;

                #[leptos_router::lazy_route]
                impl leptos_router::LazyRoute for $route {
                    fn data() -> Self {
                        $route
                    }

                    fn view(this: Self) -> leptos::prelude::AnyView {
                        use leptos::prelude::*;
                        let _ = this;
                        view! { <$page/> }.into_any()
                    }
                }

                leptos_router::Lazy::<$route>::new()
            }
        };
    }

    page!(profile, super::Profile);
    page!(api, super::ApiPage);
    page!(session, super::SessionPage);
    page!(settings, super::SettingsPage);
    page!(playground, super::Playground);
}
