//! Handlers of the headless (Wix REST) routes and the hosted pages.

use std::convert::Infallible;

use lambda_http::{
    Body, Request, Response,
    http::{Method, StatusCode},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    App,
    app::LazyApp,
    domain::{Email, Password, member::HeadlessProfile},
    error::{ApiError, FieldViolation},
    flows::{
        self,
        headless::{AuthState, RegistrationV2},
        login::LoginAttempt,
        oauth::{self, AuthRequest, ResponseMode},
        recovery::AfterReset,
        throttle::{RateKind, take_rate},
    },
};

use super::{Call, Function, ok, pages, serve};

type HandlerResult = Result<Response<Body>, Infallible>;

pub const REGISTER_V2: &str = "/_api/iam/authentication/v2/register";
pub const LOGIN_V2: &str = "/_api/iam/authentication/v2/login";

pub fn state_json(state: AuthState) -> Value {
    match state {
        AuthState::Success {
            session_token,
            member,
        } => json!({
            "state": "SUCCESS", "sessionToken": session_token, "identity": member.to_identity_json()
        }),
        AuthState::RequireEmailVerification { state_token } => json!({
            "state": "REQUIRE_EMAIL_VERIFICATION", "stateToken": state_token
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

pub async fn register_v2(app: &App, call: &Call<'_>) -> Result<Response<Body>, ApiError> {
    let body: CredentialsV2 = call.json(app.config.max_body_bytes)?;
    let suspected = take_rate(app, RateKind::Register, &call.source_ip()).await?;
    flows::captcha::check(app, body.captcha_token(), suspected).await?;
    let email = Email::parse(&body.login_id.email)
        .map_err(|e| FieldViolation::email("loginId.email", e.to_string()));
    let password = Password::parse_new(body.password, app.config.password_min_length)
        .map_err(|e| FieldViolation::new("password", "PASSWORD_POLICY", e.to_string()));
    let (email, password) = match (email, password) {
        (Ok(email), Ok(password)) => (email, password),
        (email, password) => {
            return Err(ApiError::Validation(
                [email.err(), password.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            ));
        }
    };
    let state = flows::headless::register(
        app,
        RegistrationV2 {
            email,
            password,
            profile: body.profile.unwrap_or_default(),
        },
    )
    .await?;
    Ok(ok(state_json(state)))
}

pub async fn login_v2(app: &App, call: &Call<'_>) -> Result<Response<Body>, ApiError> {
    let body: CredentialsV2 = call.json(app.config.max_body_bytes)?;
    let attempt = LoginAttempt {
        captcha: Some(body.captcha_token().map(str::to_string)),
        email: Email::parse(&body.login_id.email).ok(),
        password: Password::for_login(body.password).map_err(|_| ApiError::WrongCredentials)?,
        raw_email: body.login_id.email,
        source: call.source_ip(),
    };
    let state = flows::headless::login(app, attempt).await?;
    Ok(ok(state_json(state)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyBody {
    code: String,
    state_token: String,
}

pub async fn verify(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::Verify,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let body: VerifyBody = call.json(app.config.max_body_bytes)?;
            take_rate(app, RateKind::Verify, &call.source_ip()).await?;
            if body.code.len() > 32 || body.state_token.len() > 4096 {
                return Err(ApiError::InvalidCode);
            }
            let state = flows::headless::verify(app, &body.code, &body.state_token).await?;
            Ok(ok(state_json(state)))
        },
    )
    .await
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
    #[serde(default)]
    #[allow(dead_code)]
    language: Option<String>,
}

pub async fn send_recovery_email(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::SendRecoveryEmail,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let body: RecoveryBody = call.json(app.config.max_body_bytes)?;
            take_rate(app, RateKind::Recovery, &call.source_ip()).await?;
            let after = body.redirect.map(|r| AfterReset {
                url: r.url,
                client_id: r.client_id,
            });
            flows::recovery::send_recovery_email(app, Email::parse(&body.email).ok(), after, false)
                .await?;
            Ok(ok(json!({})))
        },
    )
    .await
}

#[derive(Deserialize)]
struct SetPasswordBody {
    email: String,
}

pub async fn send_set_password_email(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::SendSetPasswordEmail,
        app,
        &request,
        |app, call: Call<'_>| async move {
            call.require_trusted(&app.config)?;
            let body: SetPasswordBody = call.json(app.config.max_body_bytes)?;
            let email = Email::parse(&body.email).map_err(|e| {
                ApiError::Validation(vec![FieldViolation::email("email", e.to_string())])
            })?;
            if !flows::recovery::send_recovery_email(app, Some(email), None, true).await? {
                return Err(ApiError::MemberNotFound);
            }
            Ok(ok(json!({ "accepted": true })))
        },
    )
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangeLoginEmailBody {
    new_email: String,
}

pub async fn change_login_email(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::ChangeLoginEmail,
        app,
        &request,
        |app, call: Call<'_>| async move {
            call.require_trusted(&app.config)?;
            // Member ids are UUIDs; anything longer is no member (and would exceed
            // DynamoDB's key size rather than miss).
            let member_id = call.path_parameter("id").unwrap_or_default().to_string();
            if member_id.len() > 64 {
                return Err(ApiError::MemberNotFound);
            }
            let body: ChangeLoginEmailBody = call.json(app.config.max_body_bytes)?;
            let email = Email::parse(&body.new_email).map_err(|e| {
                ApiError::Validation(vec![FieldViolation::email("newEmail", e.to_string())])
            })?;
            let member = flows::account::change_login_email(app, &member_id, email).await?;
            Ok(ok(json!({ "member": member.to_velo_json() })))
        },
    )
    .await
}

#[derive(Deserialize)]
struct ResetBody {
    token: String,
    password: String,
}

pub async fn reset_password(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::ResetPassword,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let min = app.config.password_min_length;
            let targets = app.config.redirect_origins();
            if call.route.method == Method::GET {
                let token = call.query("token").unwrap_or_default();
                return Ok(pages::reset_form(&token, min, None, &targets));
            }
            let body: ResetBody = call.json_or_form(app.config.max_body_bytes)?;
            let password = match Password::parse_new(body.password, min) {
                Ok(password) => password,
                Err(problem) => {
                    return Ok(pages::reset_form(
                        &body.token,
                        min,
                        Some(&problem.to_string()),
                        &targets,
                    ));
                }
            };
            match flows::recovery::reset_password(app, &body.token, password).await {
                Ok(reset) => Ok(match reset.redirect_url {
                    Some(url) => pages::redirect(&url),
                    None => pages::reset_done(),
                }),
                Err(ApiError::InvalidGrant) => Ok(pages::error_page(
                    StatusCode::BAD_REQUEST,
                    "This link is invalid, already used or expired. Ask for a new one.",
                )),
                Err(err) => Err(err),
            }
        },
    )
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthRequestBody {
    client_id: String,
    code_challenge: String,
    code_challenge_method: String,
    response_mode: String,
    response_type: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    session_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthPart {
    auth_request: AuthRequestBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogoutPart {
    client_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Callbacks {
    #[serde(default)]
    post_flow_url: Option<String>,
}

#[derive(Deserialize)]
struct RedirectSessionBody {
    #[serde(default)]
    auth: Option<AuthPart>,
    #[serde(default)]
    logout: Option<LogoutPart>,
    #[serde(default)]
    callbacks: Option<Callbacks>,
}

pub async fn redirect_session(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::RedirectSession,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let body: RedirectSessionBody = call.json(app.config.max_body_bytes)?;
            let full_url = match (body.auth, body.logout) {
                (Some(auth), None) => {
                    let r = auth.auth_request;
                    let mode = ResponseMode::parse(&r.response_mode).ok_or(
                        ApiError::OAuthInvalidRequest(
                            "responseMode must be query, fragment or web_message",
                        ),
                    )?;
                    let (_, redirect_uri) = oauth::validate_auth_request(
                        app,
                        &r.client_id,
                        &r.response_type,
                        &r.code_challenge_method,
                        &r.code_challenge,
                        r.redirect_uri.as_deref(),
                        mode,
                    )?;
                    let request = AuthRequest {
                        client_id: r.client_id,
                        redirect_uri: r.redirect_uri,
                        response_mode: mode,
                        scope: r.scope.unwrap_or_else(|| "offline_access".into()),
                        state: r.state.unwrap_or_default(),
                        code_challenge: r.code_challenge,
                        session_token: r.session_token,
                    };
                    oauth::authorize_url(app, &request, &redirect_uri)
                }
                (None, Some(logout)) => {
                    let post_flow_url = body.callbacks.and_then(|c| c.post_flow_url).ok_or(
                        ApiError::OAuthInvalidRequest("callbacks.postFlowUrl is required"),
                    )?;
                    oauth::logout_url(app, &logout.client_id, &post_flow_url, call.access_token())
                        .await?
                }
                _ => {
                    return Err(ApiError::OAuthInvalidRequest(
                        "give exactly one of auth or logout",
                    ));
                }
            };
            let id = uuid::Uuid::new_v4().to_string();
            Ok(ok(
                json!({ "redirectSession": { "id": id, "fullUrl": full_url } }),
            ))
        },
    )
    .await
}

/// Where an authorize outcome goes once the client and redirect are known good.
struct Reply<'a> {
    mode: ResponseMode,
    redirect_uri: String,
    origins: &'a [String],
    state: String,
}

