//! Handler overhead: the login, register, token (refresh) and current-member functions,
//! from an API Gateway event to the response, through `serve` and the real handlers and
//! flows over the in-memory store and outbox (`App::in_memory`): no AWS SDK work.
//! `sdk/get_item` measures, as its own row, one DynamoDB call through the AWS SDK
//! answered in process (`handler_bench::canned_dynamodb`): what a deployed function adds
//! per DynamoDB call. `sdk/get_item_signed_by_hand` makes the same call without the SDK's
//! orchestrator (written, signed with aws-sigv4, answered, parsed): the floor of that work.
//!
//! argon2 runs at its minimum cost (8 KiB, 1 pass) so that it hardly counts, and
//! `argon2/*` measures that same cost alone, so the overhead is the difference
//! (`make bench` reports it). Every iteration comes from a new source address, as
//! traffic does, so the per-source counters never refuse one.
//!
//! Run: `cargo bench -p handler-bench --bench handlers` (`make bench` runs it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashMap,
    sync::atomic::{AtomicU32, Ordering},
};

use aws_sdk_dynamodb::types::AttributeValue;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use handler_bench::canned_dynamodb::CannedGetItem;
use integration_tests::api_gateway_event;
use lambda_http::{Body, Request, Response};
use members_auth::{
    App,
    app::InMemory,
    config::{Argon2Settings, Config},
    domain::{Password, PasswordHasher},
    http::{Function, serve},
};
use serde_json::{Value, json};
use sha2::Digest;

const PASSWORD: &str = "correct-horse-battery-staple";
const CLIENT_ID: &str = "bench-client";
const REDIRECT_URI: &str = "https://site.example/callback";
const CHEAPEST_ARGON2: Argon2Settings = Argon2Settings {
    memory_kib: 8,
    iterations: 1,
    parallelism: 1,
};

fn settings(name: &str) -> Option<String> {
    let value = match name {
        "MEMBERS_TABLE" => "members".into(),
        "SIGNING_KEYS" => format!("k1:{}", URL_SAFE_NO_PAD.encode([7u8; 32])),
        "PUBLIC_BASE_URL" => "https://auth.example".into(),
        "APPROVAL_LINK_URL" => "https://site.example/approve".into(),
        "OWNER_EMAIL" => "owner@example.com".into(),
        "ARGON2_MEMORY_KIB" => CHEAPEST_ARGON2.memory_kib.to_string(),
        "ARGON2_ITERATIONS" => CHEAPEST_ARGON2.iterations.to_string(),
        "ARGON2_PARALLELISM" => CHEAPEST_ARGON2.parallelism.to_string(),
        "OAUTH_CLIENTS" => json!([{ "clientId": CLIENT_ID, "redirectUris": [REDIRECT_URI],
            "origins": ["https://site.example"], "postLogoutUrls": [] }])
        .to_string(),
        _ => return None,
    };
    Some(value)
}

fn memory_app() -> App<InMemory> {
    let config = Config::from_lookup(settings).expect("bench settings");
    App::in_memory(config).expect("bench app")
}

/// The member's email item as the canned stand-in answers it.
fn canned_item(email: &str) -> Value {
    json!({ "pk": { "S": format!("EMAIL#{email}") }, "memberId": { "S": "m" },
        "passwordHash": { "S": "h" } })
}

/// The functions' own SDK settings (timeouts, retries, ...), answered in process.
async fn canned_aws(email: &str) -> aws_config::SdkConfig {
    members_auth::app::aws_defaults()
        .http_client(CannedGetItem::new(canned_item(email)))
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url("https://memory.invalid")
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "bench", "bench", None, None, "bench",
        ))
        .load()
        .await
}

/// A consistent GetItem of the member's email item as DynamoDB's JSON protocol has it,
/// signed (SigV4, headers) and answered by `canned` in place of the network.
fn get_item_signed_by_hand(
    canned: &CannedGetItem,
    identity: &aws_smithy_runtime_api::client::identity::Identity,
    email: &str,
) -> HashMap<String, AttributeValue> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let body = serde_json::to_vec(&json!({
        "TableName": "members",
        "Key": { "pk": { "S": format!("EMAIL#{email}") } },
        "ConsistentRead": true,
    }))
    .unwrap();
    let mut request = http::Request::post("https://dynamodb.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.GetItem")
        .header("host", "dynamodb.us-east-1.amazonaws.com")
        .body(body)
        .unwrap();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(identity)
        .region("us-east-1")
        .name("dynamodb")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value.to_str().unwrap()));
    let signable = SignableRequest::new(
        "POST",
        request.uri().to_string(),
        headers,
        SignableBody::Bytes(request.body()),
    )
    .unwrap();
    let (instructions, _signature) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut request);
    let answer: Value = serde_json::from_str(&canned.answer_to(&request)).unwrap();
    answer["Item"]
        .as_object()
        .expect("an item")
        .iter()
        .map(|(name, value)| (name.clone(), attribute(value)))
        .collect()
}

