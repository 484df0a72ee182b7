//! Everything a handler needs, built once per process: on the first request that needs
//! it, not during init (see [`LazyApp`]).

use std::{future::Future, time::Duration};

use aws_config::{BehaviorVersion, retry::RetryConfig, timeout::TimeoutConfig};
use tokio::sync::OnceCell;

use crate::{
    captcha::CaptchaVerifier,
    clock::Clock,
    config::{Config, ConfigError},
    domain::{Member, PasswordHasher},
    mail::{
        MailError, Mailer, MemoryOutbox, OutgoingEmail, TableOutbox,
        templates::{Letter, compose},
    },
    store::{DynamoStore, MemoryStore, Store},
    ui::{Lang, LangPreference},
};

/// Which store and mailer an [`App`] runs on; chosen at compile time, so the seam
/// costs nothing at run time.
pub trait Backend: Send + Sync + 'static {
    type Store: Store;
    type Mailer: Mailer;
}

/// DynamoDB, with email queued in its table for SES v2: the functions' backend.
pub struct Aws;

impl Backend for Aws {
    type Store = DynamoStore;
    type Mailer = TableOutbox;
}

/// The in-memory store and outbox: fast flow tests and the handler benchmarks.
pub struct InMemory;

impl Backend for InMemory {
    type Store = MemoryStore;
    type Mailer = MemoryOutbox;
}

pub struct App<B: Backend = Aws> {
    pub config: Config,
    pub store: B::Store,
    pub mailer: B::Mailer,
    pub hasher: PasswordHasher,
    pub captcha: CaptchaVerifier,
    pub clock: Clock,
}

impl<B: Backend> Clone for App<B> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            store: self.store.clone(),
            mailer: self.mailer.clone(),
            hasher: self.hasher.clone(),
            captcha: self.captcha.clone(),
            clock: self.clock.clone(),
        }
    }
}

impl<B: Backend> App<B> {
    /// Queues `email` for `to`; the request does not wait for SES.
    pub async fn send_mail(&self, to: &str, email: OutgoingEmail) -> Result<(), MailError> {
        self.mailer.send(to, email, self.clock.now()).await
    }

    /// The work of [`App::send_mail`] for an address with no member.
    pub async fn send_decoy_mail(&self, email: OutgoingEmail) -> Result<(), MailError> {
        self.mailer.send_decoy(email, self.clock.now()).await
    }

    /// `letter` for `to` in `lang`, rendered by the site's templates, then queued.
    pub async fn send_letter(
        &self,
        to: &str,
        lang: Lang,
        letter: &Letter<'_>,
    ) -> Result<(), MailError> {
        self.send_mail(to, self.compose(lang, letter)?).await
    }

    /// The work of [`App::send_letter`] for an address with no member.
    pub async fn send_decoy_letter(
        &self,
        lang: Lang,
        letter: &Letter<'_>,
    ) -> Result<(), MailError> {
        self.send_decoy_mail(self.compose(lang, letter)?).await
    }

    fn compose(&self, lang: Lang, letter: &Letter<'_>) -> Result<OutgoingEmail, MailError> {
        compose(&self.config.ui, lang, letter).map_err(|err| MailError(err.to_string()))
    }

    /// The language to write to `member` in: the one the request asks for, else the
    /// member's profile language, else the browser's, else the site's.
    pub fn lang_for(&self, asked: LangPreference, member: Option<&Member>) -> Lang {
        let profile = member.and_then(|m| m.contact_details.language.as_deref());
        asked.resolve(profile, self.config.ui.site_lang)
    }
}

/// Where `serve` gets its app: a [`LazyApp`] builds it on first use, a ready [`App`]
/// is its own source (tests, benchmarks).
pub trait AppSource<B: Backend>: Sync {
    fn app(&self) -> impl Future<Output = Result<&App<B>, ConfigError>> + Send;
}

impl<B: Backend> AppSource<B> for App<B> {
    async fn app(&self) -> Result<&App<B>, ConfigError> {
        Ok(self)
    }
}

impl AppSource<Aws> for LazyApp {
    async fn app(&self) -> Result<&App, ConfigError> {
        self.get().await
    }
}

/// Reads the deployment's secret (JSON `{signingKeys, adminKey?, captchaSecret?,
/// apiKeys?}`) once per cold start, as the settings it stands for.
async fn read_secrets(
    aws: &aws_config::SdkConfig,
    arn: &str,
) -> Result<std::collections::HashMap<&'static str, String>, ConfigError> {
    let problem = |problem: String| ConfigError {
        name: "SECRETS_ARN",
        problem,
    };
    let out = aws_sdk_secretsmanager::Client::new(aws)
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| {
            problem(format!(
                "cannot read the secret: {}",
                aws_sdk_secretsmanager::error::DisplayErrorContext(&e)
            ))
        })?;
    let json: serde_json::Value = serde_json::from_str(out.secret_string().unwrap_or_default())
        .map_err(|_| problem("the secret is not a JSON object".into()))?;
    let mut settings = std::collections::HashMap::new();
    for (key, setting) in [
        ("signingKeys", "SIGNING_KEYS"),
        ("adminKey", "ADMIN_KEY"),
        ("captchaSecret", "CAPTCHA_SECRET"),
        ("apiKeys", "API_KEYS"),
    ] {
        if let Some(value) = json[key].as_str().filter(|v| !v.is_empty()) {
            settings.insert(setting, value.to_string());
        }
    }
    // API keys may also come as an object, name → key (as terraform writes them).
    if let Some(named) = json["apiKeys"].as_object() {
        let mut list = Vec::new();
        for (name, key) in named {
            let key = key
                .as_str()
                .ok_or_else(|| problem(format!("apiKeys.{name} is not a string")))?;
            list.push(format!("{name}:{key}"));
        }
        settings.insert("API_KEYS", list.join(","));
    }
    Ok(settings)
}

