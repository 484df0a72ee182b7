//! Test kit: a `TestApp` that drives the real handlers with API Gateway v2 events
//! against the local DynamoDB and SES stand-ins (never mocks), plus the SES inbox.

pub mod inbox;

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use aws_sdk_dynamodb::{
    config::{Intercept, interceptors::BeforeSerializationInterceptorContextRef},
    error::BoxError,
};
use base64::Engine;
use lambda_http::http::Method;
use members_auth::{
    App, LazyApp,
    config::Config,
    http::{Function, ROUTES, handlers::dispatch, routes::path_matches},
    store::create_table_if_missing,
};
use serde_json::Value;

/// A table of this test run's own: moto keeps everything in memory, and its
/// transactions copy the whole table, so a small fresh one keeps runs fast.
pub fn table() -> &'static str {
    static TABLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        format!(
            "members-test-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        )
    })
}
pub const CLIENT_ID: &str = "test-client";
pub const REDIRECT_URI: &str = "https://site.example/callback";
pub const ORIGIN: &str = "https://site.example";
pub const POST_LOGOUT_URL: &str = "https://site.example/signed-out";
const OAUTH_CLIENTS: &str = r#"[{"clientId": "test-client",
    "redirectUris": ["https://site.example/callback"],
    "origins": ["https://site.example"],
    "postLogoutUrls": ["https://site.example/signed-out"]}]"#;

/// Counts DynamoDB operations (not retries), for call budgets, and remembers the IAM
/// actions they need, so the suite can check each function's role (infra/locals.tf).
#[derive(Debug, Default, Clone)]
pub struct CallCounter(Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<&'static str>>>);

impl CallCounter {
    pub fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }

    fn take_actions(&self) -> Vec<&'static str> {
        self.1
            .lock()
            .map(|mut a| std::mem::take(&mut *a))
            .unwrap_or_default()
    }
}

/// The IAM actions an operation needs: a transaction needs its items' actions.
fn iam_actions(
    input: &aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
) -> Vec<&'static str> {
    use aws_sdk_dynamodb::operation::{
        batch_get_item::BatchGetItemInput, create_table::CreateTableInput,
        delete_item::DeleteItemInput, get_item::GetItemInput, put_item::PutItemInput,
        transact_write_items::TransactWriteItemsInput, update_item::UpdateItemInput,
    };
    let input = input.input();
    if input.downcast_ref::<GetItemInput>().is_some() {
        vec!["GetItem"]
    } else if input.downcast_ref::<PutItemInput>().is_some() {
        vec!["PutItem"]
    } else if input.downcast_ref::<UpdateItemInput>().is_some() {
        vec!["UpdateItem"]
    } else if input.downcast_ref::<DeleteItemInput>().is_some() {
        vec!["DeleteItem"]
    } else if input.downcast_ref::<BatchGetItemInput>().is_some() {
        vec!["BatchGetItem"]
    } else if input.downcast_ref::<CreateTableInput>().is_some() {
        vec![]
    } else if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
        transaction
            .transact_items()
            .iter()
            .map(|item| {
                if item.put().is_some() {
                    "PutItem"
                } else if item.update().is_some() {
                    "UpdateItem"
                } else if item.delete().is_some() {
                    "DeleteItem"
                } else {
                    "ConditionCheckItem"
                }
            })
            .collect()
    } else {
        vec!["(unknown operation)"]
    }
}

/// Where the suite writes which function used which DynamoDB action;
/// `infra/checks/observed_actions.py` holds them against the IAM roles.
fn record_actions(function: Function, actions: &[&'static str]) {
    use std::io::Write;
    if actions.is_empty() {
        return;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/dynamodb-actions");
    let _ = std::fs::create_dir_all(dir);
    let path = format!("{dir}/{}.txt", std::process::id());
    // One write of whole lines: appends from parallel tests never interleave.
    let lines: String = actions
        .iter()
        .map(|a| format!("{} {a}\n", function.name()))
        .collect();
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = file.write_all(lines.as_bytes());
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut actions) = self.1.lock() {
            actions.extend(iam_actions(context));
        }
        Ok(())
    }
}

pub fn random_key() -> String {
    let bytes: Vec<u8> = (0..2)
        .flat_map(|_| uuid::Uuid::new_v4().into_bytes())
        .collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh address per test, mixed-case to exercise normalisation.
pub fn random_email() -> String {
    format!("Member.{}@Example.com", uuid::Uuid::new_v4().simple())
}

fn local_endpoint(variable: &str, default: &str) -> String {
    std::env::var(variable).unwrap_or_else(|_| default.to_string())
}

/// Always the local stand-ins with dummy credentials, whatever AWS settings the
/// developer's shell holds: tests can never reach a real account. Timeouts are
/// roomier than production's (moto serves one request at a time, and the suite runs
/// tests in parallel); the outage tests use production's.
async fn local_aws_config() -> aws_config::SdkConfig {
    local_aws_config_with(roomy_timeouts()).await
}

fn roomy_timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .operation_timeout(std::time::Duration::from_secs(60))
        .build()
}

