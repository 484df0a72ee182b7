//! The one way into a handler: route, build the app if needed, run the endpoint's
//! handler, and answer every error, as the envelope or (on a hosted page) as an error
//! page. Never fails.

use std::convert::Infallible;

use lambda_http::{
    Body, Request, Response,
    http::{Method, StatusCode},
};
use tracing::{error, info, warn};

use crate::{
    App,
    app::{AppSource, Backend},
    error::ApiError,
};

use super::{
    Call,
    call::{request_id, request_path},
    headless, pages,
    respond::error_response,
    routes::{self, Endpoint, Format, Function},
    velo,
};

/// The handler table: each endpoint's handler.
pub async fn handle<B: Backend>(
    endpoint: Endpoint,
    app: &App<B>,
    call: Call<'_>,
) -> Result<Response<Body>, ApiError> {
    match endpoint {
        Endpoint::VeloLogin => velo::login(app, call).await,
        Endpoint::VeloRegister => velo::register(app, call).await,
        Endpoint::GenerateSessionToken => velo::generate_session_token(app, call).await,
        Endpoint::ApproveByToken => velo::approve_by_token(app, call).await,
        Endpoint::ApproveByEmail => velo::approve_by_email(app, call).await,
        Endpoint::BlockByEmail => velo::block_by_email(app, call).await,
        Endpoint::SendSetPasswordEmail => velo::send_set_password_email(app, call).await,
        Endpoint::ChangeLoginEmail => velo::change_login_email(app, call).await,
        Endpoint::RegisterV2 => headless::identity::register(app, call).await,
        Endpoint::LoginV2 => headless::identity::login(app, call).await,
        Endpoint::Verify => headless::identity::verify(app, call).await,
        Endpoint::StartVerification => headless::identity::start_verification(app, call).await,
        Endpoint::SendRecoveryEmail => headless::identity::send_recovery_email(app, call).await,
        Endpoint::ResetPasswordForm => headless::reset::form(app, call).await,
        Endpoint::ResetPassword => headless::reset::submit(app, call).await,
        Endpoint::Recover => headless::identity::recover(app, call).await,
        Endpoint::ChangePassword => headless::identity::change_password(app, call).await,
        Endpoint::RedirectSession => headless::oauth::redirect_session(app, call).await,
        Endpoint::Authorize => headless::oauth::authorize(app, call).await,
        Endpoint::SessionPage => headless::oauth::session_page(app, call).await,
        Endpoint::Token => headless::oauth::token(app, call).await,
        Endpoint::SignOn => headless::identity::sign_on(app, call).await,
        Endpoint::Logout => headless::oauth::logout(app, call).await,
        Endpoint::LogoutV1 => headless::oauth::logout_v1(app, call).await,
        Endpoint::ValidateEmail => headless::identity::validate_email(app, call).await,
        Endpoint::CurrentMember => headless::oauth::current_member(app, call).await,
    }
}

/// Matches the request against `function`'s routes, runs the endpoint's handler, and
/// turns its result (or any error) into a response.
pub async fn serve<B: Backend>(
    function: Function,
    source: &impl AppSource<B>,
    request: Request,
) -> Result<Response<Body>, Infallible> {
    let request_id = request_id(&request);
    let path = request_path(&request);
    let method = request.method();
    let mut format = Format::Json;
    let result = match routes::find(function, method, path) {
        Ok(route) => {
            format = route.endpoint.format();
            let call = Call {
                request: &request,
                route,
                request_id: request_id.clone(),
            };
            // Routing needs no settings: a stray request never pays for the app's build.
            match source.app().await {
                Ok(app) => handle(route.endpoint, app, call).await,
                Err(err) => Err(ApiError::unavailable(err)),
            }
        }
        Err(err) => Err(err),
    };
    let response = match result {
        Ok(response) => response,
        Err(err) => {
            if err.is_server_side() {
                error!(request_id = %request_id, function = function.name(), error = %err.chain(), "request failed");
            } else {
                warn!(request_id = %request_id, function = function.name(), status = err.status(), code = err.code(), "request refused");
            }
            match format {
                // A page's request error is shown in the browser; limits and outages
                // are the API's and keep the envelope.
                Format::Html if err.status() == 400 => {
                    pages::error_page(StatusCode::BAD_REQUEST, &page_message(&err))
                }
                _ => error_response(&err, &request_id),
            }
        }
    };
    if method != Method::OPTIONS {
        info!(request_id = %request_id, function = function.name(), status = response.status().as_u16(), "request done");
    }
    Ok(response)
}

/// What an error page says: the problem in words a member can act on.
fn page_message(err: &ApiError) -> String {
    match err {
        ApiError::InvalidGrant => {
            "This link is invalid, already used or expired. Ask for a new one.".into()
        }
        ApiError::OAuthInvalidRequest(problem) => (*problem).into(),
        other => other.to_string(),
    }
}

/// A Lambda function's whole life: logging, the app from the environment (built on
/// the first request that needs it), and every event through [`serve`].
pub async fn run(function: Function) -> Result<(), lambda_http::Error> {
    crate::telemetry::init();
    let app = crate::LazyApp::from_env()?;
    lambda_http::run(lambda_http::service_fn(|request| {
        serve(function, &app, request)
    }))
    .await
}
