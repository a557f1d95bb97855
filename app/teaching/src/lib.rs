//! The demo's teaching vocabulary, beside the protocol but not part of it:
//!
//! - [`spec`]: every specification section the project cites, each once,
//!   and [`spec::Cited`], the section behind each check;
//! - [`inspect`]: what each header parameter and claim of a token means,
//!   for the token inspector;
//! - [`dev_controls`]: the wire format of the mock issuer's dev controls
//!   (its faults and its decisions), which the issuer serves and the
//!   Playground reads.
//!
//! A real client or API needs none of it: `auth-client` and `bearer-auth`
//! do not depend on this crate.

pub mod dev_controls;
pub mod inspect;
pub mod spec;
