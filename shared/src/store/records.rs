//! Short-lived records beside the members: approval, verification, authorization
//! code, session, refresh, recovery and logout. Secrets among them are stored only as
//! hashes; every record carries `expiresAt`, which code checks (DynamoDB's TTL only
//! tidies up, late).

use std::collections::HashMap;

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::update_item::UpdateItemError,
    types::{
        AttributeValue, KeysAndAttributes, ReturnValue, ReturnValuesOnConditionCheckFailure,
        TransactWriteItem, Update,
    },
};

use super::{
    Item, Store, StoreError, cancellation_code, email_key, get_n, get_s, member_from_item,
    member_key, n, s, unavailable,
};
use crate::domain::{Email, Member};

fn opt_s(item: &Item, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

fn opt_n(item: &Item, name: &str) -> Option<u64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

fn key(kind: &str, id: &str) -> AttributeValue {
    AttributeValue::S(format!("{kind}#{id}"))
}

fn record(pk: AttributeValue, fields: Vec<(&str, Option<AttributeValue>)>) -> Item {
    let mut item: Item = fields
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name.to_string(), v)))
        .collect();
    item.insert("pk".into(), pk);
    item
}

/// Records created together with a member, in its registration transaction.
pub enum NewRecord {
    Approval {
        token_hash: String,
        member_id: String,
        expires_at: u64,
    },
    Verification(Verification),
}

impl NewRecord {
    pub(crate) fn item(&self) -> Item {
        match self {
            NewRecord::Approval {
                token_hash,
                member_id,
                expires_at,
            } => record(
                key("APPROVAL", token_hash),
                vec![
                    ("memberId", Some(s(member_id))),
                    ("expiresAt", Some(n(*expires_at))),
                ],
            ),
            NewRecord::Verification(v) => v.item(),
        }
    }
}

/// An emailed code waiting to be entered. A decoy (no member) answers exactly like a
/// real one, so registering a taken email reveals nothing.
#[derive(Debug, Clone)]
pub struct Verification {
    pub id: String,
    pub member_id: Option<String>,
    pub code_hash: String,
    pub attempts: u64,
    pub expires_at: u64,
}

impl Verification {
    fn item(&self) -> Item {
        record(
            key("VERIFY", &self.id),
            vec![
                ("memberId", self.member_id.as_deref().map(s)),
                ("codeHash", Some(s(&self.code_hash))),
                ("attempts", Some(n(self.attempts))),
                ("expiresAt", Some(n(self.expires_at))),
            ],
        )
    }

    fn from_item(id: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            id: id.to_string(),
            member_id: opt_s(item, "memberId"),
            code_hash: get_s(item, "codeHash")?.to_string(),
            attempts: get_n(item, "attempts")?,
            expires_at: get_n(item, "expiresAt")?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub code_hash: String,
    pub member_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    /// The session the code will open; named now so a reused code can revoke it.
    pub session_id: String,
    pub token_version: u64,
    pub expires_at: u64,
}

impl AuthCode {
    fn item(&self) -> Item {
        record(
            key("CODE", &self.code_hash),
            vec![
                ("memberId", Some(s(&self.member_id))),
                ("clientId", Some(s(&self.client_id))),
                ("redirectUri", Some(s(&self.redirect_uri))),
                ("codeChallenge", Some(s(&self.code_challenge))),
                ("sessionId", Some(s(&self.session_id))),
                ("tokenVersion", Some(n(self.token_version))),
                ("expiresAt", Some(n(self.expires_at))),
            ],
        )
    }

    fn from_item(code_hash: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            code_hash: code_hash.to_string(),
            member_id: get_s(item, "memberId")?.to_string(),
            client_id: get_s(item, "clientId")?.to_string(),
            redirect_uri: get_s(item, "redirectUri")?.to_string(),
            code_challenge: get_s(item, "codeChallenge")?.to_string(),
            session_id: get_s(item, "sessionId")?.to_string(),
            token_version: get_n(item, "tokenVersion")?,
            expires_at: get_n(item, "expiresAt")?,
        })
    }
}

/// What redeeming an authorization code found.
pub enum Redemption {
    /// First use: the code as stored.
    First(AuthCode),
    /// The code was used before: the caller revokes what it issued.
    Reused(AuthCode),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub member_id: String,
    pub client_id: String,
    pub revoked: bool,
    pub expires_at: u64,
}

