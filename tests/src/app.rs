//! `TestApp`: the real handlers, served as a deployed function serves them, over the
//! local DynamoDB and SES stand-ins through the real AWS SDK, on a clock the test moves.

use std::{collections::HashMap, sync::Arc};

use lambda_http::http::Method;
use members_auth::{
    App, Clock,
    app::{AppSource, Aws},
    config::Config,
    http::{Function, serve},
    store::dynamo::create_table_if_missing,
};
use serde_json::Value;

use crate::{
    OAUTH_CLIENTS,
    aws::{CallCounter, local_aws_config, local_endpoint, record_actions},
    event::api_gateway_event,
    logs::install_log_capture,
    outbox::AppMail,
    random_key, table,
};

pub struct TestApp {
    pub app: App,
    pub admin_key: String,
    /// The site API key this app accepts (`API_KEYS`).
    pub api_key: String,
    pub dynamodb_calls: CallCounter,
    /// The app's queued emails and their delivery (`outbox`).
    pub mail: Arc<AppMail>,
    /// Every request of this app comes from here, so per-source counters are the
    /// test's own.
    pub source_ip: String,
}

pub struct TestResponse {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub location: Option<String>,
    /// Every `Set-Cookie` of the answer.
    pub set_cookies: Vec<String>,
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

    /// An app on a table of its own (with `settings`), for tests that read the whole
    /// directory: the run's shared table holds every other test's members.
    pub async fn with_own_table(settings: &[(&str, &str)]) -> Self {
        let name = format!(
            "members-own-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        let mut all = vec![("MEMBERS_TABLE", name.as_str())];
        all.extend_from_slice(settings);
        Self::build(&all, None, None).await
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
        // A retry quota of its own: the SDK's token bucket is shared per partition in
        // a process, and other tests' timeouts would spend this app's retries.
        let partition = aws_sdk_dynamodb::config::retry::RetryPartition::new(format!(
            "test-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let dynamodb = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&production)
                .endpoint_url(endpoint)
                .retry_partition(partition)
                .build(),
        );
        let clock = app.app.clock.clone();
        app.app = App::with_clients(
            app.app.config.clone(),
            dynamodb,
            aws_sdk_sesv2::Client::new(&production),
        )
        .expect("test app");
        app.app.clock = clock;
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&local_aws_config().await)
                .endpoint_url(endpoint)
                .build(),
        );
        create_table_if_missing(&client, table())
            .await
            .expect("the test's DynamoDB is up");
        app.mail = AppMail::start(
            app.app.config.clone(),
            app.app.clock.clone(),
            endpoint,
            &local_endpoint("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:8005"),
        )
        .await;
        app
    }