impl Reply<'_> {
    fn send(&self, params: &[(&str, &str)]) -> Response<Body> {
        let mut pairs: Vec<(&str, &str)> = params.to_vec();
        pairs.push(("state", &self.state));
        match self.mode {
            ResponseMode::WebMessage => {
                let message: serde_json::Map<String, Value> = pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::from(*v)))
                    .collect();
                pages::web_message(self.origins, &Value::Object(message))
            }
            ResponseMode::Query | ResponseMode::Fragment => {
                let separator = match (self.mode, self.redirect_uri.contains('?')) {
                    (ResponseMode::Fragment, _) => '#',
                    (_, true) => '&',
                    _ => '?',
                };
                let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
                pages::redirect(&format!("{}{separator}{query}", self.redirect_uri))
            }
        }
    }
}

pub async fn authorize(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::Authorize,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let q = |name: &str| call.query(name).unwrap_or_default();
            let Some(mode) = ResponseMode::parse(&q("response_mode")) else {
                return Ok(pages::error_page(
                    StatusCode::BAD_REQUEST,
                    "Unsupported response_mode.",
                ));
            };
            let redirect_uri = call.query("redirect_uri");
            let validated = oauth::validate_auth_request(
                app,
                &q("client_id"),
                &q("response_type"),
                &q("code_challenge_method"),
                &q("code_challenge"),
                redirect_uri.as_deref(),
                mode,
            );
            let (client, redirect_uri) = match validated {
                Ok(ok) => ok,
                Err(err) => {
                    return Ok(pages::error_page(StatusCode::BAD_REQUEST, &err.to_string()));
                }
            };
            let reply = Reply {
                mode,
                redirect_uri: redirect_uri.clone(),
                origins: &client.origins,
                state: q("state"),
            };
            let Some(session_token) = call.query("sessionToken").filter(|t| !t.is_empty()) else {
                return Ok(reply.send(&[
                    ("error", "login_required"),
                    ("error_description", "a session token is required"),
                ]));
            };
            match oauth::issue_code(
                app,
                &client.client_id,
                &redirect_uri,
                &q("code_challenge"),
                &session_token,
            )
            .await
            {
                Ok(code) => Ok(reply.send(&[("code", &code)])),
                Err(ApiError::Unauthenticated) => Ok(reply.send(&[
                    ("error", "access_denied"),
                    (
                        "error_description",
                        "the session token is invalid, expired or revoked",
                    ),
                ])),
                Err(err) => Err(err),
            }
        },
    )
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenBody {
    #[serde(default, alias = "client_id")]
    client_id: Option<String>,
    #[serde(alias = "grant_type")]
    grant_type: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default, alias = "code_verifier")]
    code_verifier: Option<String>,
    #[serde(default, alias = "redirect_uri")]
    redirect_uri: Option<String>,
    #[serde(default, alias = "refresh_token")]
    refresh_token: Option<String>,
}

