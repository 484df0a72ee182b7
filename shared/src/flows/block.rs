use tracing::info;

use crate::{
    App,
    domain::{Email, MemberStatus},
    error::ApiError,
    store::{StatusChange, StoreError},
};

use super::timestamp;

/// `blockByEmail` (privileged): blocks the member and bumps its token version, so
/// every token issued before stops working at once.
pub async fn by_email(app: &App, email: &Email) -> Result<(), ApiError> {
    let credentials = app
        .store
        .credentials(email)
        .await?
        .ok_or(ApiError::MemberNotFound)?;
    let change = StatusChange {
        to: MemberStatus::Blocked,
        only_from: &[],
        revoke_tokens: true,
        now: &timestamp(),
    };
    match app
        .store
        .update_member_status(&credentials.member_id, change)
        .await
    {
        Ok(member) => {
            info!(member_id = %member.id, "member blocked");
            Ok(())
        }
        Err(StoreError::NotFound) => Err(ApiError::MemberNotFound),
        Err(err) => Err(err.into()),
    }
}
