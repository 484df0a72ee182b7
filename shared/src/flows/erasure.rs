//! Erasure (`deleteMyMember`): the member and everything that names it are gone, every
//! token of it stops working at once, and its email can register again.

use tracing::info;

use crate::{
    App,
    app::Backend,
    domain::Member,
    error::ApiError,
    store::{MemberStore, StoreResultExt},
};

use super::oauth::signed_in;

/// The member behind `access_token` erases itself.
pub async fn delete_my_member<B: Backend>(
    app: &App<B>,
    access_token: &str,
) -> Result<(), ApiError> {
    let (member, _) = signed_in(app, access_token).await?;
    // Erased by a request racing this one: no member behind the token any more.
    erase(app, &member, ApiError::Unauthenticated).await
}

/// `deleteMember` (privileged): the same erasure of the member with id `member_id`.
pub async fn delete_member<B: Backend>(app: &App<B>, member_id: &str) -> Result<(), ApiError> {
    let member = app
        .store
        .member(member_id)
        .await?
        .ok_or(ApiError::MemberNotFound)?;
    erase(app, &member, ApiError::MemberNotFound).await
}

async fn erase<B: Backend>(app: &App<B>, member: &Member, gone: ApiError) -> Result<(), ApiError> {
    let erased = app.store.erase_member(member).await.on_not_found(gone)?;
    info!(member_id = %member.id, items = erased, "member erased");
    Ok(())
}
