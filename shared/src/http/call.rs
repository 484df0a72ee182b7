//! What a handler sees of a request: body parsing (JSON or form), query, path
//! parameters, the access token, the source address and trusted-caller checks.

use std::net::IpAddr;

use lambda_http::{
    Body, Request, RequestExt,
    http::{HeaderValue, header},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    config::Config,
    domain::{Email, Password, token::constant_time_eq},
    error::{ApiError, FieldViolation},
    telemetry::{SecurityEvent, security_event},
    ui::{Lang, LangPreference},
};

use super::routes::{self, Route};

/// The header in which a trusted backend (IAM, a site API key, the admin key) names the
/// address of the end user it calls for, as Auth0's `auth0-forwarded-for` does, so that
/// one site backend is not one source for every visitor.
pub const END_USER_IP_HEADER: &str = "x-end-user-ip";

/// Under `make dev` every request comes from 127.0.0.1; this header gives a local
/// request the source address a test wants. It is heeded only from loopback, which
/// API Gateway never reports, so it cannot be switched on in AWS.
pub const LOCAL_SOURCE_IP_HEADER: &str = "x-local-source-ip";

/// The header in which a client shows the device token an earlier login gave it
/// (the Velo login answers it as `deviceToken`; the hosted page keeps it in a cookie).
pub const DEVICE_TOKEN_HEADER: &str = "x-device-token";

/// A source as the counters key it: an IPv4 address (IPv4-mapped IPv6 included), or
/// an IPv6 address's /64.
fn counted_source(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

/// What a handler sees of a request once its route matched.
pub struct Call<'a> {
    pub request: &'a Request,
    pub route: &'static Route,
    pub request_id: String,
}

