//! Outgoing email behind one small trait: SES v2 in the functions, an in-memory
//! outbox in flow tests and benchmarks. The templates (HTML and text) are shared.

mod outbox;
mod ses;
pub mod templates;

use std::future::Future;

pub use outbox::Outbox;
pub use ses::SesMailer;
pub use templates::Email as OutgoingEmail;

#[derive(Debug, thiserror::Error)]
#[error("sending email failed: {0}")]
pub struct MailError(pub String);

pub trait Mailer: Clone + Send + Sync + 'static {
    fn send(
        &self,
        to: &str,
        email: OutgoingEmail,
    ) -> impl Future<Output = Result<(), MailError>> + Send;
}