pub async fn token(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::Token,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let body: TokenBody = call.json_or_form(app.config.max_body_bytes)?;
            let client_id = body.client_id.as_deref().unwrap_or_default();
            // Refresh tokens carry 256 bits; guessing them is hopeless, and the refresh
            // path keeps its two-read budget. The grants that mint new tokens are limited.
            if body.grant_type != "refresh_token" {
                take_rate(app, RateKind::Token, &call.source_ip()).await?;
            }
            let tokens = match body.grant_type.as_str() {
                "anonymous" => oauth::visitor_tokens(app, client_id).await?,
                "authorization_code" => {
                    let code = body
                        .code
                        .as_deref()
                        .ok_or(ApiError::OAuthInvalidRequest("code is required"))?;
                    let verifier = body
                        .code_verifier
                        .as_deref()
                        .ok_or(ApiError::OAuthInvalidRequest("codeVerifier is required"))?;
                    oauth::exchange_code(
                        app,
                        client_id,
                        code,
                        verifier,
                        body.redirect_uri.as_deref(),
                    )
                    .await?
                }
                "refresh_token" => {
                    let refresh = body
                        .refresh_token
                        .as_deref()
                        .ok_or(ApiError::OAuthInvalidRequest("refreshToken is required"))?;
                    oauth::refresh(app, body.client_id.as_deref(), refresh).await?
                }
                _ => return Err(ApiError::OAuthInvalidRequest("unsupported grantType")),
            };
            Ok(ok(json!({
                "access_token": tokens.access_token,
                "token_type": "Bearer",
                "expires_in": oauth::ACCESS_TOKEN_TTL_SECS,
                "refresh_token": tokens.refresh_token,
            })))
        },
    )
    .await
}