impl Call<'_> {
    /// Parses the JSON body into `T`, refusing oversized bodies, non-JSON content
    /// types and anything that does not fit; ill-typed fields become field violations.
    pub fn json<T: DeserializeOwned>(&self, max_bytes: usize) -> Result<T, ApiError> {
        parse_json_body(self.request, max_bytes)
    }

    /// Trusted backends: an IAM identity that API Gateway verified, a site API key, or
    /// (for local runs) the admin key as a bearer token, compared in constant time.
    pub fn is_trusted(&self, config: &Config) -> bool {
        caller_is_trusted(self.request, config) || self.api_key(config).is_some()
    }

    /// The name of the site API key the caller sent, if it sent one: `Authorization:
    /// <key>` as `ApiKeyStrategy` sends it (or after `Bearer `), or after the comma of
    /// `<access token>,<key>` as external login sends it.
    pub fn api_key<'c>(&self, config: &'c Config) -> Option<&'c str> {
        if config.api_keys.is_empty() {
            return None;
        }
        let value = self
            .request
            .headers()
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .trim();
        let value = value.strip_prefix("Bearer ").unwrap_or(value);
        let offered = value.rsplit(',').next()?.trim();
        config.api_keys.find(offered)
    }

    /// The access token before the comma of `<access token>,<key>` (external login).
    pub fn access_token_before_key(&self) -> Option<&str> {
        let (token, _) = self.access_token()?.split_once(',')?;
        let token = token.trim();
        (!token.is_empty()).then_some(token)
    }

    /// JSON, or an HTML-form body (`application/x-www-form-urlencoded`), into `T`.
    pub fn json_or_form<T: DeserializeOwned>(&self, max_bytes: usize) -> Result<T, ApiError> {
        let is_form = self
            .request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        if !is_form {
            return self.json(max_bytes);
        }
        let bytes = body_bytes(self.request);
        if bytes.len() > max_bytes {
            return Err(ApiError::PayloadTooLarge(max_bytes));
        }
        serde_urlencoded::from_bytes(bytes).map_err(|e| {
            ApiError::Validation(vec![FieldViolation::new(
                "body",
                "INVALID_FORM",
                e.to_string(),
            )])
        })
    }

    /// A query-string parameter (the first, if repeated).
    pub fn query(&self, name: &str) -> Option<String> {
        self.request
            .query_string_parameters_ref()
            .and_then(|q| q.first(name))
            .map(str::to_string)
    }

    /// Every value of a query-string parameter.
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.request
            .query_string_parameters_ref()
            .and_then(|q| q.all(name))
            .unwrap_or_default()
    }

    /// The access token in `Authorization`, raw (as the Wix client sends it) or `Bearer`.
    pub fn access_token(&self) -> Option<&str> {
        let value = self
            .request
            .headers()
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .trim();
        let token = value.strip_prefix("Bearer ").unwrap_or(value).trim();
        (!token.is_empty()).then_some(token)
    }

    fn header_ip(&self, name: &str) -> Option<IpAddr> {
        self.request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    }

    /// The language the caller wants: `requested` (a `language` field of the request)
    /// if it has a catalog, and the browser's `Accept-Language`.
    pub fn lang(&self, requested: Option<&str>) -> LangPreference {
        lang_of(self.request, requested)
    }

    /// The device token the caller shows, if any (checked by the login flow).
    pub fn device_token(&self) -> Option<String> {
        self.request
            .headers()
            .get(DEVICE_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= 1024)
            .map(str::to_string)
    }

    /// The address the brute-force counters and rates key on: the end user's, when a
    /// trusted backend names it in [`END_USER_IP_HEADER`] (from anyone else the header
    /// is ignored), else the caller's as API Gateway saw it (under `make dev`, from
    /// loopback, the one [`LOCAL_SOURCE_IP_HEADER`] names). IPv6 addresses count by
    /// their /64, which one host commonly holds whole.
    pub fn source(&self, config: &Config) -> String {
        let named = self
            .header_ip(END_USER_IP_HEADER)
            .filter(|_| self.is_trusted(config));
        if let Some(ip) = named {
            return counted_source(ip);
        }
        match self.request.request_context_ref() {
            Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) => {
                let seen = ctx.http.source_ip.as_deref().unwrap_or("");
                match seen.parse::<IpAddr>() {
                    // Only a local run sees requests from loopback (API Gateway never
                    // does): there a test may give each caller an address of its own.
                    Ok(ip) if ip.is_loopback() => self
                        .header_ip(LOCAL_SOURCE_IP_HEADER)
                        .map_or_else(|| counted_source(ip), counted_source),
                    Ok(ip) => counted_source(ip),
                    Err(_) if !seen.is_empty() && seen.len() <= 64 => seen.to_string(),
                    Err(_) => "unknown".into(),
                }
            }
            _ => "unknown".into(),
        }
    }

    /// The value of the route's `{name}` path segment.
    pub fn path_parameter(&self, name: &str) -> Option<&str> {
        routes::path_parameter(self.route.path, request_path(self.request), name)
    }

    /// 403 unless the caller is trusted ([`Self::is_trusted`]); a refusal is a security
    /// event.
    pub fn require_trusted(&self, config: &Config) -> Result<(), ApiError> {
        if self.is_trusted(config) {
            Ok(())
        } else {
            self.refused(config)
        }
    }

    /// The name of the site API key the caller sent, or 403 (a security event).
    pub fn require_api_key<'c>(&self, config: &'c Config) -> Result<&'c str, ApiError> {
        match self.api_key(config) {
            Some(name) => Ok(name),
            None => self.refused(config),
        }
    }

    fn refused<T>(&self, config: &Config) -> Result<T, ApiError> {
        let source = self.source(config);
        security_event(SecurityEvent::ApiKeyRefused, None, Some(&source));
        Err(ApiError::Forbidden)
    }
}

/// A member id as a path or body names it. Member ids are UUIDs; an empty or longer
/// one is no member (and would exceed DynamoDB's key size rather than miss).
pub(super) fn member_id(raw: &str) -> Result<&str, ApiError> {
    if raw.is_empty() || raw.len() > 64 {
        return Err(ApiError::MemberNotFound);
    }
    Ok(raw)
}

