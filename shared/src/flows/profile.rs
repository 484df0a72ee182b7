//! The signed-in member's own account (`@wix/members` `members`): profile and contact
//! fields, privacy (joining or leaving the community), clearing phones, emails or
//! addresses. Each needs the member's access token (401 without one) and touches only
//! that member (403 for another id).

use tracing::info;

use crate::{
    App,
    app::Backend,
    domain::{
        Member,
        member::PrivacyStatus,
        member_patch::{ContactList, MemberPatch},
    },
    error::{ApiError, FieldViolation},
    store::{MemberStore, StoreResultExt},
};

use super::oauth::signed_in;

/// The member behind `access_token`, if it is `member_id`.
async fn own<B: Backend>(
    app: &App<B>,
    access_token: &str,
    member_id: &str,
) -> Result<Member, ApiError> {
    let (member, _) = signed_in(app, access_token).await?;
    if member.id != member_id {
        return Err(ApiError::Forbidden);
    }
    Ok(member)
}

async fn save<B: Backend>(
    app: &App<B>,
    before: &Member,
    member: &Member,
) -> Result<Member, ApiError> {
    // Gone between the read and the write: erased, so no member any more.
    let saved = app
        .store
        .save_profile(before, member, &app.clock.timestamp())
        .await
        .on_not_found(ApiError::Unauthenticated)?;
    info!(member_id = %saved.id, "member profile updated");
    Ok(saved)
}

/// `updateMember`: the fields `patch` names, on the caller's own member.
pub async fn update<B: Backend>(
    app: &App<B>,
    access_token: &str,
    member_id: &str,
    patch: MemberPatch,
) -> Result<Member, ApiError> {
    if let Some((field, problem)) = patch.problem() {
        return Err(ApiError::Validation(vec![FieldViolation::new(
            field, "INVALID", problem,
        )]));
    }
    let before = own(app, access_token, member_id).await?;
    let mut member = before.clone();
    member.apply(patch);
    save(app, &before, &member).await
}

/// `joinCommunity` (PUBLIC) and `leaveCommunity` (PRIVATE).
pub async fn set_privacy<B: Backend>(
    app: &App<B>,
    access_token: &str,
    privacy: PrivacyStatus,
) -> Result<Member, ApiError> {
    let (before, _) = signed_in(app, access_token).await?;
    let mut member = before.clone();
    member.privacy_status = privacy;
    save(app, &before, &member).await
}

/// `updateCurrentMemberSlug`: the slug is the caller's once its claim succeeds, and
/// its old one is free; `SlugTaken` when another member has it.
pub async fn set_slug<B: Backend>(
    app: &App<B>,
    access_token: &str,
    raw_slug: &str,
) -> Result<Member, ApiError> {
    let slug = parse_slug(raw_slug)?;
    let (member, _) = signed_in(app, access_token).await?;
    claim(app, member, &slug, ApiError::Unauthenticated).await
}

/// `updateMemberSlug` (privileged): the same, for the member with id `member_id`.
pub async fn set_slug_of<B: Backend>(
    app: &App<B>,
    member_id: &str,
    raw_slug: &str,
) -> Result<Member, ApiError> {
    let slug = parse_slug(raw_slug)?;
    let member = app
        .store
        .member(member_id)
        .await?
        .ok_or(ApiError::MemberNotFound)?;
    claim(app, member, &slug, ApiError::MemberNotFound).await
}

async fn claim<B: Backend>(
    app: &App<B>,
    member: Member,
    slug: &str,
    gone: ApiError,
) -> Result<Member, ApiError> {
    if member.profile.slug == slug {
        return Ok(member);
    }
    let claimed = app
        .store
        .claim_slug(&member, slug, &app.clock.timestamp())
        .await
        .on_not_found(gone)?;
    info!(member_id = %claimed.id, "member slug changed");
    Ok(claimed)
}

/// A slug as profile URLs carry it: 1–100 lowercase letters, digits and hyphens, not
/// starting or ending with a hyphen (upper case is folded).
fn parse_slug(raw: &str) -> Result<String, ApiError> {
    let slug = raw.trim().to_ascii_lowercase();
    let valid = (1..=100).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if !valid {
        return Err(ApiError::Validation(vec![FieldViolation::new(
            "slug",
            "INVALID",
            "1-100 letters, digits and inner hyphens",
        )]));
    }
    Ok(slug)
}

/// `deleteMemberPhones|Emails|Addresses`.
pub async fn clear<B: Backend>(
    app: &App<B>,
    access_token: &str,
    member_id: &str,
    list: ContactList,
) -> Result<Member, ApiError> {
    let before = own(app, access_token, member_id).await?;
    let mut member = before.clone();
    member.clear(list);
    save(app, &before, &member).await
}
