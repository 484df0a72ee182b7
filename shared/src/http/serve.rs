//! The one way into a handler: route, build the app if needed, run the endpoint's
//! handler, and answer every error, as the envelope or (on a hosted page) as an error
//! page. Never fails.

use std::{convert::Infallible, future::Future, pin::Pin};

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
    cors::LocalCors,
    headless, members,
    pages::{self, Look},
    respond::error_response,
    routes::{self, Endpoint, Format, Function},
    velo,
};

/// `F` for a build that serves every function (tests, benchmarks, tools).
pub const EVERY_FUNCTION: u8 = u8::MAX;

/// Whether a build for function `F` holds `function`'s handlers. Each Lambda is built
/// for its own function, so the arms of the others fold away and their code is not
/// linked in: every binary stays the size of its own function.
const fn built_in<const F: u8>(function: Function) -> bool {
    F == EVERY_FUNCTION || F == function as u8
}

/// What a handler answers, boxed: each arm of the table builds its own future, so an
/// arm folded away takes its handler's code with it (one big `async` match would keep
/// every handler's states in one state machine, live or not).
pub type Handled<'a> = Pin<Box<dyn Future<Output = Result<Response<Body>, ApiError>> + Send + 'a>>;

/// The handler table: each endpoint's handler (in a build for function `F`, only that
/// function's; routing never hands it another's).
pub fn handle<'a, B: Backend, const F: u8>(
    endpoint: Endpoint,
    app: &'a App<B>,
    call: Call<'a>,
) -> Handled<'a> {
    match endpoint {
        Endpoint::VeloLogin if built_in::<F>(Function::Login) => Box::pin(velo::login(app, call)),
        Endpoint::SiteLogin if built_in::<F>(Function::Login) => {
            Box::pin(velo::site_login(app, call))
        }
        Endpoint::SiteRegister if built_in::<F>(Function::Register) => {
            Box::pin(velo::site_register(app, call))
        }
        Endpoint::VeloRegister if built_in::<F>(Function::Register) => {
            Box::pin(velo::register(app, call))
        }
        Endpoint::GenerateSessionToken if built_in::<F>(Function::GenerateSessionToken) => {
            Box::pin(velo::generate_session_token(app, call))
        }
        Endpoint::ApproveByToken if built_in::<F>(Function::ApproveByToken) => {
            Box::pin(velo::approve_by_token(app, call))
        }
        Endpoint::ApproveByEmail if built_in::<F>(Function::ApproveByEmail) => {
            Box::pin(velo::approve_by_email(app, call))
        }
        Endpoint::BlockByEmail if built_in::<F>(Function::BlockByEmail) => {
            Box::pin(velo::block_by_email(app, call))
        }
        Endpoint::SendSetPasswordEmail if built_in::<F>(Function::SendSetPasswordEmail) => {
            Box::pin(velo::send_set_password_email(app, call))
        }
        Endpoint::ChangeLoginEmail if built_in::<F>(Function::ChangeLoginEmail) => {
            Box::pin(velo::change_login_email(app, call))
        }
        Endpoint::SiteSendSetPasswordEmail if built_in::<F>(Function::SendSetPasswordEmail) => {
            Box::pin(velo::site_send_set_password_email(app, call))
        }
        Endpoint::SiteChangeLoginEmail if built_in::<F>(Function::ChangeLoginEmail) => {
            Box::pin(velo::site_change_login_email(app, call))
        }
        Endpoint::SiteApprove if built_in::<F>(Function::ApproveByEmail) => {
            Box::pin(velo::site_approve(app, call))
        }
        Endpoint::SiteBlock if built_in::<F>(Function::BlockByEmail) => {
            Box::pin(velo::site_block(app, call))
        }
        Endpoint::RegisterV2 if built_in::<F>(Function::Register) => {
            Box::pin(headless::identity::register(app, call))
        }
        Endpoint::LoginV2 if built_in::<F>(Function::Login) => {
            Box::pin(headless::identity::login(app, call))
        }
        Endpoint::Verify if built_in::<F>(Function::Verify) => {
            Box::pin(headless::identity::verify(app, call))
        }
        Endpoint::StartVerification if built_in::<F>(Function::Verify) => {
            Box::pin(headless::identity::start_verification(app, call))
        }
        Endpoint::SendRecoveryEmail if built_in::<F>(Function::SendRecoveryEmail) => {
            Box::pin(headless::identity::send_recovery_email(app, call))
        }
        Endpoint::ResetPasswordForm if built_in::<F>(Function::ResetPassword) => {
            Box::pin(headless::reset::form(app, call))
        }
        Endpoint::ResetPassword if built_in::<F>(Function::ResetPassword) => {
            Box::pin(headless::reset::submit(app, call))
        }
        Endpoint::Recover if built_in::<F>(Function::ResetPassword) => {
            Box::pin(headless::identity::recover(app, call))
        }
        Endpoint::ChangePassword if built_in::<F>(Function::ResetPassword) => {
            Box::pin(headless::identity::change_password(app, call))
        }
        Endpoint::RedirectSession if built_in::<F>(Function::RedirectSession) => {
            Box::pin(headless::oauth::redirect_session(app, call))
        }
        Endpoint::Authorize if built_in::<F>(Function::Authorize) => {
            Box::pin(headless::authorize::authorize(app, call))
        }
        Endpoint::SignIn if built_in::<F>(Function::Authorize) => {
            Box::pin(headless::sign_in::submit(app, call))
        }
        Endpoint::SessionPage if built_in::<F>(Function::Authorize) => {
            Box::pin(headless::oauth::session_page(app, call))
        }
        Endpoint::Token if built_in::<F>(Function::Token) => {
            Box::pin(headless::oauth::token(app, call))
        }
        Endpoint::SignOn if built_in::<F>(Function::Token) => {
            Box::pin(headless::identity::sign_on(app, call))
        }
        Endpoint::Logout if built_in::<F>(Function::Logout) => {
            Box::pin(headless::oauth::logout(app, call))
        }
        Endpoint::LogoutV1 if built_in::<F>(Function::Logout) => {
            Box::pin(headless::oauth::logout_v1(app, call))
        }
        Endpoint::ValidateEmail if built_in::<F>(Function::Register) => {
            Box::pin(headless::identity::validate_email(app, call))
        }
        Endpoint::UpdateMember if built_in::<F>(Function::UpdateMember) => {
            Box::pin(members::update_member(app, call))
        }
        Endpoint::ApproveMember if built_in::<F>(Function::ApproveMember) => {
            Box::pin(members::approve_member(app, call))
        }
        Endpoint::BlockMember if built_in::<F>(Function::BlockMember) => {
            Box::pin(members::block_member(app, call))
        }
        Endpoint::DeleteMember if built_in::<F>(Function::DeleteMember) => {
            Box::pin(members::delete_member(app, call))
        }
        Endpoint::UpdateMemberSlug if built_in::<F>(Function::UpdateMemberSlug) => {
            Box::pin(members::update_member_slug(app, call))
        }
        Endpoint::DeleteMyMember if built_in::<F>(Function::DeleteMyMember) => {
            Box::pin(members::delete_my_member(app, call))
        }
        Endpoint::UpdateMySlug if built_in::<F>(Function::UpdateMySlug) => {
            Box::pin(members::update_my_slug(app, call))
        }
        Endpoint::JoinCommunity if built_in::<F>(Function::JoinCommunity) => {
            Box::pin(members::join_community(app, call))
        }
        Endpoint::LeaveCommunity if built_in::<F>(Function::LeaveCommunity) => {
            Box::pin(members::leave_community(app, call))
        }
        Endpoint::DeleteMemberPhones if built_in::<F>(Function::DeleteMemberPhones) => {
            Box::pin(members::delete_member_phones(app, call))
        }
        Endpoint::DeleteMemberEmails if built_in::<F>(Function::DeleteMemberEmails) => {
            Box::pin(members::delete_member_emails(app, call))
        }
        Endpoint::DeleteMemberAddresses if built_in::<F>(Function::DeleteMemberAddresses) => {
            Box::pin(members::delete_member_addresses(app, call))
        }
        Endpoint::GetMember if built_in::<F>(Function::GetMember) => {
            Box::pin(members::get_member(app, call))
        }
        Endpoint::ListMembers if built_in::<F>(Function::ListMembers) => {
            Box::pin(members::list_members(app, call))
        }
        Endpoint::QueryMembers if built_in::<F>(Function::QueryMembers) => {
            Box::pin(members::query_members(app, call))
        }
        Endpoint::CreateMember if built_in::<F>(Function::CreateMember) => {
            Box::pin(members::create_member(app, call))
        }
        Endpoint::MuteMember if built_in::<F>(Function::MuteMember) => {
            Box::pin(members::mute_member(app, call))
        }
        Endpoint::UnmuteMember if built_in::<F>(Function::UnmuteMember) => {
            Box::pin(members::unmute_member(app, call))
        }
        Endpoint::DisconnectMember if built_in::<F>(Function::DisconnectMember) => {
            Box::pin(members::disconnect_member(app, call))
        }
        Endpoint::BulkDeleteMembers if built_in::<F>(Function::BulkDeleteMembers) => {
            Box::pin(members::bulk_delete_members(app, call))
        }
        Endpoint::BulkDeleteMembersByFilter
            if built_in::<F>(Function::BulkDeleteMembersByFilter) =>
        {
            Box::pin(members::bulk_delete_by_filter(app, call))
        }
        Endpoint::BulkApproveMembers if built_in::<F>(Function::BulkApproveMembers) => {
            Box::pin(members::bulk_approve_by_filter(app, call))
        }
        Endpoint::BulkBlockMembers if built_in::<F>(Function::BulkBlockMembers) => {
            Box::pin(members::bulk_block_by_filter(app, call))
        }
        Endpoint::SendActivationEmail if built_in::<F>(Function::SendActivationEmail) => {
            Box::pin(headless::identity::send_activation_email(app, call))
        }
        Endpoint::CurrentMember if built_in::<F>(Function::CurrentMember) => {
            Box::pin(headless::oauth::current_member(app, call))
        }
        other => Box::pin(std::future::ready(Err(ApiError::internal(format!(
            "{other:?} is not served by this build"
        ))))),
    }
}

