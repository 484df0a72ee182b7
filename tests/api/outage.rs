//! Dependencies failing mid-run: a DynamoDB that stops answering, an SES that refuses.

use members_auth::store::MemberStore;

use std::process::{Child, Command, Stdio};

use integration_tests::{PASSWORD, TestApp, inbox, random_email};
use serde_json::json;

/// A moto server of this test's own, killed when dropped.
struct PrivateDynamo {
    child: Child,
    endpoint: String,
}

impl PrivateDynamo {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let child = Command::new(format!("{root}/.tools/venv/bin/python"))
            .arg(format!("{root}/scripts/moto_server.py"))
            .args(["127.0.0.1", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto from `make tools`");
        // Owned from here on, so every path (a panic included) kills and reaps it.
        let dynamo = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return dynamo;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("private moto did not start");
    }

    /// SIGSTOP: the port still accepts connections, nothing answers — a hung service.
    fn freeze(&self) {
        Command::new("kill")
            .args(["-STOP", &self.child.id().to_string()])
            .status()
            .unwrap();
    }

    fn thaw(&self) {
        Command::new("kill")
            .args(["-CONT", &self.child.id().to_string()])
            .status()
            .unwrap();
    }
}

impl Drop for PrivateDynamo {
    fn drop(&mut self) {
        self.thaw();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_hung_dynamodb_is_a_clean_503_and_service_returns_without_restart() {
    let dynamo = PrivateDynamo::start();
    let app = TestApp::with_dynamodb_at(&dynamo.endpoint).await;
    let alice = random_email();
    assert_eq!(app.register(&alice, PASSWORD).await.status, 200);

    dynamo.freeze();
    let started = std::time::Instant::now();
    let login = app.login(&alice, PASSWORD).await;
    let bob = random_email();
    let register = app.register(&bob, PASSWORD).await;
    let waited = started.elapsed();

    for response in [&login, &register] {
        assert_eq!(response.status, 503, "{response:?}");
        assert_eq!(response.code(), "UNAVAILABLE");
        assert!(
            !response.text.to_lowercase().contains("timeout"),
            "{}",
            response.text
        );
    }
    // A hang guard, not a benchmark: both requests gave up on their own.
    assert!(waited.as_secs() < 60, "{waited:?}");

    dynamo.thaw();
    // The same app (no restart) serves again.
    assert_eq!(app.login(&alice, PASSWORD).await.status, 200);
    // Bob's registration, cut off mid-flight, is whole or absent — never half-written.
    let bob_email = members_auth::domain::Email::parse(&bob).unwrap();
    match app.app.store.credentials(&bob_email).await.unwrap() {
        Some(credentials) => {
            assert!(
                app.app
                    .store
                    .member(&credentials.member_id)
                    .await
                    .unwrap()
                    .is_some()
            );
            assert_eq!(app.register(&bob, PASSWORD).await.code(), "-19995");
            assert_eq!(app.login(&bob, PASSWORD).await.status, 200);
        }
        None => assert_eq!(app.register(&bob, PASSWORD).await.status, 200),
    }
}

/// Where the local SES stand-in listens, for an app whose outage ends.
fn live_ses() -> String {
    std::env::var("AWS_ENDPOINT_URL_SESV2").unwrap_or_else(|_| "http://127.0.0.1:8005".into())
}

#[tokio::test]
async fn registration_during_an_ses_outage_answers_and_its_code_arrives_once_ses_returns() {
    let broken = TestApp::with_unreachable_ses(&[]).await;
    let email = random_email();

    let registered = broken
        .post(
            "/_api/iam/authentication/v2/register",
            json!({ "loginId": { "email": email }, "password": PASSWORD }),
        )
        .await;
    // The request never waits for SES: the code is queued with the registration.
    assert_eq!(
        registered.body["state"], "REQUIRE_EMAIL_VERIFICATION",
        "{registered:?}"
    );
    for _ in 0..3 {
        assert_eq!(broken.mail.deliver().await, 1, "still waiting for SES");
    }
    assert!(inbox::mail_to(&email).await.is_empty());

    broken.mail.send_through(&live_ses());
    assert_eq!(broken.mail.deliver().await, 0);
    let mails = inbox::mail_to(&email).await;
    assert_eq!(mails.len(), 1, "sent once SES is back, and once only");
    let verified = broken
        .post(
            "/_api/iam/verification/v1/auth/verify",
            json!({ "code": inbox::code_in(&mails[0]), "stateToken": registered.body["stateToken"] }),
        )
        .await;
    assert_eq!(verified.body["state"], "SUCCESS", "{verified:?}");
    // Handing the same stream record over again (Lambda delivers at least once) sends
    // nothing more.
    assert_eq!(broken.mail.deliver().await, 0);
    assert_eq!(inbox::mail_to(&email).await.len(), 1);
}

#[tokio::test]
async fn recovery_during_an_ses_outage_answers_the_same_and_its_email_arrives_once_ses_returns() {
    let email = random_email();
    let broken = TestApp::with_unreachable_ses(&[]).await;
    broken.register(&email, PASSWORD).await;

    let response = broken
        .post(
            "/_api/iam/recovery/v1/send-email",
            json!({ "email": email }),
        )
        .await;
    // No hint that the email is known, and no waiting for SES.
    assert_eq!((response.status, response.text.as_str()), (200, "{}"));
    assert_eq!(broken.mail.deliver().await, 1);
    assert!(inbox::mail_to(&email).await.is_empty());

    broken.mail.send_through(&live_ses());
    broken.mail.deliver().await;
    broken.mail.deliver().await;
    let mails = inbox::mail_to(&email).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].text.contains("/recovery/reset-password?token="));
}
