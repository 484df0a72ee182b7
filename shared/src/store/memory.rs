//! An in-memory store with DynamoDB's semantics, for fast flow tests and benchmarks:
//! one lock over every table, so each call is atomic and a "transaction" applies all
//! or nothing; conditional writes fail as the DynamoDB store's do. It counts calls as
//! DynamoDB would be called, so flows' call budgets can be asserted without a stack.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
};

use super::{
    AuthCode, CounterStore, Credentials, Lockout, LoginCounters, LoginFailure, LoginGate,
    LogoutRequest, MemberStore, NewRecord, RateCounter, RecordStore, Recovery, Redemption,
    RefreshRecord, Session, SessionStore, StatusChange, StoreError, TakenToken, Verification,
    keys::Key,
};
use crate::domain::{Email, Member, MemberStatus};

#[derive(Default)]
struct Tables {
    members: HashMap<String, Member>,
    /// Login email → credentials.
    emails: HashMap<String, Credentials>,
    approvals: HashMap<String, TakenToken>,
    verifications: HashMap<String, Verification>,
    /// Code hash → (code, used).
    codes: HashMap<String, (AuthCode, bool)>,
    sessions: HashMap<String, Session>,
    refresh: HashMap<String, RefreshRecord>,
    recoveries: HashMap<String, Recovery>,
    logouts: HashMap<String, LogoutRequest>,
    /// Counters by their table key: lockouts, source failures and rates.
    lockouts: HashMap<String, Lockout>,
    counts: HashMap<String, u64>,
}

#[derive(Clone, Default)]
pub struct MemoryStore {
    tables: Arc<Mutex<Tables>>,
    calls: Arc<AtomicUsize>,
    unavailable: Arc<AtomicBool>,
}

/// What DynamoDB answers a write whose condition failed outside an expected case.
fn condition_failed() -> StoreError {
    StoreError::Unavailable(
        "ConditionalCheckFailedException: the conditional request failed".into(),
    )
}

fn cancelled() -> StoreError {
    StoreError::Unavailable("TransactionCanceledException: transaction cancelled".into())
}

fn clone_credentials(c: &Credentials) -> Credentials {
    Credentials {
        member_id: c.member_id.clone(),
        password_hash: c.password_hash.clone(),
    }
}

impl MemoryStore {
    /// The DynamoDB calls made so far, as the DynamoDB store would make them.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Every call fails as with DynamoDB down (true) or works again (false).
    pub fn set_unavailable(&self, down: bool) {
        self.unavailable.store(down, Ordering::SeqCst);
    }