async fn local_aws_config_with(
    timeouts: aws_config::timeout::TimeoutConfig,
) -> aws_config::SdkConfig {
    local_aws_loader().timeout_config(timeouts).load().await
}

fn local_aws_loader() -> aws_config::ConfigLoader {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(members_auth::https::SdkHttpClient::default())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "local", "local", None, None, "tests",
        ))
}

/// Every AWS service at moto (DynamoDB, Secrets Manager, SES v2): what a [`LazyApp`]
/// under test builds its clients from.
pub fn moto_aws_loader() -> aws_config::ConfigLoader {
    local_aws_loader()
        .timeout_config(roomy_timeouts())
        .endpoint_url(local_endpoint("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
}

/// Every log line of the test binary, as JSON, our crates at TRACE: the suite checks
/// that no secret it used reaches a log line.
static LOGS: std::sync::OnceLock<Arc<std::sync::Mutex<Vec<u8>>>> = std::sync::OnceLock::new();

#[derive(Clone)]
struct LogCapture(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut logs) = self.0.lock() {
            logs.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn install_log_capture() {
    LOGS.get_or_init(|| {
        let buffer = Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = LogCapture(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "members_auth=trace,integration_tests=trace,info",
            ))
            .with_writer(move || writer.clone())
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buffer
    });
}

/// What every test of this binary has logged so far.
pub fn captured_logs() -> String {
    LOGS.get()
        .and_then(|logs| {
            logs.lock()
                .ok()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
        })
        .unwrap_or_default()
}

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
        .map_or(Function::NotFound, |r| r.function);
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

pub struct TestApp {
    pub app: App,
    pub admin_key: String,
    pub dynamodb_calls: CallCounter,
    /// Every request of this app comes from here, so per-source counters are the
    /// test's own.
    pub source_ip: String,
}

pub struct TestResponse {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub location: Option<String>,
}

impl TestResponse {
    pub fn code(&self) -> &str {
        self.body["details"]["applicationError"]["code"]
            .as_str()
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for TestResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.text)
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_settings(&[]).await
    }

    /// `settings` override the environment a deployed function would get.
    pub async fn with_settings(settings: &[(&str, &str)]) -> Self {
        Self::build(settings, None, None).await
    }

    /// An app whose DynamoDB endpoint refuses connections: a dependency outage.
    pub async fn with_unreachable_dynamodb() -> Self {
        Self::build(&[], Some("http://127.0.0.1:9"), None).await
    }

    /// An app whose SES endpoint refuses connections.
    pub async fn with_unreachable_ses(settings: &[(&str, &str)]) -> Self {
        Self::build(settings, None, Some("http://127.0.0.1:9")).await
    }

    /// An app on a DynamoDB of the test's own (the table is created there), with
    /// production's SDK timeouts and retries.
    pub async fn with_dynamodb_at(endpoint: &str) -> Self {
        let mut app = Self::build(&[], Some(endpoint), None).await;
        let production = members_auth::app::aws_defaults()
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "local", "local", None, None, "tests",
            ))
            .load()
            .await;
        let dynamodb = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&production)
                .endpoint_url(endpoint)
                .build(),
        );
        app.app = App::with_clients(
            app.app.config.clone(),
            dynamodb,
            aws_sdk_sesv2::Client::new(&production),
        )
        .expect("test app");
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&local_aws_config().await)
                .endpoint_url(endpoint)
                .build(),
        );
        create_table_if_missing(&client, table())
            .await
            .expect("the test's DynamoDB is up");
        app
    }

    async fn build(
        settings: &[(&str, &str)],
        dynamodb_endpoint: Option<&str>,
        ses_endpoint: Option<&str>,
    ) -> Self {
        install_log_capture();
        let admin_key = random_key();
        let mut env: HashMap<String, String> = HashMap::from([
            ("MEMBERS_TABLE".into(), table().into()),
            ("SIGNING_KEYS".into(), format!("test:{}", random_key())),
            ("ADMIN_KEY".into(), admin_key.clone()),
            ("OWNER_EMAIL".into(), "owner@example.com".into()),
            (
                "APPROVAL_LINK_URL".into(),
                "https://site.example/approve".into(),
            ),
            ("PUBLIC_BASE_URL".into(), "https://auth.example".into()),
            ("OAUTH_CLIENTS".into(), OAUTH_CLIENTS.into()),
        ]);
        for (name, value) in settings {
            env.insert(name.to_string(), value.to_string());
        }
        let config = Config::from_lookup(|name| env.get(name).cloned()).expect("test config");
        let aws = local_aws_config().await;
        let dynamodb_calls = CallCounter::default();
        let dynamodb_config = aws_sdk_dynamodb::config::Builder::from(&aws)
            .interceptor(dynamodb_calls.clone())
            .endpoint_url(dynamodb_endpoint.map_or_else(
                || local_endpoint("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
                String::from,
            ));
        let dynamodb = aws_sdk_dynamodb::Client::from_conf(dynamodb_config.build());
        if dynamodb_endpoint.is_none() {
            create_table_if_missing(&dynamodb, table())
                .await
                .expect("local DynamoDB reachable (make stack-up)");
        }
        dynamodb_calls.take();
        let ses = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::config::Builder::from(&aws)
                .endpoint_url(ses_endpoint.map_or_else(
                    || local_endpoint("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:8005"),
                    String::from,
                ))
                .build(),
        );
        let app = App::with_clients(config, dynamodb, ses).expect("test app");
        let bytes = uuid::Uuid::new_v4().into_bytes();
        Self {
            app,
            admin_key,
            dynamodb_calls,
            source_ip: format!("10.{}.{}.{}", bytes[0], bytes[1], bytes[2]),
        }
    }

    /// Sends `body` to `path` as API Gateway would: the committed fixture event for
    /// the route's function, with method, path, headers and body replaced.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> TestResponse {
        let app = LazyApp::ready(self.app.clone());
        self.request_to(&app, method, path, headers, body).await
    }

    /// [`Self::request`] served by `app` (as a deployed function would be) instead of
    /// this test app.
    pub async fn request_to(
        &self,
        app: &LazyApp,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> TestResponse {
        let (function, event) = api_gateway_event(method, path, headers, body, &self.source_ip);
        self.send_event_to(app, function, event).await
    }

    pub async fn send_event(&self, function: Function, event: Value) -> TestResponse {
        let app = LazyApp::ready(self.app.clone());
        self.send_event_to(&app, function, event).await
    }

    async fn send_event_to(&self, app: &LazyApp, function: Function, event: Value) -> TestResponse {
        let request = lambda_http::request::from_str(&event.to_string()).expect("valid event");
        self.dynamodb_calls.take_actions();
        let response = dispatch(function, app, request)
            .await
            .expect("handlers never fail");
        record_actions(function, &self.dynamodb_calls.take_actions());
        let status = response.status().as_u16();
        let text = match response.body() {
            lambda_http::Body::Text(text) => text.clone(),
            lambda_http::Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            _ => String::new(),
        };
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        TestResponse {
            status,
            body,
            text,
            location,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.request(
            Method::POST.as_str(),
            path,
            &[("content-type", "application/json")],
            Some(&body.to_string()),
        )
        .await
    }

    pub async fn post_as_admin(&self, path: &str, body: Value) -> TestResponse {
        let auth = format!("Bearer {}", self.admin_key);
        self.request(
            Method::POST.as_str(),
            path,
            &[
                ("content-type", "application/json"),
                ("authorization", &auth),
            ],
            Some(&body.to_string()),
        )
        .await
    }

    pub async fn get(&self, path_and_query: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.request("GET", path_and_query, headers, None).await
    }

    /// Posts a JSON body with `Authorization: <token>` (raw, as the Wix client does).
    pub async fn post_with_token(&self, path: &str, token: &str, body: Value) -> TestResponse {
        self.request(
            "POST",
            path,
            &[
                ("content-type", "application/json"),
                ("authorization", token),
            ],
            Some(&body.to_string()),
        )
        .await
    }

    pub async fn register(&self, email: &str, password: &str) -> TestResponse {
        self.post(
            "/backend/authentication/register",
            serde_json::json!({ "email": email, "password": password }),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post(
            "/backend/authentication/login",
            serde_json::json!({ "email": email, "password": password }),
        )
        .await
    }
}

/// A reCAPTCHA siteverify stand-in on 127.0.0.1: `success` only for the token
/// `good-token` sent with the secret `test-secret`. Lives as long as the test's runtime.
pub async fn captcha_stub() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind captcha stub");
    let address = listener.local_addr().expect("stub address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // Read headers and the (small) form body.
                loop {
                    let Ok(read) = stream.read(&mut buffer).await else {
                        return;
                    };
                    if read == 0 {
                        break;
                    }
                    request.extend_from_slice(&buffer[..read]);
                    let text = String::from_utf8_lossy(&request);
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let success =
                    text.contains("secret=test-secret") && text.contains("response=good-token");
                let body = format!("{{\"success\": {success}}}");
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/siteverify")
}
