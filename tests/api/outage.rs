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

#[tokio::test]
async fn a_failed_code_email_is_a_clear_error_and_login_sends_a_new_one() {
    let broken = TestApp::with_unreachable_ses(&[]).await;
    let email = random_email();

    let registered = broken
        .post(
            "/_api/iam/authentication/v2/register",
            json!({ "loginId": { "email": email }, "password": PASSWORD }),
        )
        .await;
    assert_eq!(registered.status, 503, "{registered:?}");
    assert_eq!(registered.code(), "UNAVAILABLE");

    // The resend path: logging in sends a fresh code once mail works again.
    let app = TestApp::new().await;
    let login = app
        .post(
            "/_api/iam/authentication/v2/login",
            json!({ "loginId": { "email": email }, "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        login.body["state"], "REQUIRE_EMAIL_VERIFICATION",
        "{login:?}"
    );
    let code = inbox::code_in(&inbox::latest_mail_to(&email));
    let verified = app
        .post(
            "/_api/iam/verification/v1/auth/verify",
            json!({ "code": code, "stateToken": login.body["stateToken"] }),
        )
        .await;
    assert_eq!(verified.body["state"], "SUCCESS", "{verified:?}");
}

#[tokio::test]
async fn a_failed_recovery_email_answers_the_same_and_can_be_asked_again() {
    let email = random_email();
    let app = TestApp::new().await;
    app.register(&email, PASSWORD).await;
    let broken = TestApp::with_unreachable_ses(&[]).await;

    let response = broken
        .post(
            "/_api/iam/recovery/v1/send-email",
            json!({ "email": email }),
        )
        .await;
    // No hint that the email is known, even when sending to it failed.
    assert_eq!((response.status, response.text.as_str()), (200, "{}"));
    assert!(inbox::mail_to(&email).is_empty());

    app.post(
        "/_api/iam/recovery/v1/send-email",
        json!({ "email": email }),
    )
    .await;
    assert_eq!(inbox::mail_to(&email).len(), 1);
}
