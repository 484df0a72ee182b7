use integration_tests::{TestApp, random_email};
use serde_json::json;

const PASSWORD: &str = "correct-horse-battery";

/// Failures 5, 6, 7 and 8 lock for 1, 2, 4 and 8 seconds: after eight, the lock
/// certainly outlasts the next request, however slow the machine.
#[tokio::test]
async fn repeated_failures_lock_the_account_for_that_source_only() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;

    let mut statuses = Vec::new();
    for _ in 1..=8 {
        statuses.push(app.login(&email, "wrong-password").await.status);
    }
    assert!(statuses[..4].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    let locked = app.login(&email, PASSWORD).await;
    assert_eq!(locked.status, 429, "{locked:?}");
    assert_eq!(locked.code(), "TOO_MANY_REQUESTS");

    // The same account from another source is unaffected: no lock-out by strangers.
    let elsewhere = TestApp::new().await;
    assert_eq!(elsewhere.login(&email, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn the_first_lock_lasts_a_second_and_a_success_ends_the_run() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    for _ in 1..=5 {
        assert_eq!(app.login(&email, "wrong-password").await.status, 401);
    }

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
    for _ in 1..=4 {
        assert_eq!(app.login(&email, "wrong-password").await.status, 401);
    }
}

#[tokio::test]
async fn lockout_looks_the_same_for_unknown_emails() {
    let app = TestApp::new().await;
    let known = random_email();
    app.register(&known, PASSWORD).await;
    let unknown = random_email();

    for _ in 1..=4 {
        let a = app.login(&known, "wrong-password").await;
        let b = app.login(&unknown, "wrong-password").await;
        assert_eq!((a.status, a.text), (b.status, b.text));
    }
    for _ in 5..=8 {
        app.login(&known, "wrong-password").await;
        app.login(&unknown, "wrong-password").await;
    }
    let a = app.login(&known, "wrong-password").await;
    let b = app.login(&unknown, "wrong-password").await;
    assert_eq!(a.status, 429);
    assert_eq!(b.status, 429);
    assert_eq!(a.code(), b.code());
}

#[tokio::test]
async fn the_headless_login_shares_the_lock() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    for _ in 1..=8 {
        app.login(&email, "wrong-password").await;
    }
    let response = app
        .post(
            "/_api/iam/authentication/v2/login",
            json!({ "loginId": { "email": email }, "password": PASSWORD }),
        )
        .await;
    assert_eq!(response.status, 429);
    assert!(response.body["details"]["applicationError"]["code"].is_string());
}

#[tokio::test]
async fn a_source_failing_across_many_accounts_is_stopped() {
    let app = TestApp::new().await;
    // Counters live in 15-minute windows; 201 failures span at most two, so one of
    // them passes the limit of 100 wherever the boundary falls.
    let mut failures_before_limit = 0;
    let mut limited = false;
    for _ in 0..201 {
        match app.login(&random_email(), "wrong-password").await.status {
            401 => failures_before_limit += 1,
            429 => {
                limited = true;
                break;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(limited);
    assert!(failures_before_limit >= 100, "{failures_before_limit}");
    // Another source is not affected.
    let other = TestApp::new().await;
    assert_eq!(
        other.login(&random_email(), "wrong-password").await.status,
        401
    );
}

#[tokio::test]
async fn recovery_requests_are_rate_limited_per_source() {
    let app = TestApp::new().await;
    // Eleven requests hit at most two minute-windows, so one of them exceeds five.
    let mut limited = 0;
    for _ in 0..11 {
        let response = app
            .post(
                "/_api/iam/recovery/v1/send-email",
                json!({ "email": random_email() }),
            )
            .await;
        match response.status {
            200 => {}
            429 => {
                assert_eq!(response.code(), "TOO_MANY_REQUESTS");
                limited += 1;
            }
            other => panic!("unexpected {other}: {response:?}"),
        }
    }
    assert!(limited >= 1);
}
