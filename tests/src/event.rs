//! API Gateway v2 events, built from the committed fixtures.

use members_auth::http::{Function, ROUTES, routes::path_matches};
use serde_json::Value;

/// The event API Gateway would hand the function that serves `method path_and_query`:
/// the committed fixture of that function (`tests/fixtures`), with method, path, query,
/// headers, body and source address replaced. Also used by the handler benchmarks.
pub fn api_gateway_event(
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    source_ip: &str,
) -> (Function, Value) {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    // As API Gateway routes: an exact method and path, or else `$default`.
    let function = ROUTES
        .iter()
        .find(|r| path_matches(r.path, path) && r.method.as_str() == method)
        .map_or(Function::NotFound, |r| r.function());
    let fixture = std::fs::read_to_string(format!(
        "{}/fixtures/{}.json",
        env!("CARGO_MANIFEST_DIR"),
        function.name()
    ))
    .expect("fixture");
    let mut event: Value = serde_json::from_str(&fixture).expect("fixture JSON");
    event["rawPath"] = path.into();
    event["routeKey"] = format!("{method} {path}").into();
    event["requestContext"]["http"]["method"] = method.into();
    event["requestContext"]["http"]["path"] = path.into();
    event["requestContext"]["http"]["sourceIp"] = source_ip.into();
    // Fixtures of privileged routes carry an IAM identity; callers choose their own.
    if let Some(ctx) = event["requestContext"].as_object_mut() {
        ctx.remove("authorizer");
    }
    let mut header_map = serde_json::Map::new();
    for (name, value) in headers {
        header_map.insert(name.to_ascii_lowercase(), Value::from(*value));
    }
    event["headers"] = Value::Object(header_map);
    event["body"] = body.map_or(Value::Null, Value::from);
    event["rawQueryString"] = query.into();
    if !query.is_empty() {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("query string");
        let map: serde_json::Map<String, Value> = pairs
            .into_iter()
            .map(|(k, v)| (k, Value::from(v)))
            .collect();
        event["queryStringParameters"] = Value::Object(map);
    }
    (function, event)
}