/// A new account's email and password, both checked so every violation is named at
/// once; `email_field` is where the body carries the email.
pub(super) fn new_credentials(
    config: &Config,
    email_field: &str,
    raw_email: &str,
    raw_password: String,
) -> Result<(Email, Password), ApiError> {
    let email =
        Email::parse(raw_email).map_err(|e| FieldViolation::email(email_field, e.to_string()));
    let password = Password::parse_new(raw_password, config.password_min_length)
        .map_err(|e| FieldViolation::new("password", "PASSWORD_POLICY", e.to_string()));
    match (email, password) {
        (Ok(email), Ok(password)) => Ok((email, password)),
        (email, password) => Err(ApiError::Validation(
            [email.err(), password.err()]
                .into_iter()
                .flatten()
                .collect(),
        )),
    }
}

/// [`Call::lang`] of any request.
pub fn lang_of(request: &Request, requested: Option<&str>) -> LangPreference {
    LangPreference {
        requested: requested.and_then(Lang::from_tag),
        accepted: request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language),
    }
}

pub fn caller_is_trusted(request: &Request, config: &Config) -> bool {
    let iam_verified = request
        .request_context_ref()
        .and_then(|ctx| ctx.authorizer())
        .and_then(|authorizer| authorizer.iam.as_ref())
        .is_some_and(|iam| iam.user_arn.is_some() || iam.caller_id.is_some());
    if iam_verified {
        return true;
    }
    let Some(admin_key) = config.admin_key.as_deref() else {
        return false;
    };
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|offered| constant_time_eq(offered.trim().as_bytes(), admin_key.as_bytes()))
}

pub(super) fn parse_json_body<T: DeserializeOwned>(
    request: &Request,
    max_bytes: usize,
) -> Result<T, ApiError> {
    if let Some(content_type) = request.headers().get(header::CONTENT_TYPE) {
        let is_json = content_type
            .to_str()
            .ok()
            .and_then(|v| v.split(';').next())
            .map(|mime| mime.trim().to_ascii_lowercase())
            .is_some_and(|mime| mime == "application/json" || mime.ends_with("+json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
    }
    let bytes = body_bytes(request);
    if bytes.len() > max_bytes {
        return Err(ApiError::PayloadTooLarge(max_bytes));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::MalformedBody("the body is empty".into()));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::MalformedBody(format!(
            "{} at line {} column {}",
            category(&e),
            e.line(),
            e.column()
        ))
    })?;
    if !value.is_object() {
        return Err(ApiError::MalformedBody(
            "the body must be a JSON object".into(),
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner().to_string();
        // serde names a missing field in its message, not in the path.
        let (field, rule) = match inner.strip_prefix("missing field `") {
            Some(rest) => {
                let name = rest.split('`').next().unwrap_or_default();
                let field = if path == "." {
                    name.to_string()
                } else {
                    format!("{path}.{name}")
                };
                (field, "REQUIRED_FIELD")
            }
            None => (path, "INVALID_TYPE"),
        };
        ApiError::Validation(vec![FieldViolation::new(&field, rule, inner)])
    })
}

/// A JSON request carrying `data`, for the fuzz targets.
pub(super) fn fuzz_request(data: &[u8]) -> Request {
    let mut request = Request::new(Body::Binary(data.to_vec()));
    request.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    request
}

fn body_bytes(request: &Request) -> &[u8] {
    match request.body() {
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => b"",
    }
}

fn category(err: &serde_json::Error) -> &'static str {
    match err.classify() {
        serde_json::error::Category::Eof => "unexpected end of input",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Io | serde_json::error::Category::Data => "invalid JSON",
    }
}

pub(super) fn request_id(request: &Request) -> String {
    request
        .lambda_context_ref()
        .map(|ctx| ctx.request_id.clone())
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

pub(super) fn request_path(request: &Request) -> &str {
    let raw = request.raw_http_path();
    let path = if raw.is_empty() {
        request.uri().path()
    } else {
        raw
    };
    match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_sources_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        let source = |ip: &str| counted_source(ip.parse().unwrap());
        assert_eq!(source("203.0.113.7"), "203.0.113.7");
        assert_eq!(source("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(
            source("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(source("2001:db8:1:2::1"), source("2001:db8:1:2:ffff::9"));
        assert_ne!(source("2001:db8:1:2::1"), source("2001:db8:1:3::1"));
    }
}
