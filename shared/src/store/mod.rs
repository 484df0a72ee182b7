//! The DynamoDB repository. One table, keyed by `pk` alone:
//!
//! | pk                    | holds                                              |
//! |-----------------------|----------------------------------------------------|
//! | `MEMBER#<id>`         | the member record and its token version            |
//! | `EMAIL#<email>`       | uniqueness of the login email; member id, password hash |
//! | `APPROVAL#<sha256>`   | a pending approval token (hash only) and its expiry |
//!
//! The email item holds the password hash so a login is one read plus one update.

use std::collections::HashMap;

use aws_sdk_dynamodb::{
    Client,
    error::{ProvideErrorMetadata, SdkError},
    operation::{transact_write_items::TransactWriteItemsError, update_item::UpdateItemError},
    types::{
        AttributeValue, Put, ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
    },
};

mod records;
mod throttle;

pub use records::{
    AuthCode, LogoutRequest, NewRecord, Recovery, Redemption, RefreshRecord, Session, Verification,
};
pub use throttle::{Lockout, LoginGate};

use crate::domain::{
    Email, Member, MemberStatus,
    member::{ContactDetails, PrivacyStatus, Profile},
};

pub(crate) type Item = HashMap<String, AttributeValue>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a member with this email already exists")]
    EmailTaken,
    #[error("not found")]
    NotFound,
    /// A conditional update did not apply; carries the member as it was, if any.
    #[error("the member is not in the expected state")]
    StateMismatch(Option<Box<Member>>),
    #[error("DynamoDB unavailable: {0}")]
    Unavailable(String),
    #[error("stored item is malformed: {0}")]
    Corrupt(String),
}

pub struct Credentials {
    pub member_id: String,
    pub password_hash: String,
}

/// A single-use token's stored form, as it was when taken.
pub struct TakenToken {
    pub member_id: String,
    pub expires_at: u64,
}

#[derive(Clone)]
pub struct Store {
    client: Client,
    table: String,
}

pub(crate) fn member_key(id: &str) -> AttributeValue {
    AttributeValue::S(format!("MEMBER#{id}"))
}

pub(crate) fn email_key(email: &Email) -> AttributeValue {
    AttributeValue::S(format!("EMAIL#{}", email.as_str()))
}

pub(crate) fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

pub(crate) fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
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

pub(crate) fn get_s<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v),
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing"))),
    }
}

pub(crate) fn get_n(item: &Item, name: &str) -> Result<u64, StoreError> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("attribute {name} not a number"))),
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing"))),
    }
}

