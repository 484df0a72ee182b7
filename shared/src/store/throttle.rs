//! Counters against brute force, kept atomically in the table:
//!
//! | pk                          | counts                                               |
//! |-----------------------------|------------------------------------------------------|
//! | `LOCK#<sha256(email, ip)>`  | consecutive failed logins of one account from one source |
//! | `IPFAIL#<ip>#<window>`      | failed logins of one source, any account, per window |
//! | `RATE#<kind>#<ip>#<window>` | requests of one kind from one source, per window     |

use std::collections::HashMap;

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::update_item::UpdateItemError,
    types::{AttributeValue, KeysAndAttributes, TransactWriteItem, Update},
};

use super::{Credentials, Item, Store, StoreError, email_key, get_n, get_s, n, unavailable};
use crate::domain::Email;

fn get_n_or_zero(item: Option<&Item>, name: &str) -> u64 {
    item.and_then(|i| get_n(i, name).ok()).unwrap_or(0)
}

/// The lockout state of one account from one source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lockout {
    pub failures: u64,
    pub last_failure: u64,
    pub locked_until: u64,
}

/// What a login needs to know before it checks a password: one read.
pub struct LoginGate {
    pub credentials: Option<Credentials>,
    pub lockout: Lockout,
    pub source_failures: u64,
}

impl Store {
    pub async fn login_gate(
        &self,
        email: Option<&Email>,
        lock_key: &str,
        source_key: &str,
    ) -> Result<LoginGate, StoreError> {
        let mut keys = KeysAndAttributes::builder()
            .keys(HashMap::from([(
                "pk".to_string(),
                AttributeValue::S(lock_key.into()),
            )]))
            .keys(HashMap::from([(
                "pk".to_string(),
                AttributeValue::S(source_key.into()),
            )]))
            .consistent_read(true);
        if let Some(email) = email {
            keys = keys.keys(HashMap::from([("pk".to_string(), email_key(email))]));
        }
        let out = self
            .client
            .batch_get_item()
            .request_items(
                &self.table,
                keys.build()
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            )
            .send()
            .await
            .map_err(unavailable)?;
        if out.unprocessed_keys.as_ref().is_some_and(|u| !u.is_empty()) {
            return Err(StoreError::Unavailable("batch read throttled".into()));
        }
        let items = out
            .responses
            .and_then(|mut r| r.remove(&self.table))
            .unwrap_or_default();
        let find = |pk: &str| items.iter().find(|i| get_s(i, "pk").is_ok_and(|v| v == pk));
        let credentials = match email.and_then(|e| find(&format!("EMAIL#{}", e.as_str()))) {
            Some(item) => Some(Credentials {
                member_id: get_s(item, "memberId")?.to_string(),
                password_hash: get_s(item, "passwordHash")?.to_string(),
            }),
            None => None,
        };
        let lock = find(lock_key);
        Ok(LoginGate {
            credentials,
            lockout: Lockout {
                failures: get_n_or_zero(lock, "failures"),
                last_failure: get_n_or_zero(lock, "lastFailure"),
                locked_until: get_n_or_zero(lock, "lockedUntil"),
            },
            source_failures: get_n_or_zero(find(source_key), "failures"),
        })
    }

    /// Counts a failed login against the account-from-source and the source, in one
    /// transaction. Counts are atomic increments (`ADD`), so concurrent failures are
    /// all counted; `restart` begins a new run after an idle period.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_login_failure(
        &self,
        lock_key: &str,
        restart: bool,
        locked_until: u64,
        lock_expires_at: u64,
        source_key: &str,
        source_expires_at: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        let lock_expression = if restart {
            "SET failures = :one, lastFailure = :now, lockedUntil = :until, expiresAt = :exp"
        } else {
            "ADD failures :one SET lastFailure = :now, lockedUntil = :until, expiresAt = :exp"
        };
        let lock = Update::builder()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(lock_key.into()))
            .update_expression(lock_expression)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":until", n(locked_until))
            .expression_attribute_values(":exp", n(lock_expires_at))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let source = Update::builder()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(source_key.into()))
            .update_expression("ADD failures :one SET expiresAt = :exp")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(source_expires_at))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(lock).build())
            .transact_items(TransactWriteItem::builder().update(source).build())
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    pub async fn clear_lockout(&self, lock_key: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(lock_key.into()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Counts one request in a fixed window and returns its number in the window, or
    /// `None` once `limit` is reached. One conditional atomic increment, so concurrent
    /// requests cannot overshoot.
    pub async fn take_rate(
        &self,
        key: &str,
        limit: u64,
        expires_at: u64,
    ) -> Result<Option<u64>, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(key.into()))
            .update_expression("ADD hits :one SET expiresAt = :exp")
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .condition_expression("attribute_not_exists(hits) OR hits < :limit")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(expires_at))
            .expression_attribute_values(":limit", n(limit))
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(get_n_or_zero(out.attributes.as_ref(), "hits"))),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(None)
            }
            Err(err) => Err(unavailable(err)),
        }
    }
}
