//! Every route the service answers, and which function serves it. API Gateway
//! (infra/locals.tf) and cargo-lambda's router (Cargo.toml) list the same paths.

use lambda_http::http::Method;

use crate::error::ApiError;

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
    /// Answers every request no other route takes (API Gateway's `$default` route),
    /// so unknown paths and wrong methods get the error envelope too.
    NotFound,
}

impl Function {
    pub const ALL: [Function; 17] = [
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
            Function::NotFound => "not-found",
        }
    }
}

#[derive(Debug)]
pub struct Route {
    pub function: Function,
    pub method: Method,
    pub path: &'static str,
}

const fn post(function: Function, path: &'static str) -> Route {
    Route {
        function,
        method: Method::POST,
        path,
    }
}

const fn get(function: Function, path: &'static str) -> Route {
    Route {
        function,
        method: Method::GET,
        path,
    }
}

pub static ROUTES: &[Route] = &[
    post(Function::Login, "/backend/authentication/login"),
    post(Function::Register, "/backend/authentication/register"),
    post(
        Function::GenerateSessionToken,
        "/backend/authentication/generate-session-token",
    ),
    post(
        Function::ApproveByToken,
        "/backend/authentication/approve-by-token",
    ),
    post(
        Function::ApproveByEmail,
        "/backend/authentication/approve-by-email",
    ),
    post(
        Function::BlockByEmail,
        "/backend/authentication/block-by-email",
    ),
    post(
        Function::SendSetPasswordEmail,
        "/backend/authentication/send-set-password-email",
    ),
    Route {
        function: Function::ChangeLoginEmail,
        method: Method::PATCH,
        path: "/backend/members/{id}/login-email",
    },
    post(Function::Register, "/_api/iam/authentication/v2/register"),
    post(Function::Login, "/_api/iam/authentication/v2/login"),
    post(Function::Verify, "/_api/iam/verification/v1/auth/verify"),
    post(
        Function::SendRecoveryEmail,
        "/_api/iam/recovery/v1/send-email",
    ),
    get(Function::ResetPassword, "/recovery/reset-password"),
    post(Function::ResetPassword, "/recovery/reset-password"),
    post(
        Function::RedirectSession,
        "/_api/redirects-api/v1/redirect-session",
    ),
    post(
        Function::RedirectSession,
        "/redirect-session/v1/redirect-session",
    ),
    get(Function::Authorize, "/oauth2/authorize"),
    post(Function::Token, "/oauth2/token"),
    get(Function::Logout, "/oauth2/logout"),
    get(Function::CurrentMember, "/members/v1/members/my"),
];

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
    let serves = |route: &Route| function == Function::NotFound || route.function == function;
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
    fn every_function_has_a_route() {
        for function in Function::ALL
            .into_iter()
            .filter(|f| *f != Function::NotFound)
        {
            assert!(
                ROUTES.iter().any(|r| r.function == function),
                "{function:?}"
            );
        }
    }

    #[test]
    fn cargo_lambda_router_lists_the_same_routes() {
        let manifest = include_str!("../../../Cargo.toml");
        let mut paths: Vec<(&str, &str)> =
            ROUTES.iter().map(|r| (r.path, r.function.name())).collect();
        paths.push(("/{*path}", "not-found"));
        paths.sort();
        paths.dedup();
        for (path, function) in &paths {
            let line = format!("\"{path}\" = \"{function}\"");
            assert!(manifest.contains(&line), "Cargo.toml router lacks {line}");
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