fn member_item(member: &Member) -> Result<Item, StoreError> {
    let mut item = HashMap::from([
        ("pk".to_string(), member_key(&member.id)),
        ("memberId".to_string(), s(&member.id)),
        ("loginEmail".to_string(), s(member.login_email.as_str())),
        ("status".to_string(), s(member.status.as_str())),
        ("contactId".to_string(), s(&member.contact_id)),
        (
            "privacyStatus".to_string(),
            s(match member.privacy_status {
                PrivacyStatus::Public => "PUBLIC",
                PrivacyStatus::Private => "PRIVATE",
            }),
        ),
        ("createdDate".to_string(), s(&member.created_date)),
        ("updatedDate".to_string(), s(&member.updated_date)),
        ("tokenVersion".to_string(), n(member.token_version)),
        (
            "emailVerified".to_string(),
            AttributeValue::Bool(member.email_verified),
        ),
        ("profile".to_string(), s(&to_json(&member.profile)?)),
        (
            "contactDetails".to_string(),
            s(&to_json(&member.contact_details)?),
        ),
    ]);
    if let Some(date) = &member.last_login_date {
        item.insert("lastLoginDate".into(), s(date));
    }
    Ok(item)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn member_from_item(item: &Item) -> Result<Member, StoreError> {
    let parse_json = |name: &str| -> Result<serde_json::Value, StoreError> {
        serde_json::from_str(get_s(item, name)?)
            .map_err(|e| StoreError::Corrupt(format!("{name}: {e}")))
    };
    let profile: Profile = serde_json::from_value(parse_json("profile")?)
        .map_err(|e| StoreError::Corrupt(format!("profile: {e}")))?;
    let contact_details: ContactDetails = serde_json::from_value(parse_json("contactDetails")?)
        .map_err(|e| StoreError::Corrupt(format!("contactDetails: {e}")))?;
    Ok(Member {
        id: get_s(item, "memberId")?.to_string(),
        login_email: Email::parse(get_s(item, "loginEmail")?)
            .map_err(|e| StoreError::Corrupt(format!("loginEmail: {e}")))?,
        status: MemberStatus::parse(get_s(item, "status")?)
            .ok_or_else(|| StoreError::Corrupt("status".into()))?,
        contact_id: get_s(item, "contactId")?.to_string(),
        privacy_status: match get_s(item, "privacyStatus")? {
            "PUBLIC" => PrivacyStatus::Public,
            _ => PrivacyStatus::Private,
        },
        created_date: get_s(item, "createdDate")?.to_string(),
        updated_date: get_s(item, "updatedDate")?.to_string(),
        last_login_date: get_s(item, "lastLoginDate").ok().map(str::to_string),
        token_version: get_n(item, "tokenVersion")?,
        // Members from before verification existed have no flag: they are verified.
        email_verified: !matches!(item.get("emailVerified"), Some(AttributeValue::Bool(false))),
        profile,
        contact_details,
    })
}

/// A status change applied by `Store::update_member`.
pub struct StatusChange<'a> {
    pub to: MemberStatus,
    /// Only apply when the member is in one of these states.
    pub only_from: &'a [MemberStatus],
    /// Bump the token version: every token issued before stops working.
    pub revoke_tokens: bool,
    pub now: &'a str,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub async fn credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", email_key(email))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        Ok(Some(Credentials {
            member_id: get_s(&item, "memberId")?.to_string(),
            password_hash: get_s(&item, "passwordHash")?.to_string(),
        }))
    }

    pub async fn member(&self, id: &str) -> Result<Option<Member>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", member_key(id))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        out.item.as_ref().map(member_from_item).transpose()
    }

    /// A transaction step that creates `item`, and fails if its key exists.
    pub(crate) fn put_if_absent(&self, item: Item) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Creates the member, its email claim and (when given) its approval token in one
    /// transaction: two racing registrations of one email cannot both succeed.
    pub async fn create_member(
        &self,
        member: &Member,
        password_hash: &str,
        records: &[NewRecord],
    ) -> Result<(), StoreError> {
        let email_item = HashMap::from([
            ("pk".to_string(), email_key(&member.login_email)),
            ("memberId".to_string(), s(&member.id)),
            ("passwordHash".to_string(), s(password_hash)),
        ]);
        let mut items = vec![
            self.put_if_absent(email_item)?,
            self.put_if_absent(member_item(member)?)?,
        ];
        for record in records {
            items.push(self.put_if_absent(record.item())?);
        }
        // Concurrent transactions on one email item cancel each other with
        // `TransactionConflict` (the SDK does not retry it): try again, briefly.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let Err(err) = result else {
                return Ok(());
            };
            // Step 0 is the email claim.
            match cancellation_code(&err, 0) {
                Some("ConditionalCheckFailed") => return Err(StoreError::EmailTaken),
                Some("TransactionConflict") if attempt < 4 => {
                    tokio::time::sleep(std::time::Duration::from_millis(20 * attempt)).await;
                }
                _ => return Err(unavailable(err)),
            }
        }
    }

    /// Stamps a successful login on an approved member and returns it; a member in any
    /// other state comes back as `StateMismatch` with its current record.
    pub async fn record_login(&self, member_id: &str, now: &str) -> Result<Member, StoreError> {
        self.conditional_member_update(
            self.client
                .update_item()
                .table_name(&self.table)
                .key("pk", member_key(member_id))
                .update_expression("SET lastLoginDate = :now")
                .condition_expression(
                    "attribute_exists(pk) AND #status = :approved \
                     AND (attribute_not_exists(emailVerified) OR emailVerified = :yes)",
                )
                .expression_attribute_values(":yes", AttributeValue::Bool(true))
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":now", s(now))
                .expression_attribute_values(":approved", s(MemberStatus::Approved.as_str())),
        )
        .await
    }

    pub async fn update_member_status(
        &self,
        member_id: &str,
        change: StatusChange<'_>,
    ) -> Result<Member, StoreError> {
        let mut update = "SET #status = :to, updatedDate = :now".to_string();
        if change.revoke_tokens {
            update.push_str(", tokenVersion = tokenVersion + :one");
        }
        let allowed: Vec<String> = (0..change.only_from.len())
            .map(|i| format!(":from{i}"))
            .collect();
        let condition = if allowed.is_empty() {
            "attribute_exists(pk)".to_string()
        } else {
            format!(
                "attribute_exists(pk) AND #status IN ({})",
                allowed.join(", ")
            )
        };
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", member_key(member_id))
            .update_expression(update)
            .condition_expression(condition)
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", s(change.to.as_str()))
            .expression_attribute_values(":now", s(change.now));
        if change.revoke_tokens {
            request = request.expression_attribute_values(":one", n(1));
        }
        for (name, status) in allowed.iter().zip(change.only_from) {
            request = request.expression_attribute_values(name, s(status.as_str()));
        }
        self.conditional_member_update(request).await
    }

    async fn conditional_member_update(
        &self,
        request: aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder,
    ) -> Result<Member, StoreError> {
        let result = request
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => member_from_item(
                out.attributes
                    .as_ref()
                    .ok_or_else(|| StoreError::Corrupt("update returned nothing".into()))?,
            ),
            Err(SdkError::ServiceError(service))
                if matches!(
                    service.err(),
                    UpdateItemError::ConditionalCheckFailedException(_)
                ) =>
            {
                let UpdateItemError::ConditionalCheckFailedException(failed) = service.into_err()
                else {
                    unreachable!("matched above")
                };
                match failed.item {
                    Some(item) if !item.is_empty() => Err(StoreError::StateMismatch(Some(
                        Box::new(member_from_item(&item)?),
                    ))),
                    _ => Err(StoreError::NotFound),
                }
            }
            Err(err) => Err(unavailable(err)),
        }
    }
}

/// The table's schema, for local stacks and tests; infra/dynamodb.tf declares the
/// same for AWS.
pub async fn create_table_if_missing(client: &Client, table: &str) -> Result<bool, StoreError> {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    let result = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )
        .send()
        .await;
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