    /// One DynamoDB call's worth: counts it, and locks the tables.
    fn call(&self, dynamodb_calls: usize) -> Result<MutexGuard<'_, Tables>, StoreError> {
        self.calls.fetch_add(dynamodb_calls, Ordering::SeqCst);
        if self.unavailable.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable(
                "DynamoDB is down (in-memory store)".into(),
            ));
        }
        // A panic elsewhere while holding the lock leaves consistent maps (every change
        // is applied after its checks), so a poisoned lock is still usable.
        Ok(self.tables.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn insert_new<V>(map: &mut HashMap<String, V>, key: &str, value: V) -> Result<(), StoreError> {
    if map.contains_key(key) {
        return Err(condition_failed());
    }
    map.insert(key.to_string(), value);
    Ok(())
}

impl MemberStore for MemoryStore {
    async fn credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        Ok(self
            .call(1)?
            .emails
            .get(email.as_str())
            .map(clone_credentials))
    }

    async fn member(&self, id: &str) -> Result<Option<Member>, StoreError> {
        Ok(self.call(1)?.members.get(id).cloned())
    }

    async fn create_member(
        &self,
        member: &Member,
        password_hash: &str,
        records: &[NewRecord],
    ) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        if t.emails.contains_key(member.login_email.as_str()) {
            return Err(StoreError::EmailTaken);
        }
        let record_exists = records.iter().any(|record| match record {
            NewRecord::Approval { token_hash, .. } => t.approvals.contains_key(token_hash),
            NewRecord::Verification(v) => t.verifications.contains_key(&v.id),
        });
        if t.members.contains_key(&member.id) || record_exists {
            return Err(cancelled());
        }
        t.emails.insert(
            member.login_email.as_str().to_string(),
            Credentials {
                member_id: member.id.clone(),
                password_hash: password_hash.to_string(),
            },
        );
        t.members.insert(member.id.clone(), member.clone());
        for record in records {
            match record {
                NewRecord::Approval {
                    token_hash,
                    member_id,
                    expires_at,
                } => {
                    let token = TakenToken {
                        member_id: member_id.clone(),
                        expires_at: *expires_at,
                    };
                    t.approvals.insert(token_hash.clone(), token);
                }
                NewRecord::Verification(v) => {
                    t.verifications.insert(v.id.clone(), v.clone());
                }
            }
        }
        Ok(())
    }

    async fn record_login(&self, member_id: &str, now: &str) -> Result<Member, StoreError> {
        let mut t = self.call(1)?;
        let member = t.members.get_mut(member_id).ok_or(StoreError::NotFound)?;
        if member.status != MemberStatus::Approved || !member.email_verified {
            return Err(StoreError::StateMismatch(Some(Box::new(member.clone()))));
        }
        member.last_login_date = Some(now.to_string());
        Ok(member.clone())
    }

    async fn update_member_status(
        &self,
        member_id: &str,
        change: StatusChange<'_>,
    ) -> Result<Member, StoreError> {
        let mut t = self.call(1)?;
        let member = t.members.get_mut(member_id).ok_or(StoreError::NotFound)?;
        if !change.only_from.is_empty() && !change.only_from.contains(&member.status) {
            return Err(StoreError::StateMismatch(Some(Box::new(member.clone()))));
        }
        member.status = change.to;
        member.updated_date = change.now.to_string();
        if change.revoke_tokens {
            member.token_version += 1;
        }
        Ok(member.clone())
    }

    async fn mark_email_verified(&self, member_id: &str, now: &str) -> Result<Member, StoreError> {
        let mut t = self.call(1)?;
        let member = t.members.get_mut(member_id).ok_or(StoreError::NotFound)?;
        member.email_verified = true;
        member.updated_date = now.to_string();
        Ok(member.clone())
    }

    async fn set_password(
        &self,
        member: &Member,
        password_hash: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        let claimed = t
            .emails
            .get(member.login_email.as_str())
            .is_some_and(|c| c.member_id == member.id);
        if !claimed || !t.members.contains_key(&member.id) {
            return Err(cancelled());
        }
        if let Some(claim) = t.emails.get_mut(member.login_email.as_str()) {
            claim.password_hash = password_hash.to_string();
        }
        if let Some(stored) = t.members.get_mut(&member.id) {
            stored.token_version += 1;
            stored.updated_date = now.to_string();
        }
        Ok(())
    }

    async fn change_login_email(
        &self,
        member: &Member,
        new_email: &Email,
        now: &str,
    ) -> Result<(), StoreError> {
        // A read of the old claim, then one transaction.
        let mut t = self.call(2)?;
        let old = t
            .emails
            .get(member.login_email.as_str())
            .map(clone_credentials)
            .ok_or(StoreError::NotFound)?;
        if t.emails.contains_key(new_email.as_str()) {
            return Err(StoreError::EmailTaken);
        }
        if old.member_id != member.id || !t.members.contains_key(&member.id) {
            return Err(cancelled());
        }
        t.emails.remove(member.login_email.as_str());
        t.emails.insert(new_email.as_str().to_string(), old);
        if let Some(stored) = t.members.get_mut(&member.id) {
            stored.token_version += 1;
            stored.updated_date = now.to_string();
            stored.login_email = new_email.clone();
        }
        Ok(())
    }
}

impl RecordStore for MemoryStore {
    async fn put_approval(
        &self,
        token_hash: &str,
        member_id: &str,
        expires_at: u64,
    ) -> Result<(), StoreError> {
        let token = TakenToken {
            member_id: member_id.to_string(),
            expires_at,
        };
        insert_new(&mut self.call(1)?.approvals, token_hash, token)
    }

    async fn take_approval(&self, token_hash: &str) -> Result<Option<TakenToken>, StoreError> {
        Ok(self.call(1)?.approvals.remove(token_hash))
    }

    async fn put_verification(&self, verification: &Verification) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        insert_new(&mut t.verifications, &verification.id, verification.clone())
    }

    async fn attempt_verification(
        &self,
        id: &str,
        max_attempts: u64,
    ) -> Result<Option<Verification>, StoreError> {
        let mut t = self.call(1)?;
        Ok(t.verifications
            .get_mut(id)
            .filter(|v| v.attempts < max_attempts)
            .map(|v| {
                v.attempts += 1;
                v.clone()
            }))
    }

    async fn consume_verification(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.call(1)?.verifications.remove(id).is_some())
    }

    async fn put_auth_code(&self, code: &AuthCode) -> Result<(), StoreError> {
        insert_new(
            &mut self.call(1)?.codes,
            &code.code_hash,
            (code.clone(), false),
        )
    }

    async fn redeem_auth_code(&self, code_hash: &str) -> Result<Redemption, StoreError> {
        let mut t = self.call(1)?;
        Ok(match t.codes.get_mut(code_hash) {
            None => Redemption::Unknown,
            Some((code, true)) => Redemption::Reused(code.clone()),
            Some((code, used)) => {
                *used = true;
                Redemption::First(code.clone())
            }
        })
    }

    async fn put_recovery(&self, recovery: &Recovery) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        insert_new(&mut t.recoveries, &recovery.token_hash, recovery.clone())
    }

    async fn take_recovery(&self, token_hash: &str) -> Result<Option<Recovery>, StoreError> {
        Ok(self.call(1)?.recoveries.remove(token_hash))
    }

    async fn put_logout(&self, logout: &LogoutRequest) -> Result<(), StoreError> {
        insert_new(&mut self.call(1)?.logouts, &logout.id, logout.clone())
    }

    async fn take_logout(&self, id: &str) -> Result<Option<LogoutRequest>, StoreError> {
        Ok(self.call(1)?.logouts.remove(id))
    }
}

