//! Delivery of the emails test apps queue: every live `TestApp` keeps a reader on its
//! table's stream, and reading the inbox first hands each app's new `MAIL#` records to
//! the mailer's own code (`mail::delivery`), with that app's keys and SES. So a test
//! reads its mail after it went the deployed way (table → stream → mailer → SES), and a
//! test that finds no mail has waited for everything queued before it looked.

use std::sync::{Arc, Mutex, OnceLock, Weak};

use members_auth::{
    Clock,
    config::Config,
    mail::{
        TableOutbox,
        delivery::{Retries, deliver_batch},
    },
};

use crate::{
    aws::{local_aws_config, local_endpoint},
    mail_driver::{MailQueue, StartAt},
};

/// One test app's mail: its settings, where its DynamoDB and SES are, and its reader.
pub struct AppMail {
    config: Config,
    clock: Clock,
    dynamodb_endpoint: String,
    ses_endpoint: Mutex<String>,
    queue: tokio::sync::Mutex<Option<MailQueue>>,
}

fn apps() -> &'static Mutex<Vec<Weak<AppMail>>> {
    static APPS: OnceLock<Mutex<Vec<Weak<AppMail>>>> = OnceLock::new();
    APPS.get_or_init(Default::default)
}

impl AppMail {
    /// Starts reading the app's stream where it ends now (nothing the app queues is
    /// missed) and registers the app; an app whose DynamoDB is unreachable reads nothing.
    pub(crate) async fn start(
        config: Config,
        clock: Clock,
        dynamodb_endpoint: &str,
        ses_endpoint: &str,
    ) -> Arc<Self> {
        let (dynamodb, streams) = clients(dynamodb_endpoint).await;
        let queue = MailQueue::open(&dynamodb, &streams, &config.table, StartAt::Latest)
            .await
            .ok();
        let mail = Arc::new(Self {
            config,
            clock,
            dynamodb_endpoint: dynamodb_endpoint.to_string(),
            ses_endpoint: Mutex::new(ses_endpoint.to_string()),
            queue: tokio::sync::Mutex::new(queue),
        });
        let mut apps = apps().lock().unwrap_or_else(|p| p.into_inner());
        apps.retain(|app| app.strong_count() > 0);
        apps.push(Arc::downgrade(&mail));
        mail
    }

    /// From now on the app's mailer sends through SES at `endpoint` (a test's outage ends).
    pub fn send_through(&self, endpoint: &str) {
        *self.ses_endpoint.lock().unwrap_or_else(|p| p.into_inner()) = endpoint.to_string();
    }

    /// Hands the app's new and still-waiting records to the mailer once; answers how many
    /// still wait (SES refused them for now).
    pub async fn deliver(&self) -> usize {
        self.try_deliver()
            .await
            .expect("the app's stream is readable")
    }

    async fn try_deliver(&self) -> Result<usize, String> {
        let mut queue = self.queue.lock().await;
        let Some(queue) = queue.as_mut() else {
            return Ok(0);
        };
        // Clients of this call's own: the app's may belong to another test's runtime.
        let (dynamodb, streams) = clients(&self.dynamodb_endpoint).await;
        let ses_endpoint = self
            .ses_endpoint
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let ses = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::config::Builder::from(&local_aws_config().await)
                .endpoint_url(ses_endpoint)
                .build(),
        );
        let outbox = TableOutbox::new(&self.config, dynamodb, ses);
        let clock = &self.clock;
        queue
            .drain(&streams, |event| async move {
                Ok(deliver_batch(&outbox, clock, &event, Retries::ONCE, None).await)
            })
            .await
    }
}

/// The mailer's outbox for `app`'s table, sealing and opening with `signing_keys`
/// instead of the app's (a mailer that missed a key rotation).
pub async fn outbox_with_keys(app: &AppMail, signing_keys: &str) -> TableOutbox {
    let mut config = app.config.clone();
    config.signing_keys =
        members_auth::domain::token::SigningKeys::parse(signing_keys).expect("signing keys");
    let (dynamodb, _) = clients(&app.dynamodb_endpoint).await;
    let ses = aws_sdk_sesv2::Client::new(&local_aws_config().await);
    TableOutbox::new(&config, dynamodb, ses)
}

/// A fresh reader on `app`'s table's whole stream.
pub async fn read_stream(app: &AppMail) -> (MailQueue, aws_sdk_dynamodbstreams::Client) {
    let (dynamodb, streams) = clients(&app.dynamodb_endpoint).await;
    let queue = MailQueue::open(&dynamodb, &streams, &app.config.table, StartAt::TrimHorizon)
        .await
        .expect("the app's stream");
    (queue, streams)
}

/// Delivers what every live test app on the shared local DynamoDB has queued (an app
/// on a private one, which its test may freeze or stop, delivers when its test asks).
pub async fn deliver_all() {
    let shared = local_endpoint("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
    let live: Vec<Arc<AppMail>> = apps()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .filter(|app| app.dynamodb_endpoint == shared)
        .collect();
    for app in live {
        // A failure is that app's test's to see, when it reads its own mail.
        let _ = app.try_deliver().await;
    }
}

async fn clients(endpoint: &str) -> (aws_sdk_dynamodb::Client, aws_sdk_dynamodbstreams::Client) {
    let aws = local_aws_config().await;
    (
        aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&aws)
                .endpoint_url(endpoint)
                .build(),
        ),
        aws_sdk_dynamodbstreams::Client::from_conf(
            aws_sdk_dynamodbstreams::config::Builder::from(&aws)
                .endpoint_url(endpoint)
                .build(),
        ),
    )
}
