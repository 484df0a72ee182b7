//! The malformed-request corpus (tests/corpus/requests.jsonl, made by
//! tests/corpus/generate.py): every request goes through the real handlers, and no
//! answer may be a server error, an error outside the Wix envelope, an HTML page off
//! the hosted-page routes, or a redirect to somewhere unregistered. A redirect session
//! a corpus request manages to open is followed too (its `fullUrl`), so hostile states
//! and post-logout URLs reach the authorize and logout pages.

use std::collections::BTreeMap;

use integration_tests::{ORIGIN, POST_LOGOUT_URL, REDIRECT_URI, TestApp, TestResponse};
use serde_json::Value;

const CORPUS: &str = include_str!("../corpus/requests.jsonl");
/// `TestApp`'s PUBLIC_BASE_URL: where the URLs of redirect sessions point.
const PUBLIC_BASE_URL: &str = "https://auth.example";
const ADMIN_KEY_PLACEHOLDER: &str = "${ADMIN_KEY}";
const API_KEY_PLACEHOLDER: &str = "${API_KEY}";

struct CorpusRequest {
    name: String,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

fn parse_corpus() -> Vec<CorpusRequest> {
    CORPUS
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            let entry: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("requests.jsonl line {}: {e}", number + 1));
            let text = |key: &str| {
                entry[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("line {}: `{key}` must be a string", number + 1))
                    .to_string()
            };
            let headers = entry["headers"]
                .as_object()
                .map(|map| {
                    map.iter()
                        .map(|(name, value)| {
                            (name.clone(), value.as_str().unwrap_or_default().to_string())
                        })
                        .collect()
                })
                .unwrap_or_default();
            CorpusRequest {
                name: text("name"),
                method: text("method"),
                path: text("path"),
                headers,
                body: entry["body"].as_str().map(str::to_string),
            }
        })
        .collect()
}

/// The hosted pages, the only routes that may answer HTML.
fn is_page_route(method: &str, path: &str) -> bool {
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    matches!(
        (method, path),
        ("GET" | "POST", "/oauth2/authorize")
            | ("GET", "/oauth2/session")
            | ("GET", "/oauth2/logout")
            | ("GET" | "POST", "/recovery/reset-password")
    )
}

fn is_registered_redirect(location: &str) -> bool {
    let exactly = |uri: &str| {
        location
            .strip_prefix(uri)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('?') || rest.starts_with('#'))
    };
    exactly(REDIRECT_URI)
        || exactly(POST_LOGOUT_URL)
        || location
            .strip_prefix(ORIGIN)
            .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('?'))
}

/// What is wrong with `response` to `method path`, if anything.
fn problems(method: &str, path: &str, response: &TestResponse) -> Vec<String> {
    let mut found = Vec::new();
    let status = response.status;
    if status >= 500 {
        found.push(format!("server error {status}"));
    }
    let is_html = response
        .text
        .get(..15)
        .is_some_and(|start| start.eq_ignore_ascii_case("<!doctype html>"));
    if is_html {
        if !is_page_route(method, path) {
            found.push("an HTML page off the hosted-page routes".into());
        }
        if !matches!(status, 200 | 400) {
            found.push(format!("an HTML page with status {status}"));
        }
        return found;
    }
    match status {
        200 => {
            if !response.body.is_object() {
                found.push("a 200 whose body is not a JSON object".into());
            }
        }
        302 => match response.location.as_deref() {
            Some(location) if is_registered_redirect(location) => {}
            Some(location) => found.push(format!("a redirect to an unregistered {location:?}")),
            None => found.push("a 302 without Location".into()),
        },
        400..=599 => found.extend(envelope_problems(&response.body)),
        other => found.push(format!("unexpected status {other}")),
    }
    found
}

