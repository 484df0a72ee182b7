//! The functions' outbox: a request path seals its email into a `MAIL#` item and
//! answers; the mailer function claims the item, opens it and sends it through SES.

use std::sync::Arc;

use aws_config::retry::RetryConfig;

use tracing::{error, warn};

use super::{
    MailError, Mailer, OutgoingEmail, SendFailure, SesMailer,
    sealed::{Letter, MailSeal},
};
use crate::{
    config::Config,
    store::{
        DynamoStore,
        dynamo::{Claimed, MailClaim, MailState},
    },
};

/// How long a queued email may wait for SES: past it, the links and codes it carries
/// have long expired.
pub const MAIL_LIFETIME_SECS: u64 = 24 * 3600;

#[derive(Clone)]
pub struct TableOutbox {
    store: DynamoStore,
    seal: Arc<MailSeal>,
    ses: SesMailer,
}

/// What one delivery of a queued email did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// A decoy: opened and dropped.
    Dropped,
    /// Not queued: sent or given up on before, held by another delivery (`Sending`), or
    /// sealed under a key this mailer does not hold (`Queued`: left for one that does).
    NotQueued(Option<MailState>),
    /// Nothing was sent and the email is queued again: try later.
    Retry(String),
    /// Never to be sent, and kept (sealed) for whoever looks into it.
    GaveUp(MailState, String),
}

impl TableOutbox {
    /// The outbox in `config`'s table, sealing under its signing keys and sending from
    /// its address through `ses`.
    pub fn new(
        config: &Config,
        dynamodb: aws_sdk_dynamodb::Client,
        ses: aws_sdk_sesv2::Client,
    ) -> Self {
        // No retries of SES's own: SES has no idempotency key, and a send retried after
        // its answer was lost may be a second email (`mail::delivery` retries instead).
        let ses = aws_sdk_sesv2::Client::from_conf(
            ses.config()
                .to_builder()
                .retry_config(RetryConfig::disabled())
                .build(),
        );
        Self {
            store: DynamoStore::new(dynamodb, config.table.clone()),
            seal: Arc::new(MailSeal::new(&config.signing_keys)),
            ses: SesMailer::new(
                ses,
                config.mail_from.clone(),
                config.ses_configuration_set.clone(),
            ),
        }
    }

    async fn queue(&self, letter: &Letter, now: u64) -> Result<(), MailError> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let sealed = self.seal.seal(&id, letter)?;
        self.store
            .queue_mail(&id, &sealed, now + MAIL_LIFETIME_SECS)
            .await
            .map_err(|e| MailError(e.to_string()))
    }

    /// Delivers the queued email `id`, at most once however often it is asked.
    pub async fn deliver(&self, id: &str, now: u64) -> Delivery {
        let claimed = match self.store.claim_mail(id, &self.seal.key_ids()).await {
            Ok(MailClaim::Claimed(claimed)) => claimed,
            Ok(MailClaim::NotQueued(state)) => return Delivery::NotQueued(state),
            Err(err) => return Delivery::Retry(err.to_string()),
        };
        let outcome = self.send_claimed(id, &claimed, now).await;
        let settled = match &outcome {
            Delivery::Sent => MailState::Sent,
            Delivery::Dropped => MailState::Dropped,
            Delivery::Retry(_) => MailState::Queued,
            Delivery::GaveUp(state, _) => *state,
            Delivery::NotQueued(_) => return outcome,
        };
        if let Err(err) = self.store.settle_mail(id, &claimed, settled).await {
            // Still `sending`: never claimed again, so never sent twice; a retry of the
            // stream record reports it (`NotQueued(Some(Sending))`).
            error!(mail_id = id, error = %err, state = settled.as_str(), "mail state not saved");
        }
        outcome
    }

    async fn send_claimed(&self, id: &str, claimed: &Claimed, now: u64) -> Delivery {
        if now >= claimed.expires_at {
            return Delivery::GaveUp(MailState::Expired, "its lifetime passed".into());
        }
        let letter = match self.seal.open(id, &claimed.sealed) {
            Ok(letter) => letter,
            Err(err) => return Delivery::GaveUp(MailState::Refused, err.0),
        };
        if letter.decoy {
            return Delivery::Dropped;
        }
        match self.ses.send(&letter.to, letter.email()).await {
            Ok(()) => Delivery::Sent,
            Err(SendFailure::Retry(reason)) => {
                warn!(
                    mail_id = id,
                    attempts = claimed.attempts,
                    reason,
                    "SES did not take the email; queued again"
                );
                Delivery::Retry(reason)
            }
            Err(SendFailure::Refused(reason)) => Delivery::GaveUp(MailState::Refused, reason),
            Err(SendFailure::Unconfirmed(reason)) => {
                Delivery::GaveUp(MailState::Unconfirmed, reason)
            }
        }
    }
}

impl Mailer for TableOutbox {
    async fn send(&self, to: &str, email: OutgoingEmail, now: u64) -> Result<(), MailError> {
        self.queue(&Letter::new(to, email, false), now).await
    }

    async fn send_decoy(&self, email: OutgoingEmail, now: u64) -> Result<(), MailError> {
        // Sealed like an email (letters are padded to one size class), so that neither
        // its size nor its state ever tells the table it was a decoy.
        self.queue(&Letter::new("", email, true), now).await
    }
}
