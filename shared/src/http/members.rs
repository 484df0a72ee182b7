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
        member_query::{MemberPage, MemberQuery},
    },
    error::ApiError,
    flows::{self, bulk::JobAction},
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

/// The fieldset a reader asked for: `FULL` (or `EXTENDED`) when it may see it, else
/// `PUBLIC`, Wix's default.
fn member_json(member: &Member, asked_full: bool, may_see_full: bool) -> serde_json::Value {
    if asked_full && may_see_full {
        member.to_rest_json()
    } else {
        member.to_public_rest_json()
    }
}

fn asks_full<'a>(mut fieldsets: impl Iterator<Item = &'a str>) -> bool {
    fieldsets.any(|f| f == "FULL" || f == "EXTENDED")
}

async fn viewer<B: Backend>(
    app: &App<B>,
    call: &Call<'_>,
) -> Result<flows::directory::Viewer, ApiError> {
    flows::directory::viewer(app, call.is_trusted(&app.config), call.access_token()).await
}

/// `getMember(id, {fieldsets})`: `GET /members/v1/members/{id}?fieldsets=FULL`.
pub async fn get_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let viewer = viewer(app, &call).await?;
    // A malformed id is nobody's.
    let id = owner_member_id(&call).map_err(|_| ApiError::MemberNotFound)?;
    let (member, full) = flows::directory::get_member(app, &viewer, id).await?;
    let asked = asks_full(call.query_all("fieldsets").into_iter());
    Ok(ok(json!({ "member": member_json(&member, asked, full) })))
}

#[derive(Deserialize, Default)]
struct QueryBody {
    #[serde(default)]
    query: serde_json::Value,
    #[serde(default)]
    fieldsets: Vec<String>,
}

fn page_answer(page: MemberPage, offset: usize, asked_full: bool, full: bool) -> Answer {
    let members: Vec<_> = page
        .members
        .iter()
        .map(|m| member_json(m, asked_full, full))
        .collect();
    Ok(ok(json!({
        "members": members,
        "metadata": {
            "count": members.len(),
            "offset": offset,
            "total": page.total,
            "tooManyToCount": false,
        },
    })))
}

/// `listMembers({paging, sorting, fieldsets})`: the client sends the request as
/// base64url JSON in `.r`.
pub async fn list_members<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let viewer = viewer(app, &call).await?;
    let request = match call.query(".r") {
        Some(encoded) => decode_list_request(&encoded)?,
        None => serde_json::Value::Object(Default::default()),
    };
    let query = MemberQuery::from_list_request(&request)?;
    let asked = asks_full(
        request
            .get("fieldsets")
            .and_then(|f| f.as_array())
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str()),
    );
    let offset = query.offset;
    let (page, full) = flows::directory::query(app, &viewer, query).await?;
    page_answer(page, offset, asked, full)
}

fn decode_list_request(encoded: &str) -> Result<serde_json::Value, ApiError> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|_| ApiError::MalformedBody(".r is not base64url".into()))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::MalformedBody(format!(".r: {e}")))
}

/// `queryMembers().…find()`: `POST /members/v1/members/query`
/// `{query: {filter, sort, paging}, fieldsets}`.
pub async fn query_members<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let viewer = viewer(app, &call).await?;
    let body: QueryBody = call.json(app.config.max_body_bytes)?;
    let query = MemberQuery::from_query(&body.query)?;
    let asked = asks_full(body.fieldsets.iter().map(String::as_str));
    let offset = query.offset;
    let (page, full) = flows::directory::query(app, &viewer, query).await?;
    page_answer(page, offset, asked, full)
}

#[derive(Deserialize)]
struct CreateBody {
    member: serde_json::Value,
}

/// `createMember({member})` (owner): `POST /members/v1/members`.
pub async fn create_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: CreateBody = call.json(app.config.max_body_bytes)?;
    let login_email = body.member.get("loginEmail").and_then(|e| e.as_str());
    let patch: MemberPatch = serde_json::from_value(body.member.clone())
        .map_err(|e| ApiError::MalformedBody(format!("member: {e}")))?;
    answer(&flows::create::create_member(app, login_email, patch).await?)
}