impl SessionStore for MemoryStore {
    async fn create_session(
        &self,
        session: &Session,
        refresh: &RefreshRecord,
    ) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        if t.sessions.contains_key(&session.id) || t.refresh.contains_key(&refresh.token_hash) {
            return Err(StoreError::StateMismatch(None));
        }
        t.sessions.insert(session.id.clone(), session.clone());
        t.refresh
            .insert(refresh.token_hash.clone(), refresh.clone());
        Ok(())
    }

    async fn put_refresh(&self, refresh: &RefreshRecord) -> Result<(), StoreError> {
        insert_new(
            &mut self.call(1)?.refresh,
            &refresh.token_hash,
            refresh.clone(),
        )
    }

    async fn refresh(&self, token_hash: &str) -> Result<Option<RefreshRecord>, StoreError> {
        Ok(self.call(1)?.refresh.get(token_hash).cloned())
    }

    async fn member_and_session(
        &self,
        member_id: &str,
        session_id: &str,
    ) -> Result<(Option<Member>, Option<Session>), StoreError> {
        let t = self.call(1)?;
        Ok((
            t.members.get(member_id).cloned(),
            t.sessions.get(session_id).cloned(),
        ))
    }

    async fn revoke_session(&self, session_id: &str) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        t.sessions
            .entry(session_id.to_string())
            .or_insert_with(|| Session {
                id: session_id.to_string(),
                member_id: String::new(),
                client_id: String::new(),
                revoked: true,
                expires_at: 0,
            })
            .revoked = true;
        Ok(())
    }
}

fn lock_pk(counters: &LoginCounters<'_>) -> String {
    Key::Lockout {
        raw_email: counters.raw_email,
        source: counters.source,
    }
    .pk()
}

fn source_pk(counters: &LoginCounters<'_>) -> String {
    Key::SourceFailures {
        source: counters.source,
        window: counters.window,
    }
    .pk()
}

impl CounterStore for MemoryStore {
    async fn login_gate(
        &self,
        email: Option<&Email>,
        counters: &LoginCounters<'_>,
    ) -> Result<LoginGate, StoreError> {
        let t = self.call(1)?;
        Ok(LoginGate {
            credentials: email
                .and_then(|e| t.emails.get(e.as_str()))
                .map(clone_credentials),
            lockout: t
                .lockouts
                .get(&lock_pk(counters))
                .copied()
                .unwrap_or_default(),
            source_failures: t.counts.get(&source_pk(counters)).copied().unwrap_or(0),
        })
    }

    async fn record_login_failure(
        &self,
        counters: &LoginCounters<'_>,
        failure: &LoginFailure,
    ) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        let lock = t.lockouts.entry(lock_pk(counters)).or_default();
        lock.failures = if failure.restart {
            1
        } else {
            lock.failures + 1
        };
        lock.last_failure = failure.now;
        lock.locked_until = failure.locked_until;
        *t.counts.entry(source_pk(counters)).or_default() += 1;
        Ok(())
    }

    async fn clear_lockout(&self, counters: &LoginCounters<'_>) -> Result<(), StoreError> {
        self.call(1)?.lockouts.remove(&lock_pk(counters));
        Ok(())
    }

    async fn take_rate(
        &self,
        counter: &RateCounter<'_>,
        limit: u64,
        _expires_at: u64,
    ) -> Result<Option<u64>, StoreError> {
        let key = Key::Rate {
            kind: counter.kind,
            source: counter.source,
            window: counter.window,
        }
        .pk();
        let mut t = self.call(1)?;
        let hits = t.counts.entry(key).or_default();
        // As DynamoDB's `attribute_not_exists(hits) OR hits < :limit`: the first
        // request of a window always counts.
        if *hits > 0 && *hits >= limit {
            return Ok(None);
        }
        *hits += 1;
        Ok(Some(*hits))
    }
}
