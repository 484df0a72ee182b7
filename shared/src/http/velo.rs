//! The Velo `wix-members-backend` web methods: parse, call a flow, map the result.

use lambda_http::{Body, Response};
use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    app::Backend,
    domain::{
        Email, Password,
        member::{ContactInfo, PrivacyStatus},
    },
    error::{ApiError, FieldViolation},
    flows::{
        self,
        login::LoginAttempt,
        recovery::PasswordMail,
        register::Registration,
        throttle::{RateKind, take_rate},
    },
    ui::LangPreference,
};

use super::{
    Call,
    call::{fuzz_request, member_id, new_credentials, parse_json_body},
    ok,
};

type Answer = Result<Response<Body>, ApiError>;

fn parse_email(field: &str, raw: &str) -> Result<Email, ApiError> {
    Email::parse(raw)
        .map_err(|e| ApiError::Validation(vec![FieldViolation::email(field, e.to_string())]))
}

#[derive(Deserialize)]
struct EmailPassword {
    email: String,
    password: String,
}

#[derive(Deserialize)]
struct EmailOnly {
    email: String,
}

#[derive(Deserialize)]
struct TokenOnly {
    token: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RegisterOptions {
    #[serde(default)]
    contact_info: Option<ContactInfo>,
    #[serde(default)]
    privacy_status: Option<PrivacyStatus>,
}

#[derive(Deserialize)]
struct RegisterBody {
    email: String,
    password: String,
    #[serde(default)]
    options: Option<RegisterOptions>,
}

/// The `@wix/members` `authentication` module's contact info: the fields it names.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SiteContactInfo {
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    picture: Option<String>,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SiteRegisterBody {
    email: String,
    password: String,
    #[serde(default)]
    contact_info: Option<SiteContactInfo>,
    #[serde(default)]
    profile_privacy_status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangeLoginEmailBody {
    new_email: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SiteSetPasswordBody {
    email: String,
    #[serde(default)]
    hide_ignore_message: Option<bool>,
}

/// Whom the `authentication` module's `approve` and `block` name: one of these.
#[derive(Deserialize)]
struct MemberIdentifier {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

/// The member a request names.
enum Named {
    Id(String),
    Email(Email),
    ApprovalToken(String),
}

impl MemberIdentifier {
    /// The one identifier given; none or several is a 400.
    fn named(self) -> Result<Named, ApiError> {
        match (self.id, self.email, self.token) {
            (Some(id), None, None) => Ok(Named::Id(member_id(&id)?.to_string())),
            (None, Some(email), None) => Ok(Named::Email(parse_email("email", &email)?)),
            (None, None, Some(token)) => Ok(Named::ApprovalToken(token)),
            _ => Err(ApiError::Validation(vec![FieldViolation::new(
                "id",
                "ONE_OF",
                "name the member by exactly one of id, email or token",
            )])),
        }
    }
}

/// An `{email, password}` login from a site's backend (no captcha: not a browser). A
/// malformed email cannot belong to any member: it takes the unknown-email path, with
/// the same answer and the same cost as a wrong password.
fn backend_login<B: Backend>(app: &App<B>, call: &Call<'_>) -> Result<LoginAttempt, ApiError> {
    let body: EmailPassword = call.json(app.config.max_body_bytes)?;
    Ok(LoginAttempt {
        captcha: None,
        email: Email::parse(&body.email).ok(),
        password: Password::for_login(body.password).map_err(|_| ApiError::WrongCredentials)?,
        raw_email: body.email,
        source: call.source(&app.config),
        device_token: call.device_token(),
    })
}

/// Answers the session token, and a device token for the backend to keep with its
/// visitor and show at the visitor's next login (`x-device-token`).
pub async fn login<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let logged_in = flows::login::velo_login(app, backend_login(app, &call)?).await?;
    Ok(ok(json!({
        "sessionToken": logged_in.session_token,
        "deviceToken": logged_in.device_token,
    })))
}

pub async fn register<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: RegisterBody = call.json(app.config.max_body_bytes)?;
    take_rate(app, RateKind::Register, &call.source(&app.config)).await?;
    let (email, password) = new_credentials(&app.config, "email", &body.email, body.password)?;
    let options = body.options.unwrap_or_default();
    let registered = flows::register::register(
        app,
        Registration {
            email,
            password,
            contact: options.contact_info.unwrap_or_default(),
            privacy_status: options.privacy_status.unwrap_or_default(),
        },
    )
    .await?;
    let mut result = json!({
        "status": if registered.session_token.is_some() { "ACTIVE" } else { "PENDING" },
        "member": registered.member.to_velo_json(),
    });
    if let Some(token) = registered.session_token {
        result["sessionToken"] = json!(token);
    }
    if let Some(token) = registered
        .approval_token
        .filter(|_| call.is_trusted(&app.config))
    {
        result["approvalToken"] = json!(token);
    }
    Ok(ok(result))
}

/// The same `register`, as the `@wix/members` `authentication` module calls it: its
/// body names, its site-member answer (`session.token` when approved at once).
pub async fn site_register<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: SiteRegisterBody = call.json(app.config.max_body_bytes)?;
    take_rate(app, RateKind::Register, &call.source(&app.config)).await?;
    let (email, password) = new_credentials(&app.config, "email", &body.email, body.password)?;
    let info = body.contact_info.unwrap_or_default();
    let contact = ContactInfo {
        first_name: info.first_name,
        last_name: info.last_name,
        picture: info.picture,
        emails: info.emails,
        phones: info.phones,
        labels: info.labels,
        ..ContactInfo::default()
    };
    let privacy_status = match body.profile_privacy_status.as_deref() {
        Some("PUBLIC") => PrivacyStatus::Public,
        _ => PrivacyStatus::Private,
    };
    let registered = flows::register::register(
        app,
        Registration {
            email,
            password,
            contact,
            privacy_status,
        },
    )
    .await?;
    let mut result = json!({ "member": registered.member.to_site_member_json() });
    if let Some(token) = registered.session_token {
        result["session"] = json!({ "token": token });
    }
    if let Some(token) = registered
        .approval_token
        .filter(|_| call.is_trusted(&app.config))
    {
        result["approvalToken"] = json!(token);
    }
    Ok(ok(result))
}

/// The same `login`, as the `@wix/members` `authentication` module calls it.
pub async fn site_login<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let logged_in = flows::login::velo_login(app, backend_login(app, &call)?).await?;
    Ok(ok(json!({
        "session": { "token": logged_in.session_token },
        "member": logged_in.member.to_site_member_json(),
    })))
}