/// `muteMember(id)` / `unmuteMember(id)` (owner).
pub async fn mute_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let id = owner_member_id(&call)?;
    answer(&flows::moderation::set_muted(app, id, true).await?)
}

pub async fn unmute_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let id = owner_member_id(&call)?;
    answer(&flows::moderation::set_muted(app, id, false).await?)
}

/// `disconnectMember(id)` (owner): final; the member's login email is released.
pub async fn disconnect_member<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let id = owner_member_id(&call)?;
    answer(&flows::moderation::disconnect(app, id).await?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkDeleteBody {
    member_ids: Vec<String>,
}

/// `bulkDeleteMembers(memberIds)` (owner): a result per id, in order.
pub async fn bulk_delete_members<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: BulkDeleteBody = call.json(app.config.max_body_bytes)?;
    let results = flows::bulk::delete_members(app, body.member_ids).await?;
    let failures = results.iter().filter(|r| r.error.is_some()).count();
    let items: Vec<_> = results
        .iter()
        .enumerate()
        .map(|(index, result)| {
            let mut metadata = json!({
                "id": result.id,
                "originalIndex": index,
                "success": result.error.is_none(),
            });
            if let Some(error) = &result.error {
                metadata["error"] =
                    json!({ "code": error.code(), "description": error.to_string() });
            }
            json!({ "itemMetadata": metadata })
        })
        .collect();
    Ok(ok(json!({
        "results": items,
        "bulkActionMetadata": {
            "totalSuccesses": results.len() - failures,
            "totalFailures": failures,
            "undetailedFailures": 0,
        },
    })))
}

#[derive(Deserialize)]
struct FilterBody {
    #[serde(default)]
    filter: serde_json::Value,
}

async fn filter_job<B: Backend>(app: &App<B>, call: Call<'_>, action: JobAction) -> Answer {
    call.require_trusted(&app.config)?;
    let body: FilterBody = call.json(app.config.max_body_bytes)?;
    // An empty filter would act on every member: that must be asked for by name.
    if body.filter.as_object().is_none_or(|f| f.is_empty()) {
        return Err(ApiError::Validation(vec![
            crate::error::FieldViolation::new(
                "filter",
                "REQUIRED",
                "a filter is required (an empty one would act on every member)",
            ),
        ]));
    }
    let query = MemberQuery::from_query(&json!({ "filter": body.filter }))?;
    let job = flows::bulk::run_job(app, action, query).await?;
    Ok(ok(json!({ "jobId": job.id })))
}

/// `bulkDeleteMembersByFilter(filter)` (owner) → `{jobId}`, done when it answers.
pub async fn bulk_delete_by_filter<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    filter_job(app, call, JobAction::Delete).await
}

pub async fn bulk_approve_by_filter<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    filter_job(app, call, JobAction::Approve).await
}

pub async fn bulk_block_by_filter<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    filter_job(app, call, JobAction::Block).await
}

/// Feeds `data` to every body parser of this module's routes (for the fuzzer).
pub(super) fn fuzz_bodies(data: &[u8]) {
    let request = fuzz_request(data);
    let _ = parse_json_body::<UpdateBody>(&request, 16 * 1024);
    let _ = parse_json_body::<SlugBody>(&request, 16 * 1024);
    let _ = parse_json_body::<BulkDeleteBody>(&request, 16 * 1024);
    if let Ok(body) = parse_json_body::<FilterBody>(&request, 16 * 1024) {
        let _ = MemberQuery::from_query(&json!({ "filter": body.filter }));
    }
    if let Ok(body) = parse_json_body::<CreateBody>(&request, 16 * 1024) {
        let _ = serde_json::from_value::<MemberPatch>(body.member);
    }
    if let Ok(body) = parse_json_body::<QueryBody>(&request, 16 * 1024) {
        let _ = MemberQuery::from_query(&body.query);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_list_request(text).map(|r| MemberQuery::from_list_request(&r));
    }
}
