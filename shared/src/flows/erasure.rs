//! Erasure (`deleteMyMember`): the member and everything that names it are gone, every
//! token of it stops working at once, and its email can register again.

use tracing::info;

use crate::{
    App,
    app::Backend,
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
    let erased = app
        .store
        .erase_member(&member)
        .await
        // Erased by a request racing this one.
        .on_not_found(ApiError::Unauthenticated)?;
    info!(member_id = %member.id, items = erased, "member erased");
    Ok(())
}