pub async fn generate_session_token<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: EmailOnly = call.json(app.config.max_body_bytes)?;
    let email = parse_email("email", &body.email)?;
    let token = flows::session::generate_session_token(app, email).await?;
    Ok(ok(json!({ "sessionToken": token })))
}

pub async fn approve_by_token<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: TokenOnly = call.json(app.config.max_body_bytes)?;
    let token = approve_with_token(app, &body.token).await?;
    Ok(ok(json!({ "sessionToken": token })))
}

async fn approve_with_token<B: Backend>(app: &App<B>, token: &str) -> Result<String, ApiError> {
    if token.is_empty() || token.len() > 512 {
        return Err(ApiError::InvalidApprovalToken);
    }
    flows::approve::by_token(app, token).await
}

pub async fn approve_by_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: EmailOnly = call.json(app.config.max_body_bytes)?;
    let email = parse_email("email", &body.email)?;
    let token = flows::approve::by_email(app, &email).await?;
    Ok(ok(json!({ "sessionToken": token })))
}

pub async fn block_by_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: EmailOnly = call.json(app.config.max_body_bytes)?;
    let email = parse_email("email", &body.email)?;
    flows::block::by_email(app, &email).await?;
    Ok(ok(json!({})))
}

pub async fn send_set_password_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: EmailOnly = call.json(app.config.max_body_bytes)?;
    set_password_email(app, &body.email, true).await
}

