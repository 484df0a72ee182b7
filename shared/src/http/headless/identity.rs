//! Register V2, Login V2, Verify and the recovery email: the headless state machine.

use lambda_http::{Body, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    App,
    app::Backend,
    domain::{Email, Password, member::HeadlessProfile},
    error::{ApiError, FieldViolation},
    flows::{
        self,
        headless::{AuthState, RegistrationV2},
        login::LoginAttempt,
        recovery::{AfterReset, PasswordMail},
        throttle::{RateKind, take_rate},
    },
};

use crate::http::{
    Call,
    call::{fuzz_request, new_credentials, parse_json_body},
    ok,
};

type Answer = Result<Response<Body>, ApiError>;

pub fn state_json(state: AuthState) -> Value {
    match state {
        AuthState::Success {
            session_token,
            member,
        } => json!({
            "state": "SUCCESS", "sessionToken": session_token, "identity": member.to_identity_json()
        }),
        AuthState::RequireEmailVerification {
            state_token,
            member,
        } => json!({
            "state": "REQUIRE_EMAIL_VERIFICATION", "stateToken": state_token,
            "identity": member.to_identity_json()
        }),
        AuthState::RequireOwnerApproval { member } => json!({
            "state": "REQUIRE_OWNER_APPROVAL", "identity": member.to_identity_json()
        }),
    }
}

#[derive(Deserialize)]
struct LoginId {
    email: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialsV2 {
    login_id: LoginId,
    password: String,
    #[serde(default)]
    profile: Option<HeadlessProfile>,
    #[serde(default)]
    captcha_tokens: Option<Vec<std::collections::HashMap<String, Option<String>>>>,
}

impl CredentialsV2 {
    fn captcha_token(&self) -> Option<&str> {
        self.captcha_tokens
            .iter()
            .flatten()
            .flat_map(|t| t.iter())
            .filter(|(kind, _)| {
                kind.as_str() == "Recaptcha" || kind.as_str() == "InvisibleRecaptcha"
            })
            // The client library sends both kinds in one object, the unused one empty.
            .find_map(|(_, token)| token.as_deref().filter(|t| !t.is_empty()))
    }
}

pub async fn register<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: CredentialsV2 = call.json(app.config.max_body_bytes)?;
    let suspected = take_rate(app, RateKind::Register, &call.source(&app.config)).await?;
    flows::captcha::check(app, body.captcha_token(), suspected).await?;
    let (email, password) = new_credentials(
        &app.config,
        "loginId.email",
        &body.login_id.email,
        body.password,
    )?;
    let state = flows::headless::register(
        app,
        RegistrationV2 {
            email,
            password,
            profile: body.profile.unwrap_or_default(),
            lang: call.lang(None),
        },
    )
    .await?;
    Ok(ok(state_json(state)))
}

