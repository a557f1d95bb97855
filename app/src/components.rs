//! Small building blocks shared by the pages.

mod blocked_renewal;
mod client_only;
mod event_log;
mod focus_on_navigation;
mod login_button;
mod renew_button;
mod session_status;
mod token_inspector;

pub use blocked_renewal::BlockedRenewalNotice;
pub use client_only::ClientOnly;
pub use event_log::{EventLine, EventLogView, EventRow, RequestTag, SpecLink, SpecRef};
pub use focus_on_navigation::FocusOnNavigation;
pub use login_button::LoginButton;
pub use renew_button::RenewButton;
pub use session_status::SessionStatus;
pub use token_inspector::TokenInspector;
