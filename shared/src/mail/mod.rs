//! Outgoing email. Request paths hand an email to a [`Mailer`] and answer: in the
//! functions that is the table outbox ([`TableOutbox`]: sealed `MAIL#` items, sent by
//! the mailer function from the table's stream, [`delivery`]); in flow tests and
//! benchmarks an in-memory outbox. The templates (HTML and text) are shared.

pub mod delivery;
mod memory;
pub mod sealed;
mod ses;
mod table;
pub mod templates;

use std::future::Future;

pub use memory::MemoryOutbox;
pub use ses::{SendFailure, SesMailer};
pub use table::{Delivery, MAIL_LIFETIME_SECS, TableOutbox};
pub use templates::Email as OutgoingEmail;

#[derive(Debug, thiserror::Error)]
#[error("queueing email failed: {0}")]
pub struct MailError(pub String);

pub trait Mailer: Clone + Send + Sync + 'static {
    /// Takes `email` for `to`: once this answers `Ok`, the email will be sent (at most
    /// once), without the caller waiting for SES.
    fn send(
        &self,
        to: &str,
        email: OutgoingEmail,
        now: u64,
    ) -> impl Future<Output = Result<(), MailError>> + Send;

    /// The same work as [`Mailer::send`], for no one: the answer to a request about an
    /// unknown address must not be told apart, by its timing, from one about a member.
    fn send_decoy(
        &self,
        email: OutgoingEmail,
        now: u64,
    ) -> impl Future<Output = Result<(), MailError>> + Send;
}
