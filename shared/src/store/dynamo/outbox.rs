//! The email outbox's items (`MAIL#<id>`): written sealed by the request paths, claimed
//! and settled by the mailer function. A claim is a conditional update from `queued`, so
//! of two deliveries of one stream record (Lambda delivers at least once) one sends.

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::update_item::UpdateItemError,
    types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure},
};

use super::{
    Claim, DynamoStore, Item, corrupt, is_condition_failure,
    items::{get_n, get_s, opt_s},
    n, pk, s, unavailable,
};
use crate::{
    mail::sealed::Sealed,
    store::{
        StoreError,
        keys::{Key, attr},
    },
};

/// Where a queued email stands. Only `Queued` may be claimed, so nothing is sent twice:
/// an email whose send may or may not have happened (`Unconfirmed`) is never retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailState {
    Queued,
    Sending,
    Sent,
    /// A decoy, opened and dropped. Stored as `sent`, so that the table never tells a
    /// decoy from an email.
    Dropped,
    /// SES refused it for good (a rejected address, a malformed message).
    Refused,
    /// The send was in flight when its answer was lost: it may have gone out.
    Unconfirmed,
    /// Its lifetime passed before it could be sent.
    Expired,
}

impl MailState {
    const ALL: [MailState; 7] = [
        MailState::Queued,
        MailState::Sending,
        MailState::Sent,
        MailState::Dropped,
        MailState::Refused,
        MailState::Unconfirmed,
        MailState::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailState::Queued => "queued",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Dropped => "sent",
            MailState::Refused => "refused",
            MailState::Unconfirmed => "unconfirmed",
            MailState::Expired => "expired",
        }
    }

    pub fn parse(state: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == state)
    }

    /// Whether the sealed letter is kept: only while it may still be sent, or for a
    /// redrive of what could not be.
    fn keeps_letter(self) -> bool {
        !matches!(self, MailState::Sent | MailState::Dropped)
    }
}

/// A claimed email: its sealed letter, how many deliveries have claimed it, when it
/// expires, and the claim that settles it.
pub struct Claimed {
    pub sealed: Sealed,
    pub attempts: u64,
    pub expires_at: u64,
    claim: Claim,
}

/// What a claim found.
pub enum MailClaim {
    Claimed(Claimed),
    /// Not claimable: in this state (`Queued`: sealed under none of the keys offered),
    /// or not there (`None`).
    NotQueued(Option<MailState>),
}

impl DynamoStore {
    /// Queues a sealed email. The id is fresh per email, so an item already under it is
    /// this very write, retried by the SDK after its answer was lost; it is never written
    /// twice, or a retry landing after the mailer's claim would queue the email again.
    pub async fn queue_mail(
        &self,
        id: &str,
        sealed: &Sealed,
        expires_at: u64,
    ) -> Result<(), StoreError> {
        let item: Item = [
            (attr::PK, pk(Key::Mail(id))),
            (attr::SEALED, AttributeValue::B(sealed.bytes.clone().into())),
            (attr::KEY_ID, s(&sealed.key_id)),
            (attr::MAIL_STATE, s(MailState::Queued.as_str())),
            (attr::ATTEMPTS, n(0)),
            (attr::EXPIRES_AT, n(expires_at)),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(format!("attribute_not_exists({})", attr::PK))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(unavailable(err)),
        }
    }

    /// Takes a queued email for sending, if it is queued and was sealed under one of
    /// `key_ids`: a mailer never takes what it cannot open (during a key rotation, an
    /// instance that lacks the new key leaves it for one that has it). The claim is the
    /// write's own, so an SDK retry of a claim whose answer was lost still gets it.
    pub async fn claim_mail(&self, id: &str, key_ids: &[&str]) -> Result<MailClaim, StoreError> {
        let claim = Claim::new();
        let names: Vec<String> = (0..key_ids.len()).map(|i| format!(":key{i}")).collect();
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Mail(id)))
            .update_expression("SET #state = :sending, #used = :claim ADD #attempts :one")
            .condition_expression(format!(
                "(#state = :queued AND #keyId IN ({})) OR #used = :claim",
                names.join(", ")
            ))
            .expression_attribute_names("#state", attr::MAIL_STATE)
            .expression_attribute_names("#attempts", attr::ATTEMPTS)
            .expression_attribute_names("#keyId", attr::KEY_ID)
            .expression_attribute_names("#used", attr::USED)
            .expression_attribute_values(":sending", s(MailState::Sending.as_str()))
            .expression_attribute_values(":queued", s(MailState::Queued.as_str()))
            .expression_attribute_values(":claim", claim.value())
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        for (name, key_id) in names.iter().zip(key_ids) {
            request = request.expression_attribute_values(name, s(key_id));
        }
        let item = match request.send().await {
            Ok(out) => out.attributes.unwrap_or_default(),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                let UpdateItemError::ConditionalCheckFailedException(failed) = e.into_err() else {
                    unreachable!("matched above")
                };
                let state = failed
                    .item
                    .as_ref()
                    .and_then(|item| opt_s(item, attr::MAIL_STATE))
                    .and_then(|state| MailState::parse(&state));
                return Ok(MailClaim::NotQueued(state));
            }
            Err(err) => return Err(unavailable(err)),
        };
        let bytes = match item.get(attr::SEALED) {
            Some(AttributeValue::B(blob)) => blob.clone().into_inner(),
            _ => return Err(corrupt("queued email without its letter")),
        };
        Ok(MailClaim::Claimed(Claimed {
            sealed: Sealed {
                key_id: get_s(&item, attr::KEY_ID)?.to_string(),
                bytes,
            },
            attempts: get_n(&item, attr::ATTEMPTS)?,
            expires_at: get_n(&item, attr::EXPIRES_AT)?,
            claim,
        }))
    }

    /// Ends a claim: `Queued` gives the email back for a later try; any other state is
    /// final, and a sent email loses its letter at once. Only the claim's holder settles
    /// it, and a retry of this write (its answer lost) settles it the same way again.
    pub async fn settle_mail(
        &self,
        id: &str,
        claimed: &Claimed,
        state: MailState,
    ) -> Result<(), StoreError> {
        let update = if state.keeps_letter() {
            "SET #state = :state".to_string()
        } else {
            format!("SET #state = :state REMOVE {}", attr::SEALED)
        };
        self.client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Mail(id)))
            .update_expression(update)
            .condition_expression("#used = :claim")
            .expression_attribute_names("#state", attr::MAIL_STATE)
            .expression_attribute_names("#used", attr::USED)
            .expression_attribute_values(":state", s(state.as_str()))
            .expression_attribute_values(":claim", claimed.claim.value())
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
