//! The `@wix/members` `members` module's routes (`/members/v1/members/...`): the
//! signed-in member's own account (its access token), and the site owner's member
//! management (the site API key as `ApiKeyStrategy` sends it, the admin key or IAM).
//! Each answers the member as `getCurrentMember` does.

use lambda_http::{Body, Response};
use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    app::Backend,
    domain::{
        Member,
        member::PrivacyStatus,
        member_patch::{ContactList, MemberPatch},
    },
    error::ApiError,
    flows,
};

use super::{
    Call,
    call::{self, fuzz_request, parse_json_body},
    ok,
};

type Answer = Result<Response<Body>, ApiError>;

#[derive(Deserialize)]
struct UpdateBody {
    member: MemberPatch,
}

#[derive(Deserialize)]
struct SlugBody {
    slug: String,
}

fn answer(member: &Member) -> Answer {
    Ok(ok(json!({ "member": member.to_rest_json() })))
}

fn token<'a>(call: &'a Call<'_>) -> Result<&'a str, ApiError> {
    call.access_token().ok_or(ApiError::Unauthenticated)
}

/// The path's member id. Member ids are UUIDs; anything longer is nobody's (and no
/// DynamoDB key), so for the caller it is another member's: 403.
fn member_id<'a>(call: &'a Call<'_>) -> Result<&'a str, ApiError> {
    owner_member_id(call).map_err(|_| ApiError::Forbidden)
}

/// `updateMember(id, member)`: `PATCH /members/v1/members/{id}` `{member}`.
pub async fn update_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let token = token(&call)?;
    let id = member_id(&call)?;
    let body: UpdateBody = call.json(app.config.max_body_bytes)?;
    answer(&flows::profile::update(app, token, id, body.member).await?)
}

/// `updateCurrentMemberSlug(slug)`: `POST /members/v1/members/my/slug` `{slug}`.
pub async fn update_my_slug<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let token = token(&call)?;
    let body: SlugBody = call.json(app.config.max_body_bytes)?;
    answer(&flows::profile::set_slug(app, token, &body.slug).await?)
}

/// `deleteMyMember()`: `DELETE /members/v1/members/my` → `{}`.
pub async fn delete_my_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let token = token(&call)?;
    flows::erasure::delete_my_member(app, token).await?;
    Ok(ok(json!({})))
}

pub async fn join_community<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let token = token(&call)?;
    answer(&flows::profile::set_privacy(app, token, PrivacyStatus::Public).await?)
}

pub async fn leave_community<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let token = token(&call)?;
    answer(&flows::profile::set_privacy(app, token, PrivacyStatus::Private).await?)
}

async fn clear<B: Backend>(app: &App<B>, call: &Call<'_>, list: ContactList) -> Answer {
    let token = token(call)?;
    let id = member_id(call)?;
    answer(&flows::profile::clear(app, token, id, list).await?)
}

pub async fn delete_member_phones<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    clear(app, &call, ContactList::Phones).await
}

pub async fn delete_member_emails<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    clear(app, &call, ContactList::Emails).await
}

pub async fn delete_member_addresses<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    clear(app, &call, ContactList::Addresses).await
}

/// The path's member id in an owner's call: a malformed one is no member.
fn owner_member_id<'a>(call: &'a Call<'_>) -> Result<&'a str, ApiError> {
    call::member_id(call.path_parameter("id").unwrap_or_default())
}

/// `approveMember(id)` (owner): approves a pending member or unblocks a blocked one.
pub async fn approve_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let id = owner_member_id(&call)?;
    answer(&flows::approve::approve_member(app, id).await?)
}

/// `blockMember(id)` (owner): every token of the member stops working at once.
pub async fn block_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let id = owner_member_id(&call)?;
    answer(&flows::block::block_member(app, id).await?)
}

/// `deleteMember(id)` (owner): the same erasure as `deleteMyMember`.
pub async fn delete_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let id = owner_member_id(&call)?;
    flows::erasure::delete_member(app, id).await?;
    Ok(ok(json!({})))
}

/// `updateMemberSlug(id, slug)` (owner): `POST /members/v1/members/{id}/slug` `{slug}`.
pub async fn update_member_slug<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let id = owner_member_id(&call)?;
    let body: SlugBody = call.json(app.config.max_body_bytes)?;
    answer(&flows::profile::set_slug_of(app, id, &body.slug).await?)
}

/// Feeds `data` to every body parser of this module's routes (for the fuzzer).
pub(super) fn fuzz_bodies(data: &[u8]) {
    let request = fuzz_request(data);
    let _ = parse_json_body::<UpdateBody>(&request, 16 * 1024);
    let _ = parse_json_body::<SlugBody>(&request, 16 * 1024);
}