/// One attribute from DynamoDB's JSON form (the kinds a member item holds).
fn attribute(value: &Value) -> AttributeValue {
    let (kind, inner) = value
        .as_object()
        .and_then(|o| o.iter().next())
        .expect("one typed value");
    match kind.as_str() {
        "S" => AttributeValue::S(inner.as_str().unwrap().to_owned()),
        "N" => AttributeValue::N(inner.as_str().unwrap().to_owned()),
        "BOOL" => AttributeValue::Bool(inner.as_bool().unwrap()),
        "NULL" => AttributeValue::Null(true),
        "L" => AttributeValue::L(inner.as_array().unwrap().iter().map(attribute).collect()),
        "M" => AttributeValue::M(
            inner
                .as_object()
                .unwrap()
                .iter()
                .map(|(name, value)| (name.clone(), attribute(value)))
                .collect(),
        ),
        other => panic!("attribute kind {other} is not in the bench's item"),
    }
}

/// One request through `serve`, as a function would answer it.
async fn call(function: Function, app: &App<InMemory>, event: &str) -> Response<Body> {
    serve(function, app, request(event)).await.unwrap()
}

/// A new source address per call: 10.x.y.z.
fn next_source() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// The API Gateway event for `method target`, as the integration tests build it, from a
/// new source address. Built outside the timed part of each iteration.
fn event(method: &str, target: &str, headers: &[(&str, &str)], body: Option<&Value>) -> String {
    let mut headers = headers.to_vec();
    headers.push(("content-type", "application/json"));
    let body = body.map(Value::to_string);
    let (_, event) = api_gateway_event(method, target, &headers, body.as_deref(), &next_source());
    event.to_string()
}

fn request(event: &str) -> Request {
    lambda_http::request::from_str(event).expect("valid event")
}

