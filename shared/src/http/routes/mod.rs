//! Every route the service answers, and which function serves it. API Gateway
//! (infra/locals.tf) and cargo-lambda's router (Cargo.toml) list the same paths.

use lambda_http::http::Method;

use crate::error::ApiError;

mod table;

pub use self::table::{ROUTES, Route};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Login,
    Register,
    GenerateSessionToken,
    ApproveByToken,
    ApproveByEmail,
    BlockByEmail,
    Verify,
    SendRecoveryEmail,
    ResetPassword,
    RedirectSession,
    Authorize,
    Token,
    Logout,
    CurrentMember,
    SendSetPasswordEmail,
    ChangeLoginEmail,
    UpdateMember,
    UpdateMySlug,
    JoinCommunity,
    LeaveCommunity,
    DeleteMemberPhones,
    DeleteMemberEmails,
    DeleteMemberAddresses,
    DeleteMyMember,
    ApproveMember,
    BlockMember,
    DeleteMember,
    UpdateMemberSlug,
    GetMember,
    ListMembers,
    QueryMembers,
    CreateMember,
    MuteMember,
    UnmuteMember,
    DisconnectMember,
    BulkDeleteMembers,
    BulkDeleteMembersByFilter,
    BulkApproveMembers,
    BulkBlockMembers,
    SendActivationEmail,
    /// Answers every request no other route takes (API Gateway's `$default` route),
    /// so unknown paths and wrong methods get the error envelope too.
    NotFound,
}

impl Function {
    pub const ALL: [Function; 41] = [
        Function::Login,
        Function::Register,
        Function::GenerateSessionToken,
        Function::ApproveByToken,
        Function::ApproveByEmail,
        Function::BlockByEmail,
        Function::Verify,
        Function::SendRecoveryEmail,
        Function::ResetPassword,
        Function::RedirectSession,
        Function::Authorize,
        Function::Token,
        Function::Logout,
        Function::CurrentMember,
        Function::SendSetPasswordEmail,
        Function::ChangeLoginEmail,
        Function::UpdateMember,
        Function::UpdateMySlug,
        Function::JoinCommunity,
        Function::LeaveCommunity,
        Function::DeleteMemberPhones,
        Function::DeleteMemberEmails,
        Function::DeleteMemberAddresses,
        Function::DeleteMyMember,
        Function::ApproveMember,
        Function::BlockMember,
        Function::DeleteMember,
        Function::UpdateMemberSlug,
        Function::GetMember,
        Function::ListMembers,
        Function::QueryMembers,
        Function::CreateMember,
        Function::MuteMember,
        Function::UnmuteMember,
        Function::DisconnectMember,
        Function::BulkDeleteMembers,
        Function::BulkDeleteMembersByFilter,
        Function::BulkApproveMembers,
        Function::BulkBlockMembers,
        Function::SendActivationEmail,
        Function::NotFound,
    ];