impl Session {
    fn item(&self) -> Item {
        record(
            key("SESSION", &self.id),
            vec![
                ("memberId", Some(s(&self.member_id))),
                ("clientId", Some(s(&self.client_id))),
                ("revoked", Some(AttributeValue::Bool(self.revoked))),
                ("expiresAt", Some(n(self.expires_at))),
            ],
        )
    }

    fn from_item(id: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            id: id.to_string(),
            member_id: opt_s(item, "memberId").unwrap_or_default(),
            client_id: opt_s(item, "clientId").unwrap_or_default(),
            revoked: matches!(item.get("revoked"), Some(AttributeValue::Bool(true))),
            expires_at: opt_n(item, "expiresAt").unwrap_or_default(),
        })
    }
}

/// A refresh token's stored form: a member's (bound to a session and token version)
/// or a visitor's.
#[derive(Debug, Clone)]
pub struct RefreshRecord {
    pub token_hash: String,
    pub subject: String,
    pub session_id: Option<String>,
    pub token_version: Option<u64>,
    pub client_id: String,
    pub expires_at: u64,
}

impl RefreshRecord {
    fn item(&self) -> Item {
        record(
            key("REFRESH", &self.token_hash),
            vec![
                ("subject", Some(s(&self.subject))),
                ("sessionId", self.session_id.as_deref().map(s)),
                ("tokenVersion", self.token_version.map(n)),
                ("clientId", Some(s(&self.client_id))),
                ("expiresAt", Some(n(self.expires_at))),
            ],
        )
    }

    fn from_item(token_hash: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            token_hash: token_hash.to_string(),
            subject: get_s(item, "subject")?.to_string(),
            session_id: opt_s(item, "sessionId"),
            token_version: opt_n(item, "tokenVersion"),
            client_id: get_s(item, "clientId")?.to_string(),
            expires_at: get_n(item, "expiresAt")?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Recovery {
    pub token_hash: String,
    pub member_id: String,
    pub redirect_url: Option<String>,
    pub client_id: Option<String>,
    pub expires_at: u64,
}

impl Recovery {
    fn item(&self) -> Item {
        record(
            key("RECOVERY", &self.token_hash),
            vec![
                ("memberId", Some(s(&self.member_id))),
                ("redirectUrl", self.redirect_url.as_deref().map(s)),
                ("clientId", self.client_id.as_deref().map(s)),
                ("expiresAt", Some(n(self.expires_at))),
            ],
        )
    }

    fn from_item(token_hash: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            token_hash: token_hash.to_string(),
            member_id: get_s(item, "memberId")?.to_string(),
            redirect_url: opt_s(item, "redirectUrl"),
            client_id: opt_s(item, "clientId"),
            expires_at: get_n(item, "expiresAt")?,
        })
    }
}

/// A logout redirect session: which session the logout URL ends, and where it goes.
#[derive(Debug, Clone)]
pub struct LogoutRequest {
    pub id: String,
    pub session_id: Option<String>,
    pub client_id: String,
    pub post_flow_url: String,
    pub expires_at: u64,
}

impl LogoutRequest {
    fn item(&self) -> Item {
        record(
            key("LOGOUT", &self.id),
            vec![
                ("sessionId", self.session_id.as_deref().map(s)),
                ("clientId", Some(s(&self.client_id))),
                ("postFlowUrl", Some(s(&self.post_flow_url))),
                ("expiresAt", Some(n(self.expires_at))),
            ],
        )
    }

    fn from_item(id: &str, item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            id: id.to_string(),
            session_id: opt_s(item, "sessionId"),
            client_id: get_s(item, "clientId")?.to_string(),
            post_flow_url: get_s(item, "postFlowUrl")?.to_string(),
            expires_at: get_n(item, "expiresAt")?,
        })
    }
}

