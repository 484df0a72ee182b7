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
    /// Answers every request no other route takes (API Gateway's `$default` route),
    /// so unknown paths and wrong methods get the error envelope too.
    NotFound,
}

impl Function {
    pub const ALL: [Function; 7] = [
        Function::Login,
        Function::Register,
        Function::GenerateSessionToken,
        Function::ApproveByToken,
        Function::ApproveByEmail,
        Function::BlockByEmail,
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
];

/// The route of `function` that serves `method` on `path`; a path this function does
/// not serve is 404, a method it does not take there is 405.
pub fn find(function: Function, method: &Method, path: &str) -> Result<&'static Route, ApiError> {
    let mut path_known = false;
    let serves = |route: &Route| function == Function::NotFound || route.function == function;
    for route in ROUTES.iter().filter(|r| serves(r) && r.path == path) {
        path_known = true;
        // The fallback only ever sees requests API Gateway matched to no route.
        if route.method == method && function != Function::NotFound {
            return Ok(route);
        }
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
        for route in ROUTES {
            let line = format!("\"{}\" = \"{}\"", route.path, route.function.name());
            assert!(manifest.contains(&line), "Cargo.toml router lacks {line}");
        }
        let router_lines = manifest
            .lines()
            .skip_while(|l| !l.starts_with("[workspace.metadata.lambda.watch.router]"))
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .filter(|l| l.starts_with('"'))
            .count();
        assert!(manifest.contains("\"/{*path}\" = \"not-found\""));
        assert_eq!(router_lines, ROUTES.len() + 1);
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
    }
}
