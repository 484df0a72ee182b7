//! The mailer function: DynamoDB stream records of new `MAIL#` items in, emails out.
//!
//! Lambda (or `make dev`'s local driver) hands it a batch of stream records, in order.
//! Each email is tried a few times with growing waits; one that SES still will not take
//! ends the batch as a partial failure from that record on, so Lambda hands it back
//! later (and, past the mapping's retry limit, leaves it to the dead-letter queue:
//! infra/mailer.tf). What can never be sent is kept and logged as a dead letter, which
//! an alarm counts. No send starts that the invocation might not see to its end: one
//! cut off by the function's timeout could have gone out, and would never be retried.

use std::{collections::HashMap, time::Duration};

use tokio::time::Instant;

use serde::{Deserialize, Serialize};
use tracing::{error, info, warn};

use super::{Delivery, TableOutbox};
use crate::{clock::Clock, store::dynamo::MailState, store::keys::MAIL_PREFIX};

/// The fields of a DynamoDB stream event the mailer reads (the table streams keys only).
#[derive(Debug, Deserialize, Serialize)]
pub struct StreamEvent {
    #[serde(rename = "Records", default)]
    pub records: Vec<StreamRecord>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StreamRecord {
    #[serde(rename = "eventName")]
    pub event_name: String,
    pub dynamodb: StreamChange,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StreamChange {
    #[serde(rename = "Keys", default)]
    pub keys: HashMap<String, HashMap<String, String>>,
    #[serde(rename = "SequenceNumber")]
    pub sequence_number: String,
}

impl StreamRecord {
    /// The id of the email a record announces: an insert of a `MAIL#` item.
    pub fn mail_id(&self) -> Option<&str> {
        if self.event_name != "INSERT" {
            return None;
        }
        self.dynamodb
            .keys
            .get("pk")?
            .get("S")?
            .strip_prefix(MAIL_PREFIX)
    }
}

/// Lambda's partial batch answer (`ReportBatchItemFailures`): it retries from the
/// first sequence number named.
#[derive(Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<ItemFailure>,
}

#[derive(Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct ItemFailure {
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

/// How often an email is tried within one invocation, and the first wait (doubling).
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    pub attempts: u32,
    pub first_wait: Duration,
    /// Whether an email sealed under a key this mailer lacks is left to another mailer
    /// (`true`: test apps sharing one table, each with keys of its own) or handed back
    /// (`false`: after a key rotation an instance that predates it must not drop the
    /// email; Lambda hands it back, and past the retry limit it is a dead letter).
    pub leave_foreign: bool,
}

impl Retries {
    /// In Lambda: 0.5 + 1 + 2 + 4 s of waiting, well inside the function's timeout.
    pub const LAMBDA: Retries = Retries {
        attempts: 5,
        first_wait: Duration::from_millis(500),
        leave_foreign: false,
    };
    /// One try per hand-over: the caller (a test) decides when to try again, and each
    /// test app delivers its own email.
    pub const ONCE: Retries = Retries {
        attempts: 1,
        first_wait: Duration::ZERO,
        leave_foreign: true,
    };
}

/// The time one try needs before the invocation's end: the SES call (one attempt of at
/// most 2 s, `app::aws_defaults`, no SDK retries) and the claim and settle around it
/// (up to 5 s each), with room to spare.
const TRY_NEEDS: Duration = Duration::from_secs(8);

/// Delivers every email the batch announces, in order, trying none that could not end
/// before `stop_by` (the invocation's deadline, in Lambda).
pub async fn deliver_batch(
    outbox: &TableOutbox,
    clock: &Clock,
    event: &StreamEvent,
    retries: Retries,
    stop_by: Option<Instant>,
) -> BatchResponse {
    for record in &event.records {
        let Some(id) = record.mail_id() else {
            continue;
        };
        if !deliver_one(outbox, clock, id, retries, stop_by).await {
            return BatchResponse {
                batch_item_failures: vec![ItemFailure {
                    item_identifier: record.dynamodb.sequence_number.clone(),
                }],
            };
        }
    }
    BatchResponse::default()
}

/// Whether the email `id` is done with (sent, dropped, or given up on for good).
async fn deliver_one(
    outbox: &TableOutbox,
    clock: &Clock,
    id: &str,
    retries: Retries,
    stop_by: Option<Instant>,
) -> bool {
    let mut wait = retries.first_wait;
    for attempt in 1..=retries.attempts.max(1) {
        if stop_by.is_some_and(|stop| Instant::now() + TRY_NEEDS > stop) {
            info!(
                mail_id = id,
                "too little time left in this invocation; handed back"
            );
            return false;
        }
        match outbox.deliver(id, clock.now()).await {
            Delivery::Sent => {
                info!(mail_id = id, attempt, "email sent");
                return true;
            }
            Delivery::Dropped => return true,
            Delivery::NotQueued(Some(MailState::Sending)) => {
                // A delivery that claimed it never settled (its answer or its process
                // was lost): it may have gone out, so it is not sent again.
                dead_letter(
                    id,
                    MailState::Unconfirmed,
                    "claimed by a delivery that never finished",
                );
                return true;
            }
            Delivery::NotQueued(Some(MailState::Queued)) if !retries.leave_foreign => {
                warn!(
                    mail_id = id,
                    "sealed under a key this mailer does not hold; handed back"
                );
                return false;
            }
            Delivery::NotQueued(_) => return true,
            Delivery::GaveUp(state, reason) => {
                dead_letter(id, state, &reason);
                return true;
            }
            Delivery::Retry(reason) => {
                info!(mail_id = id, attempt, reason, "email not sent yet");
                if attempt < retries.attempts {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
            }
        }
    }
    false
}

/// One log event per email that will never be sent; infra/mailer.tf counts them.
fn dead_letter(id: &str, state: MailState, reason: &str) {
    error!(
        mail_dead_letter = state.as_str(),
        mail_id = id,
        reason,
        "email will not be sent"
    );
}

/// What is left of an invocation whose deadline is `deadline_ms`. Lambda's deadline is
/// wall-clock milliseconds since the epoch; cargo-lambda 1.9 (`make dev`) sends the
/// function's timeout instead (600000), which no epoch deadline is ever below.
fn time_left(deadline_ms: u64, now_ms: u64) -> Duration {
    const YEAR_2001_MS: u64 = 978_307_200_000;
    if deadline_ms < YEAR_2001_MS {
        return Duration::from_millis(deadline_ms);
    }
    Duration::from_millis(deadline_ms.saturating_sub(now_ms))
}

/// The mailer function's `main`.
pub async fn run() -> Result<(), lambda_http::Error> {
    use lambda_http::{LambdaEvent, lambda_runtime, service_fn};
    crate::telemetry::init();
    let app = crate::LazyApp::from_env()?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<StreamEvent>| {
        let app = &app;
        async move {
            let app = app.get().await?;
            let left = time_left(event.context.deadline, crate::Clock::system().now_millis());
            let stop_by = Instant::now() + left;
            Ok::<_, lambda_http::Error>(
                deliver_batch(
                    &app.mailer,
                    &app.clock,
                    &event.payload,
                    Retries::LAMBDA,
                    Some(stop_by),
                )
                .await,
            )
        }
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_lambdas_deadline_and_cargo_lambdas_timeout() {
        let now = 1_796_000_000_000;
        assert_eq!(time_left(now + 59_000, now), Duration::from_secs(59));
        assert_eq!(time_left(now - 1, now), Duration::ZERO);
        assert_eq!(time_left(600_000, now), Duration::from_secs(600));
    }
}