    /// The function's crate and Lambda name.
    pub fn name(self) -> &'static str {
        match self {
            Function::Login => "login",
            Function::Register => "register",
            Function::GenerateSessionToken => "generate-session-token",
            Function::ApproveByToken => "approve-by-token",
            Function::ApproveByEmail => "approve-by-email",
            Function::BlockByEmail => "block-by-email",
            Function::Verify => "verify",
            Function::SendRecoveryEmail => "send-recovery-email",
            Function::ResetPassword => "reset-password",
            Function::RedirectSession => "redirect-session",
            Function::Authorize => "authorize",
            Function::Token => "token",
            Function::Logout => "logout",
            Function::CurrentMember => "current-member",
            Function::SendSetPasswordEmail => "send-set-password-email",
            Function::ChangeLoginEmail => "change-login-email",
            Function::UpdateMember => "update-member",
            Function::UpdateMySlug => "update-my-slug",
            Function::JoinCommunity => "join-community",
            Function::LeaveCommunity => "leave-community",
            Function::DeleteMemberPhones => "delete-member-phones",
            Function::DeleteMemberEmails => "delete-member-emails",
            Function::DeleteMemberAddresses => "delete-member-addresses",
            Function::DeleteMyMember => "delete-my-member",
            Function::ApproveMember => "approve-member",
            Function::BlockMember => "block-member",
            Function::DeleteMember => "delete-member",
            Function::UpdateMemberSlug => "update-member-slug",
            Function::GetMember => "get-member",
            Function::ListMembers => "list-members",
            Function::QueryMembers => "query-members",
            Function::CreateMember => "create-member",
            Function::MuteMember => "mute-member",
            Function::UnmuteMember => "unmute-member",
            Function::DisconnectMember => "disconnect-member",
            Function::BulkDeleteMembers => "bulk-delete-members",
            Function::BulkDeleteMembersByFilter => "bulk-delete-members-by-filter",
            Function::BulkApproveMembers => "bulk-approve-members",
            Function::BulkBlockMembers => "bulk-block-members",
            Function::SendActivationEmail => "send-activation-email",
            Function::NotFound => "not-found",
        }
    }
}

/// What one route does: each endpoint has one handler (`http::serve::handle`) and is
/// served by one function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    VeloLogin,
    VeloRegister,
    SiteLogin,
    SiteRegister,
    GenerateSessionToken,
    ApproveByToken,
    ApproveByEmail,
    BlockByEmail,
    SendSetPasswordEmail,
    ChangeLoginEmail,
    SiteSendSetPasswordEmail,
    SiteChangeLoginEmail,
    SiteApprove,
    SiteBlock,
    RegisterV2,
    LoginV2,
    Verify,
    StartVerification,
    SendRecoveryEmail,
    ResetPasswordForm,
    ResetPassword,
    ChangePassword,
    Recover,
    RedirectSession,
    Authorize,
    SignIn,
    SessionPage,
    Token,
    SignOn,
    Logout,
    LogoutV1,
    ValidateEmail,
    CurrentMember,
    UpdateMember,
    UpdateMySlug,
    JoinCommunity,
    LeaveCommunity,
    DeleteMemberPhones,
    DeleteMemberEmails,
    DeleteMemberAddresses,
    DeleteMyMember,
    ApproveMember,
    BlockMember,
    DeleteMember,
    UpdateMemberSlug,
    GetMember,
    ListMembers,
    QueryMembers,
    CreateMember,
    MuteMember,
    UnmuteMember,
    DisconnectMember,
    BulkDeleteMembers,
    BulkDeleteMembersByFilter,
    BulkApproveMembers,
    BulkBlockMembers,
    SendActivationEmail,
}

/// What a route answers: JSON (errors in the Wix envelope) or a hosted HTML page
/// (a request error as an error page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
}