pub async fn login<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: CredentialsV2 = call.json(app.config.max_body_bytes)?;
    let attempt = LoginAttempt {
        captcha: Some(body.captcha_token().map(str::to_string)),
        email: Email::parse(&body.login_id.email).ok(),
        password: Password::for_login(body.password).map_err(|_| ApiError::WrongCredentials)?,
        raw_email: body.login_id.email,
        source: call.source(&app.config),
        // Wix's client sends none (nor keeps one): its members prove themselves by
        // captcha, where configured, once an attack has spent the account's budget.
        device_token: call.device_token(),
    };
    let state = flows::headless::login(app, attempt, call.lang(None)).await?;
    Ok(ok(state_json(state)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyBody {
    code: String,
    state_token: String,
}

pub async fn verify<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: VerifyBody = call.json(app.config.max_body_bytes)?;
    take_rate(app, RateKind::Verify, &call.source(&app.config)).await?;
    if body.code.len() > 32 || body.state_token.len() > 4096 {
        return Err(ApiError::InvalidCode);
    }
    let state = flows::headless::verify(app, &body.code, &body.state_token).await?;
    Ok(ok(state_json(state)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RedirectTarget {
    url: String,
    client_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecoveryBody {
    email: String,
    #[serde(default)]
    redirect: Option<RedirectTarget>,
    /// The language of the email (`en`, `fr-CA`, ...); one without a catalog is
    /// ignored.
    #[serde(default)]
    language: Option<String>,
}

pub async fn send_recovery_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: RecoveryBody = call.json(app.config.max_body_bytes)?;
    take_rate(app, RateKind::Recovery, &call.source(&app.config)).await?;
    let after = body.redirect.map(|r| AfterReset {
        url: r.url,
        client_id: r.client_id,
    });
    flows::recovery::send_recovery_email(
        app,
        Email::parse(&body.email).ok(),
        after,
        PasswordMail::Reset,
        call.lang(body.language.as_deref()),
    )
    .await?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActivationBody {
    identity_id: String,
}

/// `recovery.sendActivationEmail(identityId)` (site API key): a set-password link.
pub async fn send_activation_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_trusted(&app.config)?;
    let body: ActivationBody = call.json(app.config.max_body_bytes)?;
    let id =
        crate::http::call::member_id(&body.identity_id).map_err(|_| ApiError::MemberNotFound)?;
    flows::recovery::send_activation_email(app, id).await?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignOnBody {
    login_id: LoginId,
    #[serde(default)]
    profile: Option<HeadlessProfile>,
}

/// `authentication.signOn` (external login, with a site API key): the member of the
/// email, created when none exists (never a blocked or pending one's session).
pub async fn sign_on<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    call.require_api_key(&app.config)?;
    let body: SignOnBody = call.json(app.config.max_body_bytes)?;
    let email = Email::parse(&body.login_id.email).map_err(|e| {
        ApiError::Validation(vec![FieldViolation::email("loginId.email", e.to_string())])
    })?;
    let (member, session_token) = flows::session::sign_on(app, email, body.profile).await?;
    Ok(ok(json!({
        "sessionToken": session_token,
        "identity": member.to_identity_json(),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartBody {
    #[serde(default)]
    identity_id: Option<String>,
    #[serde(default)]
    target: Option<String>,
}

/// `verification.start`: a new code for a pending registration or login. The id it
/// answers is new each time, so it tells nothing of the member.
pub async fn start_verification<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: StartBody = call.json(app.config.max_body_bytes)?;
    if body.target.as_deref().is_some_and(|t| t != "EMAIL") {
        return Err(ApiError::field(
            "target",
            "INVALID_ENUM",
            "only EMAIL is supported",
        ));
    }
    let identity_id = body
        .identity_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::field("identityId", "REQUIRED_FIELD", "identityId is required"))?;
    take_rate(app, RateKind::Verify, &call.source(&app.config)).await?;
    // Member ids are UUIDs; a longer one is no member (and no DynamoDB key).
    if identity_id.len() <= 64 {
        flows::headless::resend_code(app, &identity_id, call.lang(None)).await?;
    }
    Ok(ok(
        json!({ "verificationId": uuid::Uuid::new_v4().to_string() }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecoverBody {
    recovery_token: String,
    password: String,
}

/// `recovery.recover`: the password is checked before the token is spent, so a weak
/// one costs the member nothing.
pub async fn recover<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: RecoverBody = call.json(app.config.max_body_bytes)?;
    let password = Password::parse_new(body.password, app.config.password_min_length)
        .map_err(|e| ApiError::field("password", "PASSWORD_POLICY", e.to_string()))?;
    let state = flows::headless::recover(app, &body.recovery_token, password).await?;
    Ok(ok(state_json(state)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangePasswordBody {
    new_password: String,
}

/// `authentication.changePassword`, with the member's access token.
pub async fn change_password<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let token = call.access_token().ok_or(ApiError::Unauthenticated)?;
    let body: ChangePasswordBody = call.json(app.config.max_body_bytes)?;
    // Each change costs an argon2 hash and an email: the recovery budget applies.
    take_rate(app, RateKind::Recovery, &call.source(&app.config)).await?;
    let password = Password::parse_new(body.new_password, app.config.password_min_length)
        .map_err(|e| ApiError::field("newPassword", "PASSWORD_POLICY", e.to_string()))?;
    flows::password::change_password(app, token, password).await?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct ValidateEmailBody {
    email: String,
}

/// `authentication.validateEmail`: whether the address is well formed, and nothing
/// about whether anyone uses it.
pub async fn validate_email<B: Backend>(app: &App<B>, call: Call<'_>) -> Answer {
    let body: ValidateEmailBody = call.json(app.config.max_body_bytes)?;
    let valid = Email::parse(&body.email).is_ok();
    Ok(ok(json!({ "valid": valid, "formatInvalid": !valid })))
}

pub(super) fn fuzz_bodies(data: &[u8]) {
    let limit = 16 * 1024;
    let request = fuzz_request(data);
    if let Ok(body) = parse_json_body::<CredentialsV2>(&request, limit) {
        let _ = body.captcha_token();
        if let Some(profile) = body.profile {
            let _ = profile.into_parts();
        }
    }
    let _ = parse_json_body::<VerifyBody>(&request, limit);
    let _ = parse_json_body::<ActivationBody>(&request, limit);
    let _ = parse_json_body::<RecoveryBody>(&request, limit);
    let _ = parse_json_body::<ValidateEmailBody>(&request, limit);
    let _ = parse_json_body::<RecoverBody>(&request, limit);
    let _ = parse_json_body::<StartBody>(&request, limit);
    let _ = parse_json_body::<ChangePasswordBody>(&request, limit);
    let _ = parse_json_body::<SignOnBody>(&request, limit);
}
