//! The route table: each method and path the service answers, and its endpoint.

use lambda_http::http::Method;

use super::{Endpoint, Function};

#[derive(Debug)]
pub struct Route {
    pub endpoint: Endpoint,
    pub method: Method,
    pub path: &'static str,
}

impl Route {
    pub fn function(&self) -> Function {
        self.endpoint.function()
    }
}

const fn route(endpoint: Endpoint, method: Method, path: &'static str) -> Route {
    Route {
        endpoint,
        method,
        path,
    }
}

const fn post(endpoint: Endpoint, path: &'static str) -> Route {
    route(endpoint, Method::POST, path)
}

const fn get(endpoint: Endpoint, path: &'static str) -> Route {
    route(endpoint, Method::GET, path)
}

pub static ROUTES: &[Route] = &[
    post(Endpoint::VeloLogin, "/backend/authentication/login"),
    post(Endpoint::VeloRegister, "/backend/authentication/register"),
    post(Endpoint::SiteLogin, "/wix-sm/api/v1/auth/api/v1/auth/login"),
    post(
        Endpoint::SiteRegister,
        "/wix-sm/api/v1/auth/api/v1/auth/register",
    ),
    post(
        Endpoint::GenerateSessionToken,
        "/backend/authentication/generate-session-token",
    ),
    post(
        Endpoint::ApproveByToken,
        "/backend/authentication/approve-by-token",
    ),
    post(
        Endpoint::ApproveByEmail,
        "/backend/authentication/approve-by-email",
    ),
    post(
        Endpoint::BlockByEmail,
        "/backend/authentication/block-by-email",
    ),
    post(
        Endpoint::SendSetPasswordEmail,
        "/backend/authentication/send-set-password-email",
    ),
    route(
        Endpoint::ChangeLoginEmail,
        Method::PATCH,
        "/backend/members/{id}/login-email",
    ),
    // The `@wix/members` `authentication` module's forms of the same web methods.
    post(
        Endpoint::SiteSendSetPasswordEmail,
        "/wix-sm/api/v1/auth/v1/auth/members/send-set-password-email",
    ),
    route(
        Endpoint::SiteChangeLoginEmail,
        Method::PATCH,
        "/api/v1/members/{id}/change-login-email",
    ),
    post(Endpoint::SiteApprove, "/api/v1/members/approve"),
    post(Endpoint::SiteBlock, "/api/v1/members/block"),
    post(Endpoint::RegisterV2, "/_api/iam/authentication/v2/register"),
    post(Endpoint::LoginV2, "/_api/iam/authentication/v2/login"),
    post(
        Endpoint::ValidateEmail,
        "/_api/iam/authentication/v2/validate-email",
    ),
    get(Endpoint::LogoutV1, "/_api/iam/authentication/v1/logout"),
    post(Endpoint::Verify, "/_api/iam/verification/v1/auth/verify"),
    post(
        Endpoint::StartVerification,
        "/_api/iam/verification/v1/start",
    ),
    post(
        Endpoint::SendRecoveryEmail,
        "/_api/iam/recovery/v1/send-email",
    ),
    get(Endpoint::ResetPasswordForm, "/recovery/reset-password"),
    post(Endpoint::ResetPassword, "/recovery/reset-password"),
    post(Endpoint::Recover, "/_api/iam/recovery/v1/recover"),
    post(
        Endpoint::ChangePassword,
        "/_api/iam/authentication/v2/change-password",
    ),
    post(
        Endpoint::RedirectSession,
        "/_api/redirects-api/v1/redirect-session",
    ),
    post(
        Endpoint::RedirectSession,
        "/redirect-session/v1/redirect-session",
    ),
    get(Endpoint::Authorize, "/oauth2/authorize"),
    post(Endpoint::SignIn, "/oauth2/authorize"),
    get(Endpoint::SessionPage, "/oauth2/session"),
    post(Endpoint::Token, "/oauth2/token"),
    post(Endpoint::SignOn, "/_api/iam/authentication/v2/sign-on"),
    get(Endpoint::Logout, "/oauth2/logout"),
    get(Endpoint::CurrentMember, "/members/v1/members/my"),
    // The `@wix/members` `members` module: the signed-in member's own account.
    route(
        Endpoint::UpdateMember,
        Method::PATCH,
        "/members/v1/members/{id}",
    ),
    post(Endpoint::UpdateMySlug, "/members/v1/members/my/slug"),
    route(
        Endpoint::DeleteMyMember,
        Method::DELETE,
        "/members/v1/members/my",
    ),
    post(
        Endpoint::JoinCommunity,
        "/members/v1/members/join-community",
    ),
    post(
        Endpoint::LeaveCommunity,
        "/members/v1/members/leave-community",
    ),
    route(
        Endpoint::DeleteMemberPhones,
        Method::DELETE,
        "/members/v1/members/{id}/phones",
    ),
    route(
        Endpoint::DeleteMemberEmails,
        Method::DELETE,
        "/members/v1/members/{id}/emails",
    ),
    route(
        Endpoint::DeleteMemberAddresses,
        Method::DELETE,
        "/members/v1/members/{id}/addresses",
    ),
    // The owner's member management (site API key or IAM). After the `/my` routes:
    // a static segment wins over `{id}`, as in API Gateway.
    post(Endpoint::ApproveMember, "/members/v1/members/{id}/approve"),
    post(Endpoint::BlockMember, "/members/v1/members/{id}/block"),
    route(
        Endpoint::DeleteMember,
        Method::DELETE,
        "/members/v1/members/{id}",
    ),
    post(Endpoint::UpdateMemberSlug, "/members/v1/members/{id}/slug"),
    // Reading members: the site reads everyone, others the public directory.
    get(Endpoint::ListMembers, "/members/v1/members"),
    post(Endpoint::QueryMembers, "/members/v1/members/query"),
    get(Endpoint::GetMember, "/members/v1/members/{id}"),
    // The owner's member management, continued (site API key or IAM).
    post(Endpoint::CreateMember, "/members/v1/members"),
    post(Endpoint::MuteMember, "/members/v1/members/{id}/mute"),
    post(Endpoint::UnmuteMember, "/members/v1/members/{id}/unmute"),
    post(
        Endpoint::DisconnectMember,
        "/members/v1/members/{id}/disconnect",
    ),
    post(
        Endpoint::BulkDeleteMembers,
        "/members/v1/members/bulk/delete",
    ),
    post(
        Endpoint::BulkDeleteMembersByFilter,
        "/members/v1/members/bulk/delete-by-filter",
    ),
    post(
        Endpoint::BulkApproveMembers,
        "/members/v1/members/bulk/approve-by-filter",
    ),
    post(
        Endpoint::BulkBlockMembers,
        "/members/v1/members/bulk/block-by-filter",
    ),
    post(
        Endpoint::SendActivationEmail,
        "/_api/iam/recovery/v1/activation-email",
    ),
];
