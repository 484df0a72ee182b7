//! JSON responses and the one error envelope.

use lambda_http::{
    Body, Response,
    http::{HeaderValue, StatusCode, header},
};
use serde_json::{Value, json};

use crate::error::ApiError;

pub fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub fn ok(body: Value) -> Response<Body> {
    json_response(StatusCode::OK, &body)
}

/// The Wix error envelope. Server-side failures answer a fixed message and the
/// request id; their cause goes to the log only.
pub fn error_response(err: &ApiError, request_id: &str) -> Response<Body> {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (message, data) = if err.is_server_side() {
        (
            format!("{err} (request id {request_id})"),
            json!({ "requestId": request_id }),
        )
    } else {
        (err.to_string(), json!({}))
    };
    let mut details = json!({
        "applicationError": { "code": err.code(), "description": message, "data": data }
    });
    if let ApiError::Validation(violations) = err {
        details["validationError"] = json!({ "fieldViolations": violations });
    }
    json_response(status, &json!({ "message": message, "details": details }))
}
