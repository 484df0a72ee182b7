//! The in-memory mailer of flow tests and benches: keeps what it was asked to send.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, AtomicU64, Ordering},
};

use super::{MailError, Mailer, OutgoingEmail};

/// Keeps every email "sent", in order, and counts decoys; can be told to fail as the
/// outbox does when its table is down.
#[derive(Clone, Default)]
pub struct MemoryOutbox {
    sent: Arc<Mutex<Vec<(String, OutgoingEmail)>>>,
    decoys: Arc<AtomicU64>,
    failing: Arc<AtomicBool>,
}

impl MemoryOutbox {
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

    /// How many decoys were queued (and dropped).
    pub fn decoys(&self) -> u64 {
        self.decoys.load(Ordering::SeqCst)
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), MailError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(MailError("the outbox is down (in-memory outbox)".into()));
        }
        Ok(())
    }
}

impl Mailer for MemoryOutbox {
    async fn send(&self, to: &str, email: OutgoingEmail, _now: u64) -> Result<(), MailError> {
        self.check()?;
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((to.to_string(), email));
        Ok(())
    }

    async fn send_decoy(&self, _email: OutgoingEmail, _now: u64) -> Result<(), MailError> {
        self.check()?;
        self.decoys.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}
