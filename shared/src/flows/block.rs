//! Blocking members (privileged): every token of theirs stops at once.

use crate::{
    App,
    app::Backend,
    domain::{Email, MemberStatus},
    error::ApiError,
    store::{MemberStore, StatusChange, StoreResultExt},
    telemetry::{SecurityEvent, security_event},
};

/// `blockByEmail` (privileged): blocks the member and bumps its token version, so
/// every token issued before stops working at once.
pub async fn by_email<B: Backend>(app: &App<B>, email: &Email) -> Result<(), ApiError> {
    let credentials = app
        .store
        .credentials(email)
        .await?
        .ok_or(ApiError::MemberNotFound)?;
    by_id(app, &credentials.member_id).await
}

/// The same block of the member with id `member_id` (privileged).
pub async fn by_id<B: Backend>(app: &App<B>, member_id: &str) -> Result<(), ApiError> {
    block_member(app, member_id).await.map(|_| ())
}

/// `blockMember` (privileged): blocks the member, ending every token of it at once,
/// and answers it.
pub async fn block_member<B: Backend>(
    app: &App<B>,
    member_id: &str,
) -> Result<crate::domain::Member, ApiError> {
    // Not a disconnected member: that is final.
    let change = StatusChange {
        to: MemberStatus::Blocked,
        only_from: &[
            MemberStatus::Approved,
            MemberStatus::Pending,
            MemberStatus::Blocked,
        ],
        revoke_tokens: true,
        now: &app.clock.timestamp(),
    };
    let member = app
        .store
        .update_member_status(member_id, change)
        .await
        .on_expected(|_| ApiError::MemberNotFound)?;
    security_event(SecurityEvent::MemberBlocked, Some(&member.id), None);
    Ok(member)
}