/// A dead dependency must cost a request seconds, not the Lambda's whole timeout:
/// 1 s to connect, 2 s an attempt, two attempts, 5 s in all.
pub fn aws_defaults() -> aws_config::ConfigLoader {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(5))
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(crate::https::SdkHttpClient::default())
        // The timeouts above bound a stalled response already; the protection's per-call
        // interceptor and throughput tracking only cost time (BENCHMARKS.md, handler overhead).
        .stalled_stream_protection(
            aws_config::stalled_stream_protection::StalledStreamProtectionConfig::disabled(),
        )
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(2))
}

/// Where a [`LazyApp`] reads its settings: the process environment in a function.
type Settings = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What a [`LazyApp`] builds its config from.
enum ConfigSource {
    /// The settings held it all: checked at init, so a misconfigured function fails its
    /// init naming the setting.
    Settings(Box<Config>),
    /// A Secrets Manager secret (`SECRETS_ARN`) completes the settings.
    Secret { arn: String },
}

/// The [`App`] of a Lambda process, built when the first request needs it.
///
/// Init reads only the settings, so a cold start is ready for its first event without
/// touching the network: the deployment secret (`SECRETS_ARN`) is fetched, and the AWS
/// clients are built, by the first request that gets past routing. A failed build is not
/// kept: that request answers 503 and the next one tries again.
pub struct LazyApp {
    settings: Settings,
    aws: fn() -> aws_config::ConfigLoader,
    source: ConfigSource,
    clock: Clock,
    app: OnceCell<App>,
}

impl LazyApp {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_settings(|name| std::env::var(name).ok(), aws_defaults)
    }

    /// `settings` stand for the environment; `aws` gives the SDK's settings (tests point
    /// it at the local stand-ins).
    pub fn from_settings(
        settings: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        aws: fn() -> aws_config::ConfigLoader,
    ) -> Result<Self, ConfigError> {
        let source = match settings("SECRETS_ARN").filter(|arn| !arn.is_empty()) {
            Some(arn) => ConfigSource::Secret { arn },
            None => ConfigSource::Settings(Box::new(Config::from_lookup(&settings)?)),
        };
        Ok(Self {
            settings: Box::new(settings),
            aws,
            source,
            clock: Clock::system(),
            app: OnceCell::new(),
        })
    }

    /// The app will read time from `clock` (tests move it by hand).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub async fn get(&self) -> Result<&App, ConfigError> {
        self.app.get_or_try_init(|| self.build()).await
    }

    async fn build(&self) -> Result<App, ConfigError> {
        let aws = (self.aws)().load().await;
        let config = match &self.source {
            ConfigSource::Settings(config) => Config::clone(config),
            ConfigSource::Secret { arn } => {
                let secrets = read_secrets(&aws, arn).await?;
                // A setting wins, so a local run never needs Secrets Manager; an empty
                // one is absent, as `Config` reads it, and the secret fills it in.
                Config::from_lookup(|name| {
                    (self.settings)(name)
                        .filter(|value| !value.trim().is_empty())
                        .or_else(|| secrets.get(name).cloned())
                })?
            }
        };
        let mut app = App::new(config, &aws)?;
        app.clock = self.clock.clone();
        Ok(app)
    }
}

fn hasher(config: &Config) -> Result<PasswordHasher, ConfigError> {
    PasswordHasher::new(config.argon2).map_err(|e| ConfigError {
        name: "ARGON2_MEMORY_KIB",
        problem: e.to_string(),
    })
}

impl App {
    pub fn new(config: Config, aws: &aws_config::SdkConfig) -> Result<Self, ConfigError> {
        Self::with_clients(
            config,
            aws_sdk_dynamodb::Client::new(aws),
            aws_sdk_sesv2::Client::new(aws),
        )
    }

    /// For callers that configure the clients themselves (tests count DynamoDB calls).
    pub fn with_clients(
        config: Config,
        dynamodb: aws_sdk_dynamodb::Client,
        ses: aws_sdk_sesv2::Client,
    ) -> Result<Self, ConfigError> {
        Ok(Self {
            mailer: TableOutbox::new(&config, dynamodb.clone(), ses),
            store: DynamoStore::new(dynamodb, config.table.clone()),
            hasher: hasher(&config)?,
            captcha: CaptchaVerifier::default(),
            clock: Clock::system(),
            config,
        })
    }
}

impl App<InMemory> {
    /// An app over a fresh in-memory store and outbox, on a manual clock.
    pub fn in_memory(config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            store: MemoryStore::default(),
            mailer: MemoryOutbox::default(),
            hasher: hasher(&config)?,
            captcha: CaptchaVerifier::default(),
            clock: Clock::manual(),
            config,
        })
    }
}
