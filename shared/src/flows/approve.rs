//! Approving pending members: by the emailed token, or by the site (privileged).

use crate::{
    App,
    app::Backend,
    domain::{Email, MemberStatus, token::token_hash},
    error::ApiError,
    store::{Expected, MemberStore, RecordStore, StatusChange, StoreResultExt},
    telemetry::{SecurityEvent, security_event},
};

use super::session;

/// `approveByToken`: the token is taken atomically, so it works once even
/// under concurrent use; expiry is checked here, not left to DynamoDB's TTL.
pub async fn by_token<B: Backend>(app: &App<B>, token: &str) -> Result<String, ApiError> {
    let taken = app
        .store
        .take_approval(&token_hash(token))
        .await?
        .ok_or(ApiError::InvalidApprovalToken)?;
    if taken.expires_at <= app.clock.now() {
        return Err(ApiError::InvalidApprovalToken);
    }
    let change = StatusChange {
        to: MemberStatus::Approved,
        only_from: &[MemberStatus::Pending],
        revoke_tokens: false,
        now: &app.clock.timestamp(),
    };
    let member = app
        .store
        .update_member_status(&taken.member_id, change)
        .await
        .on_expected(|expected| match expected {
            Expected::StateMismatch(Some(member)) if member.status == MemberStatus::Blocked => {
                ApiError::MemberBlocked
            }
            // Already approved by other means: the token is spent but grants nothing more.
            _ => ApiError::InvalidApprovalToken,
        })?;
    security_event(SecurityEvent::MemberApproved, Some(&member.id), None);
    session::issue_for(app, &member)
}

/// `approveByEmail` (privileged): approves a pending member or unblocks a blocked one.
pub async fn by_email<B: Backend>(app: &App<B>, email: &Email) -> Result<String, ApiError> {
    let credentials = app
        .store
        .credentials(email)
        .await?
        .ok_or(ApiError::MemberNotFound)?;
    by_id(app, &credentials.member_id).await
}

/// The same approval of the member with id `member_id` (privileged).
pub async fn by_id<B: Backend>(app: &App<B>, member_id: &str) -> Result<String, ApiError> {
    let member = approve_member(app, member_id).await?;
    session::issue_for(app, &member)
}

/// `approveMember` (privileged): approves (or unblocks) the member and answers it.
pub async fn approve_member<B: Backend>(
    app: &App<B>,
    member_id: &str,
) -> Result<crate::domain::Member, ApiError> {
    // Not a disconnected member: that is final.
    let change = StatusChange {
        to: MemberStatus::Approved,
        only_from: &[
            MemberStatus::Approved,
            MemberStatus::Pending,
            MemberStatus::Blocked,
        ],
        revoke_tokens: false,
        now: &app.clock.timestamp(),
    };
    let member = app
        .store
        .update_member_status(member_id, change)
        .await
        .on_expected(|_| ApiError::MemberNotFound)?;
    security_event(SecurityEvent::MemberApproved, Some(&member.id), None);
    Ok(member)
}