impl Endpoint {
    pub fn function(self) -> Function {
        match self {
            Endpoint::VeloLogin | Endpoint::LoginV2 | Endpoint::SiteLogin => Function::Login,
            Endpoint::VeloRegister
            | Endpoint::RegisterV2
            | Endpoint::ValidateEmail
            | Endpoint::SiteRegister => Function::Register,
            Endpoint::GenerateSessionToken => Function::GenerateSessionToken,
            Endpoint::ApproveByToken => Function::ApproveByToken,
            Endpoint::ApproveByEmail | Endpoint::SiteApprove => Function::ApproveByEmail,
            Endpoint::BlockByEmail | Endpoint::SiteBlock => Function::BlockByEmail,
            Endpoint::SendSetPasswordEmail | Endpoint::SiteSendSetPasswordEmail => {
                Function::SendSetPasswordEmail
            }
            Endpoint::ChangeLoginEmail | Endpoint::SiteChangeLoginEmail => {
                Function::ChangeLoginEmail
            }
            Endpoint::Verify | Endpoint::StartVerification => Function::Verify,
            Endpoint::SendRecoveryEmail => Function::SendRecoveryEmail,
            Endpoint::ResetPasswordForm
            | Endpoint::ResetPassword
            | Endpoint::Recover
            | Endpoint::ChangePassword => Function::ResetPassword,
            Endpoint::RedirectSession => Function::RedirectSession,
            Endpoint::Authorize | Endpoint::SignIn | Endpoint::SessionPage => Function::Authorize,
            Endpoint::Token | Endpoint::SignOn => Function::Token,
            Endpoint::Logout | Endpoint::LogoutV1 => Function::Logout,
            Endpoint::CurrentMember => Function::CurrentMember,
            Endpoint::UpdateMember => Function::UpdateMember,
            Endpoint::UpdateMySlug => Function::UpdateMySlug,
            Endpoint::JoinCommunity => Function::JoinCommunity,
            Endpoint::LeaveCommunity => Function::LeaveCommunity,
            Endpoint::DeleteMemberPhones => Function::DeleteMemberPhones,
            Endpoint::DeleteMemberEmails => Function::DeleteMemberEmails,
            Endpoint::DeleteMemberAddresses => Function::DeleteMemberAddresses,
            Endpoint::DeleteMyMember => Function::DeleteMyMember,
            Endpoint::ApproveMember => Function::ApproveMember,
            Endpoint::BlockMember => Function::BlockMember,
            Endpoint::DeleteMember => Function::DeleteMember,
            Endpoint::UpdateMemberSlug => Function::UpdateMemberSlug,
            Endpoint::GetMember => Function::GetMember,
            Endpoint::ListMembers => Function::ListMembers,
            Endpoint::QueryMembers => Function::QueryMembers,
            Endpoint::CreateMember => Function::CreateMember,
            Endpoint::MuteMember => Function::MuteMember,
            Endpoint::UnmuteMember => Function::UnmuteMember,
            Endpoint::DisconnectMember => Function::DisconnectMember,
            Endpoint::BulkDeleteMembers => Function::BulkDeleteMembers,
            Endpoint::BulkDeleteMembersByFilter => Function::BulkDeleteMembersByFilter,
            Endpoint::BulkApproveMembers => Function::BulkApproveMembers,
            Endpoint::BulkBlockMembers => Function::BulkBlockMembers,
            Endpoint::SendActivationEmail => Function::SendActivationEmail,
        }
    }

    pub fn format(self) -> Format {
        match self {
            Endpoint::ResetPasswordForm
            | Endpoint::ResetPassword
            | Endpoint::Authorize
            | Endpoint::SignIn
            | Endpoint::SessionPage
            | Endpoint::Logout => Format::Html,
            _ => Format::Json,
        }
    }
}

/// Whether `path` fits `pattern`, where a `{name}` segment takes any one segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pattern_segments = pattern.split('/');
    let mut path_segments = path.split('/');
    loop {
        match (pattern_segments.next(), path_segments.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) if p.starts_with('{') && p.ends_with('}') => {
                if s.is_empty() {
                    return false;
                }
            }
            (Some(p), Some(s)) if p == s => {}
            _ => return false,
        }
    }
}

/// The value of the `{name}` segment of `pattern` in `path`.
pub fn path_parameter<'p>(pattern: &str, path: &'p str, name: &str) -> Option<&'p str> {
    let wanted = format!("{{{name}}}");
    pattern
        .split('/')
        .zip(path.split('/'))
        .find(|(p, _)| *p == wanted)
        .map(|(_, value)| value)
}

