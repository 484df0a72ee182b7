//! The DynamoDB store: one table keyed by `pk` alone ([`super::keys`]). The email
//! item holds the password hash, so a login reads its credentials beside the write that
//! counts its attempt.

use std::collections::HashMap;

use aws_sdk_dynamodb::{
    Client,
    config::http::HttpResponse,
    error::{ProvideErrorMetadata, SdkError},
    operation::transact_write_items::TransactWriteItemsError,
    types::{AttributeValue, Put, TransactWriteItem, WriteRequest},
};

mod counters;
mod counts;
mod directory;
mod erasure;
mod items;
mod member_updates;
mod members;
mod moves;
mod outbox;
mod record_items;
mod records;
mod sessions;

pub use outbox::{Claimed, MailClaim, MailState};

use super::{
    StoreError,
    keys::{self, Key, attr},
};
use crate::domain::{
    Member,
    member_query::{Facet, SortField},
};

pub type Item = HashMap<String, AttributeValue>;

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The items registrations of `members` would leave in an empty table (each
    /// member, its email and slug claims, and the partitions' counts), for tools that
    /// fill a new table in bulk: benchmarks and imports. Written into a table that
    /// holds members already, the counts would be wrong.
    pub fn seed_items(members: &[Member], password_hash: &str) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::new();
        let mut counts: HashMap<String, u64> = HashMap::new();
        for member in members {
            found.push(items::member_item(member)?);
            found.push(items::email_item(
                &member.login_email,
                &member.id,
                password_hash,
            ));
            found.push(items::slug_item(&member.profile.slug, &member.id));
            *counts.entry(Facet::of(member).key()).or_default() += 1;
        }
        for (facet, count) in counts {
            let mut item = items::key_map(Key::Count {
                facet: &facet,
                shard: 0,
            });
            item.insert(attr::MEMBERS.into(), n(count));
            found.push(item);
        }
        Ok(found)
    }

    /// A transaction step that creates `item` under `claim`, and fails if its key exists
    /// under another claim (the failure carries the item as it stands).
    fn put_if_absent(&self, item: Item, claim: &Claim) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(claim.stamp(item)))
            .condition_expression(Claim::absent_or_mine())
            .expression_attribute_values(":claim", claim.value())
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            )
            .build()
            .map_err(corrupt)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Runs a transaction of `items`, trying again (up to `attempts` in all, with
    /// growing, jittered waits) while it loses to concurrent transactions on the same
    /// items (`TransactionConflict`, which the SDK does not retry); any other failure,
    /// or the last conflict, is the caller's to read.
    async fn transact(
        &self,
        items: &[TransactWriteItem],
        attempts: u64,
    ) -> Result<(), SdkError<TransactWriteItemsError, HttpResponse>> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let Err(err) = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.to_vec()))
                .send()
                .await
            else {
                return Ok(());
            };
            let conflict = (0..items.len())
                .any(|step| cancellation_code(&err, step) == Some("TransactionConflict"));
            if !conflict || attempt >= attempts {
                return Err(err);
            }
            let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % 20;
            tokio::time::sleep(std::time::Duration::from_millis(15 * attempt + jitter)).await;
        }
    }

    /// One `BatchWriteItem` of up to 25 `requests`, sending what DynamoDB leaves
    /// unprocessed again (growing waits, five calls at most).
    async fn write_batch(&self, mut requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        for attempt in 1..=5u64 {
            let out = self
                .client
                .batch_write_item()
                .request_items(&self.table, requests)
                .send()
                .await
                .map_err(unavailable)?;
            requests = out
                .unprocessed_items
                .and_then(|mut left| left.remove(&self.table))
                .unwrap_or_default();
            if requests.is_empty() {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50 * attempt)).await;
        }
        Err(StoreError::Unavailable(format!(
            "{} writes left unprocessed",
            requests.len()
        )))
    }

    async fn get(&self, key: Key<'_>) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(attr::PK, pk(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item)
    }
}

/// One write's random claim on the records it creates or takes.
///
/// When an attempt's answer is lost (a timeout, a dropped connection) the SDK sends the
/// same request again, and a conditional write that did succeed the first time would
/// then fail its own condition: a code redeemed by its rightful holder would look reused
/// (and revoke the session), a new record would look taken. Each write therefore stamps
/// its claim (`claim` when it creates, `used` when it takes) and accepts a record that
/// carries it. (DynamoDB makes a retried transaction
/// idempotent by its `ClientRequestToken` already; the local stand-in does not, so the
/// transactions carry the claim too.)
pub(crate) struct Claim(AttributeValue);

