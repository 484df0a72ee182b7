//! Brute-force counters in DynamoDB: atomic `ADD`s, so concurrent attempts all count,
//! and a login attempt is counted in the same conditional write that reads its lock.

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::update_item::UpdateItemError,
    types::{AttributeValue, KeysAndAttributes, ReturnValue, ReturnValuesOnConditionCheckFailure},
};

use super::{
    DynamoStore, Item, corrupt, is_condition_failure,
    items::{credentials_from_item, get_n_or_zero, get_s, key_map},
    n, pk, unavailable,
};
use crate::{
    domain::Email,
    store::{
        AccountBudget, Attempt, AttemptRule, CounterStore, Credentials, Lockout, LoginCounters,
        LoginFailure, LoginGate, RateCounter, StoreError,
        keys::{Key, attr},
    },
};

fn lock_key<'a>(counters: &LoginCounters<'a>) -> Key<'a> {
    Key::Lockout {
        raw_email: counters.raw_email,
        source: counters.source,
    }
}

fn account_key<'a>(counters: &LoginCounters<'a>) -> Key<'a> {
    Key::AccountAttempts {
        raw_email: counters.raw_email,
        window: counters.window,
    }
}

fn source_key<'a>(counters: &LoginCounters<'a>) -> Key<'a> {
    Key::SourceFailures {
        source: counters.source,
        window: counters.window,
    }
}

impl CounterStore for DynamoStore {
    async fn begin_login(
        &self,
        email: Option<&Email>,
        counters: &LoginCounters<'_>,
        rule: &AttemptRule,
    ) -> Result<LoginGate, StoreError> {
        // The attempt is counted while the credentials are read: one round trip.
        let (attempt, account, read) = tokio::join!(
            self.count_attempt(counters, rule),
            self.count_account_attempt(counters, rule),
            self.credentials_and_source(email, counters)
        );
        let (credentials, source_failures) = read?;
        Ok(LoginGate {
            credentials,
            attempt: attempt?,
            account: account?,
            source_failures,
        })
    }

    async fn record_login_failure(
        &self,
        counters: &LoginCounters<'_>,
        failure: &LoginFailure,
    ) -> Result<(), StoreError> {
        let source = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(source_key(counters)))
            .update_expression(format!(
                "ADD {} :one SET {} = :exp",
                attr::FAILURES,
                attr::EXPIRES_AT
            ))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(failure.source_expires_at))
            .send();
        let lock = self.change_counter(
            lock_key(counters),
            CounterChange {
                taken: failure.stale,
                forget_lock: failure.stale > 0,
                lock: (failure.locked_until > 0).then_some((failure.locked_until, failure.number)),
            },
        );
        let (source, lock) = tokio::join!(source, lock);
        source.map_err(unavailable)?;
        lock
    }

    async fn release_account_attempt(
        &self,
        counters: &LoginCounters<'_>,
    ) -> Result<(), StoreError> {
        let change = CounterChange {
            taken: 1,
            ..CounterChange::default()
        };
        self.change_counter(account_key(counters), change).await
    }

    async fn release_attempt(
        &self,
        counters: &LoginCounters<'_>,
        stale: u64,
    ) -> Result<(), StoreError> {
        let change = CounterChange {
            taken: stale + 1,
            forget_lock: stale > 0,
            lock: None,
        };
        self.change_counter(lock_key(counters), change).await
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
            Err(err) if is_condition_failure(&err) => Ok(None),
            Err(err) => Err(unavailable(err)),
        }
    }
}

