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

mod directory;
mod records;

use super::{
    AuthCode, BrowserSession, Credentials, Lockout, LogoutRequest, MemberStore, NewRecord,
    Recovery, RefreshRecord, Session, StatusChange, StoreError, TakenToken, Verification,
};
use crate::domain::{Email, Member, MemberStatus};

#[derive(Default)]
pub(super) struct Tables {
    members: HashMap<String, Member>,
    /// Login email → credentials.
    emails: HashMap<String, Credentials>,
    /// Slug → member id.
    slugs: HashMap<String, String>,
    approvals: HashMap<String, TakenToken>,
    verifications: HashMap<String, Verification>,
    /// Code hash → (code, used).
    codes: HashMap<String, (AuthCode, bool)>,
    sessions: HashMap<String, Session>,
    refresh: HashMap<String, RefreshRecord>,
    recoveries: HashMap<String, Recovery>,
    logouts: HashMap<String, LogoutRequest>,
    browsers: HashMap<String, BrowserSession>,
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

pub(super) fn cancelled() -> StoreError {
    StoreError::Unavailable("TransactionCanceledException: transaction cancelled".into())
}

pub(super) fn clone_credentials(c: &Credentials) -> Credentials {
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

pub(super) fn insert_new<V>(
    map: &mut HashMap<String, V>,
    key: &str,
    value: V,
) -> Result<(), StoreError> {
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
        if let Some(claim) = t.emails.get(member.login_email.as_str()) {
            return Err(StoreError::EmailTaken(Some(claim.member_id.clone())));
        }
        let record_exists = records.iter().any(|record| match record {
            NewRecord::Approval { token_hash, .. } => t.approvals.contains_key(token_hash),
            NewRecord::Verification(v) => t.verifications.contains_key(&v.id),
        });
        if t.members.contains_key(&member.id)
            || t.slugs.contains_key(&member.profile.slug)
            || record_exists
        {
            return Err(cancelled());
        }
        t.slugs
            .insert(member.profile.slug.clone(), member.id.clone());
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
        // As DynamoDB: the member read, then the conditional write.
        let mut t = self.call(2)?;
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

    async fn set_muted(
        &self,
        member_id: &str,
        muted: bool,
        now: &str,
    ) -> Result<Member, StoreError> {
        let mut t = self.call(1)?;
        let member = t.members.get_mut(member_id).ok_or(StoreError::NotFound)?;
        member.muted = muted;
        member.updated_date = now.to_string();
        Ok(member.clone())
    }

    async fn disconnect_member(&self, member: &Member, now: &str) -> Result<Member, StoreError> {
        let mut t = self.call(1)?;
        let stored = t.members.get_mut(&member.id).ok_or(StoreError::NotFound)?;
        if stored.status != member.status || stored.privacy_status != member.privacy_status {
            return Err(StoreError::StateMismatch(Some(Box::new(stored.clone()))));
        }
        stored.status = MemberStatus::Offline;
        stored.token_version += 1;
        stored.updated_date = now.to_string();
        let disconnected = stored.clone();
        if t.emails
            .get(member.login_email.as_str())
            .is_some_and(|c| c.member_id == member.id)
        {
            t.emails.remove(member.login_email.as_str());
        }
        Ok(disconnected)
    }

    async fn erase_member(&self, member: &Member) -> Result<usize, StoreError> {
        // As DynamoDB: the index read, the transaction, the index read again (plus a
        // batch write per 25 items, not counted here).
        let mut t = self.call(3)?;
        if t.members.remove(&member.id).is_none() {
            return Err(StoreError::NotFound);
        }
        let id = member.id.as_str();
        let mut erased = 1;
        let mut count = |removed: usize| erased += removed;
        let before = t.emails.len();
        t.emails.retain(|_, c| c.member_id != id);
        count(before - t.emails.len());
        let before = t.slugs.len();
        t.slugs.retain(|_, owner| owner != id);
        count(before - t.slugs.len());
        let before = t.approvals.len();
        t.approvals.retain(|_, a| a.member_id != id);
        count(before - t.approvals.len());
        let before = t.verifications.len();
        t.verifications
            .retain(|_, v| v.member_id.as_deref() != Some(id));
        count(before - t.verifications.len());
        let before = t.codes.len();
        t.codes.retain(|_, (c, _)| c.member_id != id);
        count(before - t.codes.len());
        let before = t.sessions.len();
        t.sessions.retain(|_, s| s.member_id != id);
        count(before - t.sessions.len());
        let before = t.refresh.len();
        t.refresh
            .retain(|_, r| r.session_id.is_none() || r.subject != id);
        count(before - t.refresh.len());
        let before = t.recoveries.len();
        t.recoveries.retain(|_, r| r.member_id != id);
        count(before - t.recoveries.len());
        let before = t.browsers.len();
        t.browsers.retain(|_, b| b.member_id != id);
        count(before - t.browsers.len());
        Ok(erased)
    }

    async fn claim_slug(
        &self,
        member: &Member,
        slug: &str,
        now: &str,
    ) -> Result<Member, StoreError> {
        let mut t = self.call(1)?;
        match t.slugs.get(slug) {
            Some(owner) if owner != &member.id => return Err(StoreError::SlugTaken),
            _ => {}
        }
        if !t.members.contains_key(&member.id) {
            return Err(StoreError::NotFound);
        }
        if t.slugs.get(&member.profile.slug) == Some(&member.id) {
            t.slugs.remove(&member.profile.slug);
        }
        t.slugs.insert(slug.to_string(), member.id.clone());
        let stored = t.members.get_mut(&member.id).ok_or(StoreError::NotFound)?;
        stored.profile.slug = slug.to_string();
        stored.updated_date = now.to_string();
        Ok(stored.clone())
    }

    async fn save_profile(
        &self,
        _before: &Member,
        member: &Member,
        now: &str,
    ) -> Result<Member, StoreError> {
        let mut t = self.call(1)?;
        let stored = t.members.get_mut(&member.id).ok_or(StoreError::NotFound)?;
        let slug = std::mem::take(&mut stored.profile.slug);
        stored.profile = member.profile.clone();
        stored.profile.slug = slug;
        stored.contact_details = member.contact_details.clone();
        stored.privacy_status = member.privacy_status;
        stored.updated_date = now.to_string();
        Ok(stored.clone())
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
        // A read of the old claim, then (when it exists) one transaction.
        let mut t = self.call(1)?;
        let old = t
            .emails
            .get(member.login_email.as_str())
            .map(clone_credentials)
            .ok_or(StoreError::NotFound)?;
        self.calls.fetch_add(1, Ordering::SeqCst);
        if t.emails.contains_key(new_email.as_str()) {
            return Err(StoreError::EmailTaken(None));
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