/// The Wix error envelope, with well-formed field violations when there are any.
fn envelope_problems(body: &Value) -> Vec<String> {
    let mut found = Vec::new();
    if !body.is_object() {
        return vec!["an error whose body is not a JSON object".into()];
    }
    if !body["message"].is_string() {
        found.push("no string `message`".into());
    }
    let code = &body["details"]["applicationError"]["code"];
    if !code.is_string() {
        found.push("no string `details.applicationError.code`".into());
    }
    let validation = &body["details"]["validationError"];
    if code == "INVALID_ARGUMENT" || !validation.is_null() {
        match validation["fieldViolations"].as_array() {
            Some(violations) if !violations.is_empty() => {
                for violation in violations {
                    let well_formed = violation["field"].is_string()
                        && violation["description"].is_string()
                        && violation["violatedRule"].is_string()
                        && violation["data"].is_object();
                    if !well_formed {
                        found.push(format!("a malformed field violation {violation}"));
                    }
                }
            }
            _ => found.push("validation error without fieldViolations[]".into()),
        }
    }
    found
}

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(limit).collect();
    format!("{head:?}… ({} bytes)", text.len())
}

#[tokio::test]
async fn the_malformed_request_corpus_gets_no_server_error_and_only_envelopes() {
    let corpus = parse_corpus();
    assert!(corpus.len() >= 300, "the corpus shrank to {}", corpus.len());
    let mut app = TestApp::new().await;
    let admin_key = app.admin_key.clone();
    let api_key = app.api_key.clone();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut followed = 0usize;
    // CORPUS_VERBOSE=1 prints every answer.
    let verbose = std::env::var_os("CORPUS_VERBOSE").is_some();
    let started = std::time::Instant::now();
    for (index, request) in corpus.iter().enumerate() {
        // A source of its own per request: the per-source rate limits and login locks
        // stay out of the way, so every request reaches the code it aims at.
        app.source_ip = format!("198.18.{}.{}", index / 250, index % 250 + 1);
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.clone(),
                    value
                        .replace(ADMIN_KEY_PLACEHOLDER, &admin_key)
                        .replace(API_KEY_PLACEHOLDER, &api_key),
                )
            })
            .collect();
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let response = app
            .request(
                &request.method,
                &request.path,
                &header_refs,
                request.body.as_deref(),
            )
            .await;
        let mut exchanges = vec![(request.method.clone(), request.path.clone(), response)];
        // Follow the redirect session this request opened, as a browser would.
        let full_url = exchanges[0].2.body["redirectSession"]["fullUrl"]
            .as_str()
            .and_then(|url| url.strip_prefix(PUBLIC_BASE_URL))
            .map(str::to_string);
        if let Some(path) = full_url.filter(|_| exchanges[0].2.status == 200) {
            followed += 1;
            let response = app.request("GET", &path, &[], None).await;
            exchanges.push(("GET".into(), path, response));
        }
        for (step, (method, path, response)) in exchanges.iter().enumerate() {
            *statuses.entry(response.status).or_default() += 1;
            let code = match response.code() {
                "" if response.text.starts_with('<') => "(html)".to_string(),
                "" => "(none)".to_string(),
                code => code.to_string(),
            };
            *codes.entry(code).or_default() += 1;
            if verbose {
                println!(
                    "{:>3} {}{} {}",
                    response.status,
                    request.name,
                    if step == 0 { "" } else { " → fullUrl" },
                    shorten(&response.text, 160)
                );
            }
            let found = problems(method, path, response);
            if !found.is_empty() {
                let followed = if step == 0 {
                    String::new()
                } else {
                    format!("\n  then its fullUrl: {method} {}", shorten(path, 300))
                };
                failures.push(format!(
                    "{}: {}\n  request:  {} {} headers={:?} body={}{followed}\n  response: {} location={:?} body={}",
                    request.name,
                    found.join("; "),
                    request.method,
                    shorten(&request.path, 300),
                    request.headers,
                    request
                        .body
                        .as_deref()
                        .map_or("null".into(), |b| shorten(b, 300)),
                    response.status,
                    response.location,
                    shorten(&response.text, 500),
                ));
            }
        }
    }
    println!(
        "corpus: {} requests (+{followed} redirect sessions followed) in {:.1} s",
        corpus.len(),
        started.elapsed().as_secs_f64()
    );
    println!("statuses: {statuses:?}");
    println!("codes: {codes:?}");
    let server_errors: usize = statuses.range(500..).map(|(_, n)| n).sum();
    println!("server errors: {server_errors}");
    assert!(
        failures.is_empty(),
        "{} corpus requests answered wrongly:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