fn parts(response: Response<Body>) -> (u16, Value, Option<String>) {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = match response.body() {
        Body::Text(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        Body::Binary(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    (status, body, location)
}

/// A registered member and a member's tokens, made through the handlers themselves:
/// register, redirect session, authorize (query mode), code exchange.
struct Member {
    email: String,
    access_token: String,
    refresh_token: String,
}

async fn member(app: &App<InMemory>) -> Member {
    let email = "bench.member@example.com".to_string();
    let registered = call(
        Function::Register,
        app,
        &event(
            "POST",
            "/backend/authentication/register",
            &[],
            Some(&json!({ "email": email, "password": PASSWORD })),
        ),
    )
    .await;
    let (status, body, _) = parts(registered);
    assert_eq!(status, 200, "register: {body}");
    let session_token = body["sessionToken"].as_str().unwrap().to_string();

    let verifier = format!("{}{}", "v".repeat(40), "erifier");
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let auth = json!({ "auth": { "authRequest": {
        "clientId": CLIENT_ID, "codeChallenge": challenge, "codeChallengeMethod": "S256",
        "responseMode": "query", "responseType": "code", "scope": "offline_access",
        "state": "s", "redirectUri": REDIRECT_URI, "sessionToken": session_token
    }}});
    let session = call(
        Function::RedirectSession,
        app,
        &event(
            "POST",
            "/_api/redirects-api/v1/redirect-session",
            &[],
            Some(&auth),
        ),
    )
    .await;
    let (status, body, _) = parts(session);
    assert_eq!(status, 200, "redirect session: {body}");
    let full_url = body["redirectSession"]["fullUrl"].as_str().unwrap();
    let authorize_target = full_url.strip_prefix("https://auth.example").unwrap();
    let authorized = call(
        Function::Authorize,
        app,
        &event("GET", authorize_target, &[], None),
    )
    .await;
    let (status, _, location) = parts(authorized);
    assert_eq!(status, 302, "authorize");
    let location = location.unwrap();
    let query = location.split_once('?').unwrap().1;
    let params: HashMap<String, String> = serde_urlencoded::from_str(query).unwrap();
    let code = &params["code"];
    let exchanged = call(
        Function::Token,
        app,
        &event(
            "POST",
            "/oauth2/token",
            &[],
            Some(
                &json!({ "clientId": CLIENT_ID, "grantType": "authorization_code",
                "code": code, "codeVerifier": verifier }),
            ),
        ),
    )
    .await;
    let (status, body, _) = parts(exchanged);
    assert_eq!(status, 200, "code exchange: {body}");
    Member {
        email,
        access_token: body["access_token"].as_str().unwrap().to_string(),
        refresh_token: body["refresh_token"].as_str().unwrap().to_string(),
    }
}

fn benches(c: &mut Criterion) {
    // As the functions run: one thread (their `#[tokio::main(flavor = "current_thread")]`).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = &memory_app();
    let member = runtime.block_on(member(app));
    let aws = runtime.block_on(canned_aws(&member.email));

    let expect = |status: u16, wanted: u16, what: &str| {
        assert_eq!(status, wanted, "{what} stopped answering {wanted}");
    };

    let mut group = c.benchmark_group("handler");
    group.bench_function("login", |b| {
        let body = json!({ "email": member.email, "password": PASSWORD });
        b.to_async(&runtime).iter_batched(
            || event("POST", "/backend/authentication/login", &[], Some(&body)),
            |event| async move {
                let response = call(Function::Login, app, &event).await;
                expect(response.status().as_u16(), 200, "login");
            },
            BatchSize::SmallInput,
        );
    });
    // criterion calls each routine more than once (warm-up, samples): emails stay new.
    let registrations = AtomicU32::new(0);
    group.bench_function("register", |b| {
        let counter = &registrations;
        b.to_async(&runtime).iter_batched(
            || {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let body = json!({ "email": format!("new.{n}@example.com"), "password": PASSWORD });
                event("POST", "/backend/authentication/register", &[], Some(&body))
            },
            |event| async move {
                let response = call(Function::Register, app, &event).await;
                expect(response.status().as_u16(), 200, "register");
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("token_refresh", |b| {
        let body = json!({ "clientId": CLIENT_ID, "grantType": "refresh_token",
            "refreshToken": member.refresh_token });
        b.to_async(&runtime).iter_batched(
            || event("POST", "/oauth2/token", &[], Some(&body)),
            |event| async move {
                let response = call(Function::Token, app, &event).await;
                expect(response.status().as_u16(), 200, "token refresh");
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("current_member", |b| {
        let bearer = member.access_token.clone();
        b.to_async(&runtime).iter_batched(
            || {
                event(
                    "GET",
                    "/members/v1/members/my",
                    &[("authorization", bearer.as_str())],
                    None,
                )
            },
            |event| async move {
                let response = call(Function::CurrentMember, app, &event).await;
                expect(response.status().as_u16(), 200, "current member");
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();

    // One DynamoDB call through the SDK (build, sign, serialise, answer, parse): what a
    // deployed function adds per DynamoDB call to the handler figures above.
    let dynamodb = aws_sdk_dynamodb::Client::new(&aws);
    let email_key = aws_sdk_dynamodb::types::AttributeValue::S(format!("EMAIL#{}", member.email));
    let mut group = c.benchmark_group("sdk");
    group.bench_function("get_item", |b| {
        b.to_async(&runtime).iter(|| async {
            let item = dynamodb
                .get_item()
                .table_name("members")
                .key("pk", email_key.clone())
                .consistent_read(true)
                .send()
                .await
                .unwrap();
            assert!(item.item.is_some(), "the member's email item");
        });
    });
    // The same call without the SDK's orchestrator: the work any client has to do per
    // call (the request written, signed with aws-sigv4 as the SDK signs it, the same
    // answer parsed into the SDK's own item type), so the difference is what the
    // orchestrator (interceptors, config layers, endpoint rules, retry bookkeeping) adds.
    let canned = CannedGetItem::new(canned_item(&member.email));
    let identity =
        aws_credential_types::Credentials::new("bench", "bench", None, None, "bench").into();
    group.bench_function("get_item_signed_by_hand", |b| {
        b.iter(|| {
            let item = get_item_signed_by_hand(&canned, &identity, &member.email);
            assert!(item.contains_key("memberId"), "the member's email item");
        });
    });
    group.finish();

    // The argon2 share of login and register above, to subtract.
    let hasher = PasswordHasher::new(CHEAPEST_ARGON2).unwrap();
    let stored = runtime
        .block_on(hasher.hash(Password::for_login(PASSWORD.into()).unwrap()))
        .unwrap();
    let mut group = c.benchmark_group("argon2");
    group.bench_function("verify", |b| {
        b.to_async(&runtime).iter(|| async {
            let password = Password::for_login(PASSWORD.into()).unwrap();
            assert!(hasher.verify(password, Some(stored.clone())).await.unwrap());
        });
    });
    group.bench_function("hash", |b| {
        b.to_async(&runtime).iter(|| async {
            let password = Password::for_login(PASSWORD.into()).unwrap();
            hasher.hash(password).await.unwrap()
        });
    });
    group.finish();
}

criterion_group!(handler_benches, benches);
criterion_main!(handler_benches);