pub async fn logout(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::Logout,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let id = call.query("id").unwrap_or_default();
            if id.is_empty() || id.len() > 64 {
                return Ok(pages::error_page(
                    StatusCode::BAD_REQUEST,
                    "unknown or expired logout request",
                ));
            }
            match oauth::logout(app, &id).await {
                Ok(url) => Ok(pages::redirect(&url)),
                Err(ApiError::OAuthInvalidRequest(problem)) => {
                    Ok(pages::error_page(StatusCode::BAD_REQUEST, problem))
                }
                Err(err) => Err(err),
            }
        },
    )
    .await
}

pub async fn current_member(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::CurrentMember,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let token = call.access_token().ok_or(ApiError::Unauthenticated)?;
            let member = oauth::current_member(app, token).await?;
            Ok(ok(json!({ "member": member.to_rest_json() })))
        },
    )
    .await
}

/// Feeds `data` to every body parser of the headless routes (for the fuzzer), as
/// JSON and as a form.
#[doc(hidden)]
pub fn fuzz_bodies(data: &[u8]) {
    let limit = 16 * 1024;
    let request = super::fuzz_request(data);
    if let Ok(body) = super::parse_json_body::<CredentialsV2>(&request, limit) {
        let _ = body.captcha_token();
        if let Some(profile) = body.profile {
            let _ = profile.into_parts();
        }
    }
    let _ = super::parse_json_body::<VerifyBody>(&request, limit);
    let _ = super::parse_json_body::<RecoveryBody>(&request, limit);
    let _ = super::parse_json_body::<SetPasswordBody>(&request, limit);
    let _ = super::parse_json_body::<ChangeLoginEmailBody>(&request, limit);
    let _ = super::parse_json_body::<RedirectSessionBody>(&request, limit);
    let _ = serde_urlencoded::from_bytes::<TokenBody>(data);
    let _ = serde_urlencoded::from_bytes::<ResetBody>(data);
    let _ = super::parse_json_body::<TokenBody>(&request, limit);
}
