//! Single-use records, sessions and counters in memory.

use super::{MemoryStore, insert_new};
use crate::{
    domain::{Email, Member},
    store::{
        AccountBudget, AttemptRule, AuthCode, BrowserSession, CounterStore, LoginCounters,
        LoginFailure, LoginGate, LogoutRequest, RateCounter, RecordStore, Recovery, Redemption,
        RefreshRecord, Session, SessionStore, StoreError, TakenToken, Verification, keys::Key,
    },
};

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
        if let Some(member_id) = &verification.member_id {
            // One transaction: the new record and the member's link to it, or nothing.
            if t.verifications.contains_key(&verification.id) || !t.members.contains_key(member_id)
            {
                return Err(super::cancelled());
            }
            if let Some(member) = t.members.get_mut(member_id) {
                member.pending_verification = Some(verification.id.clone());
            }
        }
        insert_new(&mut t.verifications, &verification.id, verification.clone())
    }

    async fn restart_verification(
        &self,
        id: &str,
        member_id: &str,
        code_hash: &str,
        expires_at: u64,
    ) -> Result<bool, StoreError> {
        let mut t = self.call(1)?;
        match t.verifications.get_mut(id) {
            Some(v) if v.member_id.as_deref() == Some(member_id) => {
                v.code_hash = code_hash.to_string();
                v.attempts = 0;
                v.expires_at = expires_at;
                Ok(true)
            }
            _ => Ok(false),
        }
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

    async fn put_recovery_beside_decoy(
        &self,
        recovery: &Recovery,
        decoy: &Verification,
    ) -> Result<(), StoreError> {
        if decoy.member_id.is_some() {
            return Err(StoreError::Corrupt(
                "a decoy verification names no member".into(),
            ));
        }
        let mut t = self.call(1)?;
        insert_new(&mut t.recoveries, &recovery.token_hash, recovery.clone())?;
        insert_new(&mut t.verifications, &decoy.id, decoy.clone())
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

    async fn carry_session(
        &self,
        session_id: &str,
        token_version: u64,
    ) -> Result<bool, StoreError> {
        let mut t = self.call(1)?;
        match t.sessions.get_mut(session_id) {
            // A revoked marker (no member) is no open session.
            Some(s) if !s.revoked && !s.member_id.is_empty() => {
                s.token_version = Some(token_version);
                Ok(true)
            }
            _ => Ok(false),
        }
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
                token_version: None,
            })
            .revoked = true;
        Ok(())
    }

    async fn put_browser_session(&self, browser: &BrowserSession) -> Result<(), StoreError> {
        insert_new(
            &mut self.call(1)?.browsers,
            &browser.token_hash,
            browser.clone(),
        )
    }

    async fn browser_session(
        &self,
        token_hash: &str,
    ) -> Result<Option<BrowserSession>, StoreError> {
        Ok(self.call(1)?.browsers.get(token_hash).cloned())
    }

    async fn end_browser_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.call(1)?.browsers.remove(token_hash);
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

fn account_pk(counters: &LoginCounters<'_>) -> String {
    Key::AccountAttempts {
        raw_email: counters.raw_email,
        window: counters.window,
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
    async fn begin_login(
        &self,
        email: Option<&Email>,
        counters: &LoginCounters<'_>,
        rule: &AttemptRule,
    ) -> Result<LoginGate, StoreError> {
        let mut t = self.call(2 + usize::from(rule.account_budget.is_some()))?;
        let account = match rule.account_budget {
            None => AccountBudget::Exempt,
            Some(budget) => {
                // As DynamoDB's `attribute_not_exists(failures) OR failures < :budget`.
                let tried = t.counts.entry(account_pk(counters)).or_default();
                if *tried > 0 && *tried >= budget {
                    AccountBudget::Spent
                } else {
                    *tried += 1;
                    AccountBudget::Counted
                }
            }
        };
        let lock = t.lockouts.entry(lock_pk(counters)).or_default();
        let attempt = if lock.admits(rule) {
            let attempt = lock.count(rule);
            lock.failures += 1;
            lock.last_failure = rule.now;
            attempt
        } else {
            lock.refusal(rule)
        };
        Ok(LoginGate {
            credentials: email
                .and_then(|e| t.emails.get(e.as_str()))
                .map(super::clone_credentials),
            attempt,
            account,
            source_failures: t.counts.get(&source_pk(counters)).copied().unwrap_or(0),
        })
    }

    async fn record_login_failure(
        &self,
        counters: &LoginCounters<'_>,
        failure: &LoginFailure,
    ) -> Result<(), StoreError> {
        let lock_changes = failure.stale > 0 || failure.locked_until > 0;
        let mut t = self.call(1 + usize::from(lock_changes))?;
        *t.counts.entry(source_pk(counters)).or_default() += 1;
        if let Some(lock) = t.lockouts.get_mut(&lock_pk(counters)) {
            lock.failures -= failure.stale.min(lock.failures);
            if failure.stale > 0 {
                lock.locked_for = 0;
            }
            if failure.locked_until > 0 {
                lock.locked_until = failure.locked_until;
                lock.locked_for = failure.number;
            }
        }
        Ok(())
    }

    async fn release_account_attempt(
        &self,
        counters: &LoginCounters<'_>,
    ) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        if let Some(tried) = t.counts.get_mut(&account_pk(counters)) {
            *tried = tried.saturating_sub(1);
        }
        Ok(())
    }

    async fn release_attempt(
        &self,
        counters: &LoginCounters<'_>,
        stale: u64,
    ) -> Result<(), StoreError> {
        let mut t = self.call(1)?;
        if let Some(lock) = t.lockouts.get_mut(&lock_pk(counters)) {
            lock.failures -= (stale + 1).min(lock.failures);
            if stale > 0 {
                lock.locked_for = 0;
            }
        }
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
