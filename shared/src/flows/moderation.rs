//! The site's moderation of one member (`@wix/members` `muteMember`, `unmuteMember`,
//! `disconnectMember`; privileged): mute marks the member for the site to act on;
//! disconnect ends the member's account for good but keeps its record.

use tracing::info;

use crate::{
    App,
    app::Backend,
    domain::{Member, MemberStatus},
    error::ApiError,
    store::{MemberStore, StoreError, StoreResultExt},
};

/// `muteMember` / `unmuteMember`: `activityStatus` MUTED or ACTIVE.
pub async fn set_muted<B: Backend>(
    app: &App<B>,
    member_id: &str,
    muted: bool,
) -> Result<Member, ApiError> {
    let member = app
        .store
        .set_muted(member_id, muted, &app.clock.timestamp())
        .await
        .on_not_found(ApiError::MemberNotFound)?;
    info!(member_id = %member.id, muted, "member mute changed");
    Ok(member)
}

/// `disconnectMember`: status OFFLINE, every token dead at once, the login email
/// released (the address may register again, as a new member); the record and slug
/// stay. Final: approve and block refuse an offline member. A second disconnect
/// answers the member as it is.
pub async fn disconnect<B: Backend>(app: &App<B>, member_id: &str) -> Result<Member, ApiError> {
    let mut member = app
        .store
        .member(member_id)
        .await?
        .ok_or(ApiError::MemberNotFound)?;
    // A status or privacy change racing this one: go again with the record as it is.
    for _ in 0..3 {
        if member.status == MemberStatus::Offline {
            return Ok(member);
        }
        match app
            .store
            .disconnect_member(&member, &app.clock.timestamp())
            .await
        {
            Ok(disconnected) => {
                info!(member_id = %disconnected.id, "member disconnected; login email released");
                return Ok(disconnected);
            }
            Err(StoreError::StateMismatch(Some(now))) => member = *now,
            Err(StoreError::NotFound) => return Err(ApiError::MemberNotFound),
            Err(other) => return Err(other.into()),
        }
    }
    Err(ApiError::internal(
        "the member kept changing during a disconnect",
    ))
}