/// The route of `function` that serves `method` on `path`; a path this function does
/// not serve is 404, a method it does not take there is 405.
pub fn find(function: Function, method: &Method, path: &str) -> Result<&'static Route, ApiError> {
    let mut path_known = false;
    let serves = |route: &Route| function == Function::NotFound || route.function() == function;
    for route in ROUTES
        .iter()
        .filter(|r| serves(r) && path_matches(r.path, path))
    {
        if route.method == method {
            // The fallback sees a served method and path only in a form API Gateway
            // did not route (a trailing slash, say): that is no route.
            if function == Function::NotFound {
                return Err(ApiError::RouteNotFound);
            }
            return Ok(route);
        }
        path_known = true;
    }
    Err(if path_known {
        ApiError::MethodNotAllowed
    } else {
        ApiError::RouteNotFound
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_functions_number_is_its_place_in_all() {
        for (place, function) in Function::ALL.into_iter().enumerate() {
            assert_eq!(function as u8 as usize, place, "{function:?}");
        }
    }

    #[test]
    fn every_function_has_a_route() {
        for function in Function::ALL
            .into_iter()
            .filter(|f| *f != Function::NotFound)
        {
            assert!(
                ROUTES.iter().any(|r| r.function() == function),
                "{function:?}"
            );
        }
    }

    #[test]
    fn cargo_lambda_router_lists_the_same_routes() {
        let manifest = include_str!("../../../../Cargo.toml");
        // Path → (method, function) of every route; one function per path is written
        // `"path" = "function"`, several as a list of `{ method, function }`.
        let mut paths: std::collections::BTreeMap<&str, Vec<(String, &str)>> =
            std::collections::BTreeMap::new();
        for r in ROUTES {
            paths
                .entry(r.path)
                .or_default()
                .push((r.method.to_string(), r.function().name()));
        }
        paths.insert("/{*path}", vec![("ANY".into(), "not-found")]);
        for (path, routes) in &paths {
            let mut functions: Vec<&str> = routes.iter().map(|(_, f)| *f).collect();
            functions.sort();
            functions.dedup();
            if let [function] = functions[..] {
                let line = format!("\"{path}\" = \"{function}\"");
                assert!(manifest.contains(&line), "Cargo.toml router lacks {line}");
                continue;
            }
            let start = manifest
                .find(&format!("\"{path}\" = ["))
                .unwrap_or_else(|| panic!("Cargo.toml router lacks a method list for {path}"));
            let list = &manifest[start..start + manifest[start..].find(']').unwrap()];
            for (method, function) in routes {
                let entry = format!("{{ method = \"{method}\", function = \"{function}\" }}");
                assert!(list.contains(&entry), "{path}: router lacks {entry}");
            }
        }
        let router_lines = manifest
            .lines()
            .skip_while(|l| !l.starts_with("[workspace.metadata.lambda.watch.router]"))
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .filter(|l| l.starts_with('"'))
            .count();
        assert_eq!(router_lines, paths.len());
    }

    #[test]
    fn path_parameters() {
        let pattern = "/backend/members/{id}/login-email";
        assert!(path_matches(pattern, "/backend/members/abc/login-email"));
        assert!(!path_matches(pattern, "/backend/members//login-email"));
        assert!(!path_matches(pattern, "/backend/members/abc/login-email/x"));
        assert_eq!(
            path_parameter(pattern, "/backend/members/abc/login-email", "id"),
            Some("abc")
        );
    }

    #[test]
    fn wrong_method_and_unknown_path() {
        let path = "/backend/authentication/login";
        assert!(find(Function::Login, &Method::POST, path).is_ok());
        assert!(matches!(
            find(Function::Login, &Method::GET, path),
            Err(ApiError::MethodNotAllowed)
        ));
        assert!(matches!(
            find(Function::Login, &Method::POST, "/nope"),
            Err(ApiError::RouteNotFound)
        ));
        assert!(matches!(
            find(Function::Register, &Method::POST, path),
            Err(ApiError::RouteNotFound)
        ));
        assert!(matches!(
            find(Function::NotFound, &Method::GET, path),
            Err(ApiError::MethodNotAllowed)
        ));
        assert!(matches!(
            find(Function::NotFound, &Method::POST, "/x"),
            Err(ApiError::RouteNotFound)
        ));
        // A served route in a form API Gateway does not route (a trailing slash).
        assert!(matches!(
            find(Function::NotFound, &Method::POST, path),
            Err(ApiError::RouteNotFound)
        ));
    }
}
