//! One module per page.

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