impl DynamoStore {
    /// Adds the attempt if the lock admits it ([`Lockout::admits`], in DynamoDB's
    /// words), reading the counter as it was.
    async fn count_attempt(
        &self,
        counters: &LoginCounters<'_>,
        rule: &AttemptRule,
    ) -> Result<Attempt, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(lock_key(counters)))
            .update_expression(format!(
                "ADD {} :one SET {} = :now, {} = :exp",
                attr::FAILURES,
                attr::LAST_FAILURE,
                attr::EXPIRES_AT
            ))
            .condition_expression(format!(
                "attribute_not_exists({f}) OR {f} < :lockAfter OR {last} < :idleBefore \
                 OR ({until} <= :now AND {for_} = {f})",
                f = attr::FAILURES,
                last = attr::LAST_FAILURE,
                until = attr::LOCKED_UNTIL,
                for_ = attr::LOCKED_FOR,
            ))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", n(rule.now))
            .expression_attribute_values(":exp", n(rule.expires_at))
            .expression_attribute_values(":lockAfter", n(rule.lock_after))
            .expression_attribute_values(":idleBefore", n(rule.idle_before))
            .return_values(ReturnValue::AllOld)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => Ok(lockout_of(out.attributes.as_ref()).count(rule)),
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
                Ok(lockout_of(failed.item.as_ref()).refusal(rule))
            }
            Err(err) => Err(unavailable(err)),
        }
    }

    /// Counts the attempt against the account's budget for the window, unless the
    /// caller is exempt or the budget is spent.
    async fn count_account_attempt(
        &self,
        counters: &LoginCounters<'_>,
        rule: &AttemptRule,
    ) -> Result<AccountBudget, StoreError> {
        let Some(budget) = rule.account_budget else {
            return Ok(AccountBudget::Exempt);
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(account_key(counters)))
            .update_expression(format!(
                "ADD {} :one SET {} = :exp",
                attr::FAILURES,
                attr::EXPIRES_AT
            ))
            .condition_expression(format!(
                "attribute_not_exists({0}) OR {0} < :budget",
                attr::FAILURES
            ))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(rule.account_expires_at))
            .expression_attribute_values(":budget", n(budget))
            .send()
            .await;
        match result {
            Ok(_) => Ok(AccountBudget::Counted),
            Err(err) if is_condition_failure(&err) => Ok(AccountBudget::Spent),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn credentials_and_source(
        &self,
        email: Option<&Email>,
        counters: &LoginCounters<'_>,
    ) -> Result<(Option<Credentials>, u64), StoreError> {
        let source_pk = source_key(counters).pk();
        let email_pk = email.map(|e| Key::Email(e).pk());
        let mut keys = KeysAndAttributes::builder()
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
        Ok((credentials, get_n_or_zero(find(&source_pk), attr::FAILURES)))
    }

    /// Changes a login counter, if it still exists (a right password may have ended
    /// the run meanwhile: then there is nothing to change).
    async fn change_counter(&self, key: Key<'_>, change: CounterChange) -> Result<(), StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(key))
            .condition_expression(format!("attribute_exists({})", attr::FAILURES));
        let mut expression = Vec::new();
        if change.taken > 0 {
            expression.push(format!("ADD {} :taken", attr::FAILURES));
            update = update.expression_attribute_values(":taken", minus(change.taken));
        }
        if let Some((until, number)) = change.lock {
            expression.push(format!(
                "SET {} = :until, {} = :for",
                attr::LOCKED_UNTIL,
                attr::LOCKED_FOR
            ));
            update = update
                .expression_attribute_values(":until", n(until))
                .expression_attribute_values(":for", n(number));
        } else if change.forget_lock {
            expression.push(format!("REMOVE {}", attr::LOCKED_FOR));
        }
        if expression.is_empty() {
            return Ok(());
        }
        match update.update_expression(expression.join(" ")).send().await {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(unavailable(err)),
        }
    }
}

/// What a login's outcome changes in one of its counters.
#[derive(Default)]
struct CounterChange {
    /// Attempts that come off the count: an ended run's, or a refused attempt's.
    taken: u64,
    /// The ended run's lock no longer applies.
    forget_lock: bool,
    /// The lock this failure sets: until when, for which attempt.
    lock: Option<(u64, u64)>,
}

fn minus(value: u64) -> AttributeValue {
    AttributeValue::N(format!("-{value}"))
}

fn lockout_of(item: Option<&Item>) -> Lockout {
    Lockout {
        failures: get_n_or_zero(item, attr::FAILURES),
        last_failure: get_n_or_zero(item, attr::LAST_FAILURE),
        locked_until: get_n_or_zero(item, attr::LOCKED_UNTIL),
        locked_for: get_n_or_zero(item, attr::LOCKED_FOR),
    }
}