/// Matches the request against `function`'s routes, runs the endpoint's handler, and
/// turns its result (or any error) into a response.
pub async fn serve<B: Backend>(
    function: Function,
    source: &impl AppSource<B>,
    request: Request,
) -> Result<Response<Body>, Infallible> {
    serve_in::<B, EVERY_FUNCTION>(function, source, request, None).await
}

/// [`serve`] in a build for function `F` (see [`built_in`]), behind `make dev`'s CORS
/// stand-in where it runs.
async fn serve_in<B: Backend, const F: u8>(
    function: Function,
    source: &impl AppSource<B>,
    request: Request,
    cors: Option<&LocalCors>,
) -> Result<Response<Body>, Infallible> {
    let Some(cors) = cors else {
        return serve_routed::<B, F>(function, source, &request).await;
    };
    if let Some(preflight) = cors.preflight(&request) {
        return Ok(preflight);
    }
    let mut response = serve_routed::<B, F>(function, source, &request).await?;
    cors.decorate(&request, &mut response);
    Ok(response)
}

async fn serve_routed<B: Backend, const F: u8>(
    function: Function,
    source: &impl AppSource<B>,
    request: &Request,
) -> Result<Response<Body>, Infallible> {
    let request_id = request_id(request);
    let path = request_path(request);
    let method = request.method();
    let mut format = Format::Json;
    let result = match routes::find(function, method, path) {
        Ok(route) => {
            format = route.endpoint.format();
            let call = Call {
                request,
                route,
                request_id: request_id.clone(),
            };
            // Routing needs no settings: a stray request never pays for the app's build.
            match source.app().await {
                Ok(app) => handle::<B, F>(route.endpoint, app, call).await,
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
                Format::Html if err.status() == 400 => match source.app().await {
                    Ok(app) => {
                        let look = Look::for_request(&app.config.ui, request);
                        page_for(look, &err)
                    }
                    Err(_) => error_response(&err, &request_id),
                },
                _ => error_response(&err, &request_id),
            }
        }
    };
    if method != Method::OPTIONS {
        info!(request_id = %request_id, function = function.name(), status = response.status().as_u16(), "request done");
    }
    Ok(response)
}

/// The error page of a refused page request: the problem in words a member can act on
/// where there are such words, else the service's description of the request's fault.
fn page_for(look: Look<'_>, err: &ApiError) -> Response<Body> {
    let status = StatusCode::BAD_REQUEST;
    match err {
        ApiError::InvalidGrant => pages::error_page_saying(look, status, "problem-link"),
        ApiError::OAuthInvalidRequest(problem) => pages::error_page(look, status, problem),
        other => pages::error_page(look, status, &other.to_string()),
    }
}

/// A Lambda function's whole life: logging, the app from the environment (built on
/// the first request that needs it), and every event through [`serve`].
/// `F` is the function's number (`Function::Login as u8`), so the build holds that
/// function's handlers only.
pub async fn run<const F: u8>() -> Result<(), lambda_http::Error> {
    let function = Function::ALL
        .get(usize::from(F))
        .copied()
        .ok_or("no such function")?;
    crate::telemetry::init();
    let app = crate::LazyApp::from_env()?;
    let cors = LocalCors::from_setting(std::env::var("LOCAL_CORS_ORIGINS").ok());
    lambda_http::run(lambda_http::service_fn(|request| {
        serve_in::<_, F>(function, &app, request, cors.as_ref())
    }))
    .await
}