/// `sendSetPasswordEmail` as the `authentication` module calls it (site API key).
pub async fn site_send_set_password_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: SiteSetPasswordBody = call.json(app.config.max_body_bytes)?;
    let ignore_note = !body.hide_ignore_message.unwrap_or(false);
    set_password_email(app, &body.email, ignore_note).await
}

/// Privileged callers may learn whether an email is a member's (as Velo's method
/// tells them): an unknown one is a 404.
async fn set_password_email<B: Backend>(
    app: &App<B>,
    raw_email: &str,
    ignore_note: bool,
) -> Answer {
    let email = parse_email("email", raw_email)?;
    let kind = PasswordMail::SetPassword { ignore_note };
    // A site's backend asks, not the member's browser: the site's language.
    let asked = LangPreference::default();
    if !flows::recovery::send_recovery_email(app, Some(email), None, kind, asked).await? {
        return Err(ApiError::MemberNotFound);
    }
    Ok(ok(json!({ "accepted": true })))
}

pub async fn change_login_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let member = changed_login_email(app, &call).await?;
    Ok(ok(json!({ "member": member.to_velo_json() })))
}

/// `changeLoginEmail` as the `authentication` module calls it: the member in its
/// site-member form. Every session of the member ends (the module's
/// `revokeCurrentSessions: false` is not honoured: a login email change is a
/// credential change).
pub async fn site_change_login_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let member = changed_login_email(app, &call).await?;
    Ok(ok(json!({ "member": member.to_site_member_json() })))
}

async fn changed_login_email<B: Backend>(
    app: &App<B>,
    call: &Call<'_>,
) -> Result<crate::domain::Member, ApiError> {
    let member_id = member_id(call.path_parameter("id").unwrap_or_default())?;
    let body: ChangeLoginEmailBody = call.json(app.config.max_body_bytes)?;
    let email = parse_email("newEmail", &body.new_email)?;
    flows::account::change_login_email(app, member_id, email).await
}

/// The `authentication` module's `approve`: by approval token (the token is the
/// authority, as with `approveByToken`), or by id or email (privileged).
pub async fn site_approve<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: MemberIdentifier = call.json(app.config.max_body_bytes)?;
    let token = match body.named()? {
        Named::ApprovalToken(token) => approve_with_token(app, &token).await?,
        Named::Id(id) => {
            call.require_trusted(&app.config)?;
            flows::approve::by_id(app, &id).await?
        }
        Named::Email(email) => {
            call.require_trusted(&app.config)?;
            flows::approve::by_email(app, &email).await?
        }
    };
    Ok(ok(json!({ "session": { "token": token } })))
}

/// The `authentication` module's `block`, by id or email (privileged).
pub async fn site_block<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: MemberIdentifier = call.json(app.config.max_body_bytes)?;
    match body.named()? {
        Named::Id(id) => flows::block::by_id(app, &id).await?,
        Named::Email(email) => flows::block::by_email(app, &email).await?,
        Named::ApprovalToken(_) => {
            return Err(ApiError::Validation(vec![FieldViolation::new(
                "token",
                "NOT_ALLOWED",
                "block names the member by id or email",
            )]));
        }
    }
    Ok(ok(json!({})))
}

/// Feeds `data` to every body parser of this module's routes (for the fuzzer).
pub(super) fn fuzz_bodies(data: &[u8]) {
    let request = fuzz_request(data);
    let limit = 16 * 1024;
    let _ = parse_json_body::<EmailPassword>(&request, limit);
    let _ = parse_json_body::<EmailOnly>(&request, limit);
    let _ = parse_json_body::<TokenOnly>(&request, limit);
    let _ = parse_json_body::<RegisterBody>(&request, limit);
    let _ = parse_json_body::<ChangeLoginEmailBody>(&request, limit);
    let _ = parse_json_body::<SiteRegisterBody>(&request, limit);
    let _ = parse_json_body::<SiteSetPasswordBody>(&request, limit);
    let _ = parse_json_body::<MemberIdentifier>(&request, limit);
}