impl Claim {
    /// The condition of a write that creates a record: none there, or ours already.
    pub(crate) fn absent_or_mine() -> String {
        format!(
            "attribute_not_exists({}) OR {} = :claim",
            attr::PK,
            attr::CLAIM
        )
    }

    /// The condition of a write that takes a record (`SET used = :claim`): there, and
    /// not taken, or taken by us.
    pub(crate) fn there_and_not_taken_by_another() -> String {
        format!(
            "attribute_exists({0}) AND (attribute_not_exists({1}) OR {1} = :claim)",
            attr::PK,
            attr::USED
        )
    }

    pub(crate) fn new() -> Self {
        Self(AttributeValue::S(uuid::Uuid::new_v4().to_string()))
    }

    pub(crate) fn value(&self) -> AttributeValue {
        self.0.clone()
    }

    /// `item` carrying this claim.
    pub(crate) fn stamp(&self, mut item: Item) -> Item {
        item.insert(attr::CLAIM.to_string(), self.value());
        item
    }
}

pub(crate) fn pk(key: Key<'_>) -> AttributeValue {
    AttributeValue::S(key.pk())
}

pub(crate) fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

pub(crate) fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub(crate) fn yes() -> AttributeValue {
    AttributeValue::Bool(true)
}

/// A request the SDK refused to build: our bug, not DynamoDB's.
pub(crate) fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(err.to_string())
}

pub(crate) fn unavailable<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
    R: std::fmt::Debug,
{
    let detail = match err.code() {
        Some(code) => format!("{code}: {}", err.message().unwrap_or_default()),
        None => format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&err)),
    };
    StoreError::Unavailable(detail)
}

/// Whether a single-item write failed its condition.
pub(crate) fn is_condition_failure<E, R>(err: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

/// Why step `index` of a cancelled transaction failed (`ConditionalCheckFailed`,
/// `TransactionConflict`, ...), if the transaction was cancelled.
pub(crate) fn cancellation_code<R>(
    err: &SdkError<TransactWriteItemsError, R>,
    index: usize,
) -> Option<&str> {
    match err.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => cancelled
            .cancellation_reasons
            .as_deref()?
            .get(index)?
            .code
            .as_deref(),
        _ => None,
    }
}

/// The item as it stood when step `index` of a cancelled transaction failed its
/// condition (the steps ask for it with `ALL_OLD`).
pub(crate) fn cancellation_item<R>(
    err: &SdkError<TransactWriteItemsError, R>,
    index: usize,
) -> Option<&Item> {
    match err.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => cancelled
            .cancellation_reasons
            .as_deref()?
            .get(index)?
            .item
            .as_ref(),
        _ => None,
    }
}

/// The table's schema, for local stacks and tests; infra/dynamodb.tf declares the
/// same for AWS.
pub async fn create_table_if_missing(client: &Client, table: &str) -> Result<bool, StoreError> {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
        Projection, ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    };
    let string = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(corrupt)
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .map_err(corrupt)
    };
    let keys_only = || {
        Projection::builder()
            .projection_type(ProjectionType::KeysOnly)
            .build()
    };
    let index = |name: &str, partition: &str, sort: Option<&str>| {
        let mut index = GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key(partition, KeyType::Hash)?)
            .projection(keys_only());
        if let Some(sort) = sort {
            index = index.key_schema(key(sort, KeyType::Range)?);
        }
        index.build().map_err(corrupt)
    };
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(attr::PK, KeyType::Hash)?)
        // Keys only: the mailer reads a queued email from the table, never from the stream.
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::KeysOnly)
                .build()
                .map_err(corrupt)?,
        )
        .global_secondary_indexes(index(keys::BY_MEMBER, attr::MEMBER_ID, Some(attr::PK))?)
        .global_secondary_indexes(index(keys::BY_CONTACT, attr::CONTACT_ID, None)?);
    let mut attributes = vec![attr::PK, attr::MEMBER_ID, attr::CONTACT_ID, attr::FACET];
    for field in SortField::ALL {
        let (name, sort) = keys::listing_index(field);
        request = request.global_secondary_indexes(index(name, attr::FACET, Some(sort))?);
        attributes.push(sort);
    }
    for name in attributes {
        request = request.attribute_definitions(string(name)?);
    }
    let result = request.send().await;
    match result {
        Ok(_) => Ok(true),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            Ok(false)
        }
        Err(err) => Err(unavailable(err)),
    }
}
