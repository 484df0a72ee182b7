//! The in-memory mailer of flow tests and benches: keeps what it was asked to send.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use super::{MailError, Mailer, OutgoingEmail};

/// Keeps every email "sent", in order; can be told to fail as SES does when down.
#[derive(Clone, Default)]
pub struct Outbox {
    sent: Arc<Mutex<Vec<(String, OutgoingEmail)>>>,
    failing: Arc<AtomicBool>,
}

impl Outbox {
    /// Every email sent so far, with its recipient.
    pub fn sent(&self) -> Vec<(String, OutgoingEmail)> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The emails sent to `to` so far.
    pub fn to(&self, to: &str) -> Vec<OutgoingEmail> {
        self.sent()
            .into_iter()
            .filter(|(recipient, _)| recipient.eq_ignore_ascii_case(to))
            .map(|(_, email)| email)
            .collect()
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

impl Mailer for Outbox {
    async fn send(&self, to: &str, email: OutgoingEmail) -> Result<(), MailError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(MailError("SES is down (in-memory outbox)".into()));
        }
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((to.to_string(), email));
        Ok(())
    }
}