    async fn build(
        settings: &[(&str, &str)],
        dynamodb_endpoint: Option<&str>,
        ses_endpoint: Option<&str>,
    ) -> Self {
        install_log_capture();
        let own_dynamodb = dynamodb_endpoint.is_some();
        let admin_key = random_key();
        let api_key = random_key();
        let mut env: HashMap<String, String> = HashMap::from([
            ("MEMBERS_TABLE".into(), table().into()),
            // A key id of the app's own: the mailer claims only mail sealed under a
            // key it holds, and the run's apps share a table.
            (
                "SIGNING_KEYS".into(),
                format!(
                    "test-{}:{}",
                    &uuid::Uuid::new_v4().simple().to_string()[..8],
                    random_key()
                ),
            ),
            ("ADMIN_KEY".into(), admin_key.clone()),
            ("API_KEYS".into(), format!("site:{api_key}")),
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
        let dynamodb_endpoint = dynamodb_endpoint.map_or_else(
            || local_endpoint("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            String::from,
        );
        let ses_endpoint = ses_endpoint.map_or_else(
            || local_endpoint("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:8005"),
            String::from,
        );
        let dynamodb_config = aws_sdk_dynamodb::config::Builder::from(&aws)
            .interceptor(dynamodb_calls.clone())
            .endpoint_url(&dynamodb_endpoint);
        let dynamodb = aws_sdk_dynamodb::Client::from_conf(dynamodb_config.build());
        if !own_dynamodb {
            create_table_if_missing(&dynamodb, &config.table)
                .await
                .expect("local DynamoDB reachable (make stack-up)");
        }
        dynamodb_calls.take();
        let ses = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::config::Builder::from(&aws)
                .endpoint_url(&ses_endpoint)
                .build(),
        );
        let mut app = App::with_clients(config, dynamodb, ses).expect("test app");
        // Time moves only when the test says so: expiries are tested without sleeping.
        app.clock = Clock::manual();
        let mail = AppMail::start(
            app.config.clone(),
            app.clock.clone(),
            &dynamodb_endpoint,
            &ses_endpoint,
        )
        .await;
        let bytes = uuid::Uuid::new_v4().into_bytes();
        Self {
            app,
            admin_key,
            api_key,
            dynamodb_calls,
            mail,
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
        self.request_to(&self.app, method, path, headers, body)
            .await
    }

    /// [`Self::request`] served by `app` (as a deployed function would be) instead of
    /// this test app.
    pub async fn request_to(
        &self,
        app: &impl AppSource<Aws>,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> TestResponse {
        let (function, event) = api_gateway_event(method, path, headers, body, &self.source_ip);
        self.send_event_to(app, function, event).await
    }

    pub async fn send_event(&self, function: Function, event: Value) -> TestResponse {
        self.send_event_to(&self.app, function, event).await
    }

    async fn send_event_to(
        &self,
        app: &impl AppSource<Aws>,
        function: Function,
        event: Value,
    ) -> TestResponse {
        let request = lambda_http::request::from_str(&event.to_string()).expect("valid event");
        self.dynamodb_calls.take_actions();
        let response = serve(function, app, request)
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
        let set_cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        TestResponse {
            status,
            body,
            text,
            location,
            set_cookies,
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

    /// Every item of the test's table, read with a Scan (a test may; a request path
    /// never does).
    pub async fn table_items(
        &self,
    ) -> Vec<HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&local_aws_config().await)
                .endpoint_url(local_endpoint("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
                .build(),
        );
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = client
                .scan()
                .table_name(&self.app.config.table)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan the test table");
            items.extend(out.items().iter().cloned());
            start = out.last_evaluated_key;
            if start.is_none() {
                return items;
            }
        }
    }

    /// Moves this app's clock forward (every copy of it: the app's flows see it).
    pub fn advance(&self, by: std::time::Duration) {
        self.app.clock.advance(by);
    }

    pub async fn register(&self, email: &str, password: &str) -> TestResponse {
        self.post(
            crate::paths::REGISTER,
            serde_json::json!({ "email": email, "password": password }),
        )
        .await
    }

    /// A member access token for `email`: a Velo login's session token, a code from
    /// the authorize URL, the code exchanged (as a site with its own login does it).
    pub async fn access_token(&self, email: &str, password: &str) -> String {
        use base64::Engine;
        use sha2::Digest;
        let login = self.login(email, password).await;
        let session = login.body["sessionToken"]
            .as_str()
            .expect("a session token");
        let verifier = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
        let query = serde_urlencoded::to_string([
            ("client_id", crate::CLIENT_ID),
            ("redirect_uri", crate::REDIRECT_URI),
            ("response_type", "code"),
            ("response_mode", "query"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("state", "s"),
            ("sessionToken", session),
        ])
        .expect("a query");
        let authorized = self.get(&format!("/oauth2/authorize?{query}"), &[]).await;
        let location = authorized.location.expect("a redirect with the code");
        let code = location
            .split(['?', '&'])
            .find_map(|part| part.strip_prefix("code="))
            .expect("a code");
        let tokens = self
            .post(
                crate::paths::TOKEN,
                serde_json::json!({ "clientId": crate::CLIENT_ID, "grantType": "authorization_code",
                    "code": code, "codeVerifier": verifier, "redirectUri": crate::REDIRECT_URI }),
            )
            .await;
        tokens.body["access_token"]
            .as_str()
            .expect("an access token")
            .to_string()
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post(
            crate::paths::LOGIN,
            serde_json::json!({ "email": email, "password": password }),
        )
        .await
    }
}
