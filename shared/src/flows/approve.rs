use tracing::info;

use crate::{
    App,
    domain::{Email, MemberStatus, token::token_hash},
    error::ApiError,
    store::{StatusChange, StoreError},
};

use super::{epoch_seconds, session, timestamp};

/// `approveByToken`: the token is taken (deleted) atomically, so it works once even
/// under concurrent use; expiry is checked here, not left to DynamoDB's TTL.
pub async fn by_token(app: &App, token: &str) -> Result<String, ApiError> {
    let taken = app
        .store
        .take_approval_token(&token_hash(token))
        .await?
        .ok_or(ApiError::InvalidApprovalToken)?;
    if taken.expires_at <= epoch_seconds() {
        return Err(ApiError::InvalidApprovalToken);
    }
    let change = StatusChange {
        to: MemberStatus::Approved,
        only_from: &[MemberStatus::Pending],
        revoke_tokens: false,
        now: &timestamp(),
    };
    match app
        .store
        .update_member_status(&taken.member_id, change)
        .await
    {
        Ok(member) => {
            info!(member_id = %member.id, "member approved by token");
            session::issue_for(app, &member)
        }
        Err(StoreError::StateMismatch(Some(member))) if member.status == MemberStatus::Blocked => {
            Err(ApiError::MemberBlocked)
        }
        // Already approved by other means: the token is spent but grants nothing more.
        Err(StoreError::StateMismatch(_)) | Err(StoreError::NotFound) => {
            Err(ApiError::InvalidApprovalToken)
        }
        Err(err) => Err(err.into()),
    }
}

/// `approveByEmail` (privileged): approves a pending member or unblocks a blocked one.
pub async fn by_email(app: &App, email: &Email) -> Result<String, ApiError> {
    let credentials = app
        .store
        .credentials(email)
        .await?
        .ok_or(ApiError::MemberNotFound)?;
    let change = StatusChange {
        to: MemberStatus::Approved,
        only_from: &[],
        revoke_tokens: false,
        now: &timestamp(),
    };
    let member = match app
        .store
        .update_member_status(&credentials.member_id, change)
        .await
    {
        Ok(member) => member,
        Err(StoreError::NotFound) => return Err(ApiError::MemberNotFound),
        Err(err) => return Err(err.into()),
    };
    info!(member_id = %member.id, "member approved by email");
    session::issue_for(app, &member)
}