impl Store {
    async fn put_new(&self, item: Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Deletes a record and returns it; of concurrent takers exactly one gets it.
    async fn take(&self, pk: AttributeValue) -> Result<Option<Item>, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", pk)
            .condition_expression("attribute_exists(pk)")
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.attributes),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn get(&self, pk: AttributeValue) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", pk)
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item)
    }

    pub async fn put_verification(&self, verification: &Verification) -> Result<(), StoreError> {
        self.put_new(verification.item()).await
    }

    /// Counts one attempt at a code and returns the record, or `None` when it is
    /// unknown or its attempts are spent.
    pub async fn attempt_verification(
        &self,
        id: &str,
        max_attempts: u64,
    ) -> Result<Option<Verification>, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", key("VERIFY", id))
            .update_expression("SET attempts = attempts + :one")
            .condition_expression("attribute_exists(pk) AND attempts < :max")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(max_attempts))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => out
                .attributes
                .as_ref()
                .map(|item| Verification::from_item(id, item))
                .transpose(),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(None)
            }
            Err(err) => Err(unavailable(err)),
        }
    }

    /// Spends a verification; true for the one caller that did.
    pub async fn consume_verification(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.take(key("VERIFY", id)).await?.is_some())
    }

    pub async fn mark_email_verified(
        &self,
        member_id: &str,
        now: &str,
    ) -> Result<Member, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", member_key(member_id))
            .update_expression("SET emailVerified = :yes, updatedDate = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":now", s(now))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(se) if se.is_conditional_check_failed_exception() => StoreError::NotFound,
                _ => unavailable(e),
            })?;
        member_from_item(
            out.attributes
                .as_ref()
                .ok_or_else(|| StoreError::Corrupt("update returned nothing".into()))?,
        )
    }

    pub async fn take_approval_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<super::TakenToken>, StoreError> {
        let Some(item) = self.take(key("APPROVAL", token_hash)).await? else {
            return Ok(None);
        };
        Ok(Some(super::TakenToken {
            member_id: get_s(&item, "memberId")?.to_string(),
            expires_at: get_n(&item, "expiresAt")?,
        }))
    }

    pub async fn put_approval(
        &self,
        token_hash: &str,
        member_id: &str,
        expires_at: u64,
    ) -> Result<(), StoreError> {
        let record = NewRecord::Approval {
            token_hash: token_hash.to_string(),
            member_id: member_id.to_string(),
            expires_at,
        };
        self.put_new(record.item()).await
    }

    pub async fn put_auth_code(&self, code: &AuthCode) -> Result<(), StoreError> {
        self.put_new(code.item()).await
    }

    /// Marks the code used. A second redemption finds it used: `Reused`.
    pub async fn redeem_auth_code(&self, code_hash: &str) -> Result<Redemption, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", key("CODE", code_hash))
            .update_expression("SET used = :yes")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(used)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => {
                let item = out
                    .attributes
                    .ok_or_else(|| StoreError::Corrupt("update returned nothing".into()))?;
                Ok(Redemption::First(AuthCode::from_item(code_hash, &item)?))
            }
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                let UpdateItemError::ConditionalCheckFailedException(failed) = e.into_err() else {
                    unreachable!("matched above")
                };
                match failed.item {
                    Some(item) if !item.is_empty() => {
                        Ok(Redemption::Reused(AuthCode::from_item(code_hash, &item)?))
                    }
                    _ => Ok(Redemption::Unknown),
                }
            }
            Err(err) => Err(unavailable(err)),
        }
    }

    /// Opens a session with its first refresh token, in one transaction.
    pub async fn create_session(
        &self,
        session: &Session,
        refresh: &RefreshRecord,
    ) -> Result<(), StoreError> {
        self.client
            .transact_write_items()
            .transact_items(self.put_if_absent(session.item())?)
            .transact_items(self.put_if_absent(refresh.item())?)
            .send()
            .await
            .map_err(|err| {
                // The session exists already: revoked before it opened (a reused code).
                let cancelled = err
                    .as_service_error()
                    .is_some_and(|e| e.is_transaction_canceled_exception());
                if cancelled {
                    StoreError::StateMismatch(None)
                } else {
                    unavailable(err)
                }
            })?;
        Ok(())
    }

    pub async fn put_refresh(&self, refresh: &RefreshRecord) -> Result<(), StoreError> {
        self.put_new(refresh.item()).await
    }

    pub async fn refresh(&self, token_hash: &str) -> Result<Option<RefreshRecord>, StoreError> {
        self.get(key("REFRESH", token_hash))
            .await?
            .map(|item| RefreshRecord::from_item(token_hash, &item))
            .transpose()
    }

    /// A member and one of its sessions in a single read.
    pub async fn member_and_session(
        &self,
        member_id: &str,
        session_id: &str,
    ) -> Result<(Option<Member>, Option<Session>), StoreError> {
        let keys = KeysAndAttributes::builder()
            .keys(HashMap::from([("pk".to_string(), member_key(member_id))]))
            .keys(HashMap::from([(
                "pk".to_string(),
                key("SESSION", session_id),
            )]))
            .consistent_read(true)
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let out = self
            .client
            .batch_get_item()
            .request_items(&self.table, keys)
            .send()
            .await
            .map_err(unavailable)?;
        if out
            .unprocessed_keys
            .as_ref()
            .is_some_and(|unprocessed| !unprocessed.is_empty())
        {
            return Err(StoreError::Unavailable("batch read throttled".into()));
        }
        let mut member = None;
        let mut session = None;
        for item in out
            .responses
            .and_then(|mut r| r.remove(&self.table))
            .unwrap_or_default()
        {
            match get_s(&item, "pk")? {
                pk if pk.starts_with("MEMBER#") => member = Some(member_from_item(&item)?),
                pk if pk.starts_with("SESSION#") => {
                    session = Some(Session::from_item(session_id, &item)?)
                }
                _ => {}
            }
        }
        Ok((member, session))
    }

    /// Revokes a session. Unconditional on purpose: revoking one that is not open yet
    /// (a reused code's) leaves a revoked marker, and opening it then fails.
    pub async fn revoke_session(&self, session_id: &str) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", key("SESSION", session_id))
            .update_expression("SET revoked = :yes")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    pub async fn put_recovery(&self, recovery: &Recovery) -> Result<(), StoreError> {
        self.put_new(recovery.item()).await
    }

    pub async fn take_recovery(&self, token_hash: &str) -> Result<Option<Recovery>, StoreError> {
        self.take(key("RECOVERY", token_hash))
            .await?
            .map(|item| Recovery::from_item(token_hash, &item))
            .transpose()
    }

    pub async fn put_logout(&self, logout: &LogoutRequest) -> Result<(), StoreError> {
        self.put_new(logout.item()).await
    }

    pub async fn take_logout(&self, id: &str) -> Result<Option<LogoutRequest>, StoreError> {
        self.take(key("LOGOUT", id))
            .await?
            .map(|item| LogoutRequest::from_item(id, &item))
            .transpose()
    }

    /// Sets a new password hash and bumps the token version, in one transaction: every
    /// session and token issued before stops working.
    pub async fn set_password(
        &self,
        member: &Member,
        password_hash: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let update_email = Update::builder()
            .table_name(&self.table)
            .key("pk", email_key(&member.login_email))
            .update_expression("SET passwordHash = :hash")
            .condition_expression("memberId = :id")
            .expression_attribute_values(":hash", s(password_hash))
            .expression_attribute_values(":id", s(&member.id))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let update_member = self.revoking_member_update(&member.id, now, None)?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update_email).build())
            .transact_items(TransactWriteItem::builder().update(update_member).build())
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    fn revoking_member_update(
        &self,
        member_id: &str,
        now: &str,
        new_email: Option<&Email>,
    ) -> Result<Update, StoreError> {
        let mut expression =
            "SET tokenVersion = tokenVersion + :one, updatedDate = :now".to_string();
        let mut update = Update::builder()
            .table_name(&self.table)
            .key("pk", member_key(member_id))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(now));
        if let Some(email) = new_email {
            expression.push_str(", loginEmail = :email");
            update = update.expression_attribute_values(":email", s(email.as_str()));
        }
        update
            .update_expression(expression)
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Moves the member to a new login email: the new claim must be free, the old one
    /// is released, tokens are revoked. One transaction, so no half-moved member.
    pub async fn change_login_email(
        &self,
        member: &Member,
        new_email: &Email,
        now: &str,
    ) -> Result<(), StoreError> {
        let old = self
            .get(email_key(&member.login_email))
            .await?
            .ok_or(StoreError::NotFound)?;
        let password_hash = get_s(&old, "passwordHash")?;
        let delete_old = aws_sdk_dynamodb::types::Delete::builder()
            .table_name(&self.table)
            .key("pk", email_key(&member.login_email))
            .condition_expression("memberId = :id")
            .expression_attribute_values(":id", s(&member.id))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let put_new = self.put_if_absent(HashMap::from([
            ("pk".to_string(), email_key(new_email)),
            ("memberId".to_string(), s(&member.id)),
            ("passwordHash".to_string(), s(password_hash)),
        ]))?;
        let update_member = self.revoking_member_update(&member.id, now, Some(new_email))?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().delete(delete_old).build())
            .transact_items(put_new)
            .transact_items(TransactWriteItem::builder().update(update_member).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => {
                // Step 1 is the new email's claim.
                let new_email_taken = cancellation_code(&err, 1) == Some("ConditionalCheckFailed");
                if new_email_taken {
                    Err(StoreError::EmailTaken)
                } else {
                    Err(unavailable(err))
                }
            }
        }
    }
}
