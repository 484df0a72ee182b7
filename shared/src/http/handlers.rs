//! One entry per Lambda function: parse, call a flow, map the result.

use std::convert::Infallible;

use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    app::LazyApp,
    domain::{
        Email, Password,
        email::EmailError,
        member::{ContactInfo, PrivacyStatus},
    },
    error::{ApiError, FieldViolation},
    flows::{
        self,
        login::LoginAttempt,
        register::Registration,
        throttle::{RateKind, take_rate},
    },
};

use super::{Call, Function, headless, ok, serve};

type HandlerResult = Result<Response<Body>, Infallible>;

fn parse_email(field: &str, raw: &str) -> Result<Email, ApiError> {
    Email::parse(raw).map_err(|e: EmailError| {
        ApiError::Validation(vec![FieldViolation::email(field, e.to_string())])
    })
}

fn parse_new_password(app: &App, raw: String) -> Result<Password, ApiError> {
    Password::parse_new(raw, app.config.password_min_length)
        .map_err(|e| ApiError::field("password", "PASSWORD_POLICY", e.to_string()))
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

pub async fn login(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::Login,
        app,
        &request,
        |app, call: Call<'_>| async move {
            if call.route.path == headless::LOGIN_V2 {
                return headless::login_v2(app, &call).await;
            }
            let body: EmailPassword = call.json(app.config.max_body_bytes)?;
            // A malformed email cannot belong to any member: it takes the unknown-email
            // path, with the same answer and the same cost as a wrong password.
            let attempt = LoginAttempt {
                // A backend web method: the calling site's backend, not a browser.
                captcha: None,
                email: Email::parse(&body.email).ok(),
                password: Password::for_login(body.password)
                    .map_err(|_| ApiError::WrongCredentials)?,
                raw_email: body.email,
                source: call.source_ip(),
            };
            let logged_in = flows::login::velo_login(app, attempt).await?;
            Ok(ok(json!({ "sessionToken": logged_in.session_token })))
        },
    )
    .await
}

pub async fn register(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::Register,
        app,
        &request,
        |app, call: Call<'_>| async move {
            if call.route.path == headless::REGISTER_V2 {
                return headless::register_v2(app, &call).await;
            }
            let body: RegisterBody = call.json(app.config.max_body_bytes)?;
            take_rate(app, RateKind::Register, &call.source_ip()).await?;
            let email = parse_email("email", &body.email);
            let password = parse_new_password(app, body.password);
            let (email, password) = match (email, password) {
                (Ok(email), Ok(password)) => (email, password),
                (email, password) => {
                    let violations = [email.err(), password.err()]
                        .into_iter()
                        .flatten()
                        .flat_map(|err| match err {
                            ApiError::Validation(v) => v,
                            _ => Vec::new(),
                        })
                        .collect();
                    return Err(ApiError::Validation(violations));
                }
            };
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
        },
    )
    .await
}

pub async fn generate_session_token(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::GenerateSessionToken,
        app,
        &request,
        |app, call: Call<'_>| async move {
            call.require_trusted(&app.config)?;
            let body: EmailOnly = call.json(app.config.max_body_bytes)?;
            let email = parse_email("email", &body.email)?;
            let token = flows::session::generate_session_token(app, email).await?;
            Ok(ok(json!({ "sessionToken": token })))
        },
    )
    .await
}

pub async fn approve_by_token(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::ApproveByToken,
        app,
        &request,
        |app, call: Call<'_>| async move {
            let body: TokenOnly = call.json(app.config.max_body_bytes)?;
            if body.token.is_empty() || body.token.len() > 512 {
                return Err(ApiError::InvalidApprovalToken);
            }
            let token = flows::approve::by_token(app, &body.token).await?;
            Ok(ok(json!({ "sessionToken": token })))
        },
    )
    .await
}

pub async fn approve_by_email(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::ApproveByEmail,
        app,
        &request,
        |app, call: Call<'_>| async move {
            call.require_trusted(&app.config)?;
            let body: EmailOnly = call.json(app.config.max_body_bytes)?;
            let email = parse_email("email", &body.email)?;
            let token = flows::approve::by_email(app, &email).await?;
            Ok(ok(json!({ "sessionToken": token })))
        },
    )
    .await
}

pub async fn block_by_email(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::BlockByEmail,
        app,
        &request,
        |app, call: Call<'_>| async move {
            call.require_trusted(&app.config)?;
            let body: EmailOnly = call.json(app.config.max_body_bytes)?;
            let email = parse_email("email", &body.email)?;
            flows::block::by_email(app, &email).await?;
            Ok(ok(json!({})))
        },
    )
    .await
}

/// The fallback: 404 for unknown paths, 405 for a known path with another method.
pub async fn not_found(app: &LazyApp, request: Request) -> HandlerResult {
    serve(
        Function::NotFound,
        app,
        &request,
        |_app, _call: Call<'_>| async move { Err::<Response<Body>, _>(ApiError::RouteNotFound) },
    )
    .await
}

/// The handler of each function, for callers that dispatch by name (tests, tools).
pub async fn dispatch(function: Function, app: &LazyApp, request: Request) -> HandlerResult {
    match function {
        Function::Login => login(app, request).await,
        Function::Register => register(app, request).await,
        Function::GenerateSessionToken => generate_session_token(app, request).await,
        Function::ApproveByToken => approve_by_token(app, request).await,
        Function::ApproveByEmail => approve_by_email(app, request).await,
        Function::BlockByEmail => block_by_email(app, request).await,
        Function::Verify => headless::verify(app, request).await,
        Function::SendRecoveryEmail => headless::send_recovery_email(app, request).await,
        Function::ResetPassword => headless::reset_password(app, request).await,
        Function::RedirectSession => headless::redirect_session(app, request).await,
        Function::Authorize => headless::authorize(app, request).await,
        Function::Token => headless::token(app, request).await,
        Function::Logout => headless::logout(app, request).await,
        Function::CurrentMember => headless::current_member(app, request).await,
        Function::SendSetPasswordEmail => headless::send_set_password_email(app, request).await,
        Function::ChangeLoginEmail => headless::change_login_email(app, request).await,
        Function::NotFound => not_found(app, request).await,
    }
}

/// Feeds `data` to every body parser of this module's routes (for the fuzzer).
#[doc(hidden)]
pub fn fuzz_bodies(data: &[u8]) {
    let request = super::fuzz_request(data);
    let limit = 16 * 1024;
    let _ = super::parse_json_body::<EmailPassword>(&request, limit);
    let _ = super::parse_json_body::<EmailOnly>(&request, limit);
    let _ = super::parse_json_body::<TokenOnly>(&request, limit);
    let _ = super::parse_json_body::<RegisterBody>(&request, limit);
}
