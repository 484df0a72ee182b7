//! `make dev`'s stand-in for API Gateway's CORS configuration (infra/api.tf): in AWS the
//! gateway answers preflights and sets (or strips) the CORS headers, and the functions
//! never see this. cargo-lambda's own CORS would let every origin in, with credentials,
//! so `make dev` turns it off and names the allowed origins in `LOCAL_CORS_ORIGINS`,
//! which terraform never sets.

use lambda_http::{
    Body, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};

/// The methods the routes use (and the preflight's), as the gateway allows them.
const ALLOW_METHODS: &str = "DELETE,GET,OPTIONS,PATCH,POST";
/// The gateway's allowed request headers (infra/api.tf).
const ALLOW_HEADERS: &str =
    "authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token";

/// The allowed origins, exactly as a browser sends them (`scheme://host[:port]`).
#[derive(Debug, Clone, Default)]
pub struct LocalCors {
    origins: Vec<String>,
}

impl LocalCors {
    /// `LOCAL_CORS_ORIGINS` (comma-separated); `None` where it is unset, as in AWS.
    pub fn from_setting(value: Option<String>) -> Option<Self> {
        let origins: Vec<String> = value?
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .filter(|o| !o.is_empty())
            .collect();
        Some(Self { origins })
    }

    fn allowed<'r>(&self, request: &'r Request) -> Option<&'r HeaderValue> {
        let origin = request.headers().get(header::ORIGIN)?;
        let text = origin.to_str().ok()?;
        self.origins.iter().any(|o| o == text).then_some(origin)
    }

    /// The gateway's answer to a preflight (an `OPTIONS` with an `Origin` and the method
    /// it asks for): the allowed headers for an allowed origin, none for another.
    pub fn preflight(&self, request: &Request) -> Option<Response<Body>> {
        let is_preflight = request.method() == Method::OPTIONS
            && request.headers().contains_key(header::ORIGIN)
            && request
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        if !is_preflight {
            return None;
        }
        let mut response = Response::builder().status(StatusCode::NO_CONTENT);
        if let Some(origin) = self.allowed(request) {
            response = response
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .header(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .header(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .header(header::ACCESS_CONTROL_MAX_AGE, "3600")
                .header(header::VARY, "origin");
        }
        response.body(Body::Empty).ok()
    }

    /// An answer as the gateway passes it on: readable by an allowed origin only.
    pub fn decorate(&self, request: &Request, response: &mut Response<Body>) {
        let headers = response.headers_mut();
        for name in [
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
        ] {
            headers.remove(name);
        }
        // Every answer depends on the origin, so no cache may hand one origin's to another.
        headers.append(header::VARY, HeaderValue::from_static("origin"));
        if let Some(origin) = self.allowed(request) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, origin: &str, preflight: bool) -> Request {
        let mut builder = lambda_http::http::Request::builder()
            .method(method)
            .uri("/members/v1/members/my")
            .header(header::ORIGIN, origin);
        if preflight {
            builder = builder.header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET");
        }
        builder.body(Body::Empty).unwrap()
    }

    fn cors() -> LocalCors {
        LocalCors::from_setting(Some("http://127.0.0.1:5173, https://site.example/".into()))
            .unwrap()
    }

    #[test]
    fn a_preflight_from_an_allowed_origin_is_answered_and_another_gets_no_headers() {
        let allowed = cors()
            .preflight(&request(Method::OPTIONS, "https://site.example", true))
            .unwrap();
        assert_eq!(allowed.status(), 204);
        assert_eq!(
            allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://site.example"
        );
        assert!(
            !allowed
                .headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
        );
        let refused = cors()
            .preflight(&request(Method::OPTIONS, "https://evil.example", true))
            .unwrap();
        assert!(refused.headers().is_empty());
        assert!(
            cors()
                .preflight(&request(Method::GET, "https://site.example", false))
                .is_none()
        );
    }

    #[test]
    fn an_answer_is_readable_by_an_allowed_origin_only() {
        for (origin, readable) in [
            ("http://127.0.0.1:5173", true),
            ("http://127.0.0.1:5174", false),
        ] {
            let mut response = Response::new(Body::Empty);
            response.headers_mut().insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            cors().decorate(&request(Method::GET, origin, false), &mut response);
            let header = response.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
            assert_eq!(
                header.map(|h| h.to_str().unwrap()),
                readable.then_some(origin)
            );
        }
    }
}
