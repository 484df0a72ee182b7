//! Brute-force counters in DynamoDB: atomic `ADD`s, so concurrent failures all count.

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::update_item::UpdateItemError,
    types::{KeysAndAttributes, ReturnValue, TransactWriteItem, Update},
};

use super::{
    DynamoStore, corrupt,
    items::{credentials_from_item, get_n_or_zero, get_s, key_map},
    n, pk, unavailable,
};
use crate::{
    domain::Email,
    store::{
        CounterStore, Lockout, LoginCounters, LoginFailure, LoginGate, RateCounter, StoreError,
        keys::{Key, attr},
    },
};

fn lock_key<'a>(counters: &LoginCounters<'a>) -> Key<'a> {
    Key::Lockout {
        raw_email: counters.raw_email,
        source: counters.source,
    }
}

fn source_key<'a>(counters: &LoginCounters<'a>) -> Key<'a> {
    Key::SourceFailures {
        source: counters.source,
        window: counters.window,
    }
}

impl CounterStore for DynamoStore {
    async fn login_gate(
        &self,
        email: Option<&Email>,
        counters: &LoginCounters<'_>,
    ) -> Result<LoginGate, StoreError> {
        let lock_pk = lock_key(counters).pk();
        let source_pk = source_key(counters).pk();
        let email_pk = email.map(|e| Key::Email(e).pk());
        let mut keys = KeysAndAttributes::builder()
            .keys(key_map(lock_key(counters)))
            .keys(key_map(source_key(counters)))
            .consistent_read(true);
        if let Some(email) = email {
            keys = keys.keys(key_map(Key::Email(email)));
        }
        let out = self
            .client
            .batch_get_item()
            .request_items(&self.table, keys.build().map_err(corrupt)?)
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
        let find = |wanted: &str| {
            items
                .iter()
                .find(|i| get_s(i, attr::PK).is_ok_and(|v| v == wanted))
        };
        let credentials = email_pk
            .as_deref()
            .and_then(find)
            .map(credentials_from_item)
            .transpose()?;
        let lock = find(&lock_pk);
        Ok(LoginGate {
            credentials,
            lockout: Lockout {
                failures: get_n_or_zero(lock, attr::FAILURES),
                last_failure: get_n_or_zero(lock, attr::LAST_FAILURE),
                locked_until: get_n_or_zero(lock, attr::LOCKED_UNTIL),
            },
            source_failures: get_n_or_zero(find(&source_pk), attr::FAILURES),
        })
    }

    async fn record_login_failure(
        &self,
        counters: &LoginCounters<'_>,
        failure: &LoginFailure,
    ) -> Result<(), StoreError> {
        let set = format!(
            "{} = :now, {} = :until, {} = :exp",
            attr::LAST_FAILURE,
            attr::LOCKED_UNTIL,
            attr::EXPIRES_AT
        );
        let lock_expression = if failure.restart {
            format!("SET {} = :one, {set}", attr::FAILURES)
        } else {
            format!("ADD {} :one SET {set}", attr::FAILURES)
        };
        let lock = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(lock_key(counters)))
            .update_expression(lock_expression)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", n(failure.now))
            .expression_attribute_values(":until", n(failure.locked_until))
            .expression_attribute_values(":exp", n(failure.lock_expires_at))
            .build()
            .map_err(corrupt)?;
        let source = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(source_key(counters)))
            .update_expression(format!(
                "ADD {} :one SET {} = :exp",
                attr::FAILURES,
                attr::EXPIRES_AT
            ))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(failure.source_expires_at))
            .build()
            .map_err(corrupt)?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(lock).build())
            .transact_items(TransactWriteItem::builder().update(source).build())
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn clear_lockout(&self, counters: &LoginCounters<'_>) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(attr::PK, pk(lock_key(counters)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn take_rate(
        &self,
        counter: &RateCounter<'_>,
        limit: u64,
        expires_at: u64,
    ) -> Result<Option<u64>, StoreError> {
        let key = Key::Rate {
            kind: counter.kind,
            source: counter.source,
            window: counter.window,
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(key))
            .update_expression(format!(
                "ADD {} :one SET {} = :exp",
                attr::HITS,
                attr::EXPIRES_AT
            ))
            .return_values(ReturnValue::UpdatedNew)
            .condition_expression(format!(
                "attribute_not_exists({0}) OR {0} < :limit",
                attr::HITS
            ))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(expires_at))
            .expression_attribute_values(":limit", n(limit))
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(get_n_or_zero(out.attributes.as_ref(), attr::HITS))),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(None)
            }
            Err(err) => Err(unavailable(err)),
        }
    }
}
