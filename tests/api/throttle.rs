use integration_tests::{PASSWORD, TestApp, TestResponse, random_email};
use members_auth::{
    flows::throttle,
    store::{Attempt, CounterStore, LoginCounters, LoginFailure},
};
use serde_json::json;

/// Fails logins until the lock answers (each real failure doubles the lock, so it soon
/// outlasts a request however slow the machine is). Returns the statuses seen.
async fn fail_until_locked(app: &TestApp, email: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..25 {
        let status = app.login(email, "wrong-password").await.status;
        statuses.push(status);
        if status == 429 {
            break;
        }
    }
    statuses
}

/// Locks `email` for `app`'s source for ten minutes, as five-plus failures would.
async fn lock(app: &TestApp, email: &str) {
    let now = app.app.clock.now();
    let counters = LoginCounters {
        raw_email: email,
        source: &app.source_ip,
        window: throttle::source_window(now).0,
    };
    let rule = throttle::attempt_rule(now, true);
    for _ in 0..throttle::LOCK_AFTER_FAILURES {
        app.app
            .store
            .begin_login(None, &counters, &rule)
            .await
            .unwrap();
    }
    let failure = LoginFailure {
        number: throttle::LOCK_AFTER_FAILURES,
        stale: 0,
        locked_until: now + 600,
        source_expires_at: now + 900,
    };
    app.app
        .store
        .record_login_failure(&counters, &failure)
        .await
        .unwrap();
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_that_source_only() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;

    let statuses = fail_until_locked(&app, &email).await;

    assert_eq!(&statuses[..4], &[401, 401, 401, 401], "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // The same account from another source is unaffected: no lock-out by strangers.
    let elsewhere = TestApp::new().await;
    assert_eq!(elsewhere.login(&email, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn parallel_guesses_from_one_source_verify_no_more_than_five() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;

    let guesses = (0..30).map(|_| app.login(&email, "wrong-password"));
    let statuses: Vec<u16> = futures::future::join_all(guesses)
        .await
        .into_iter()
        .map(|r| r.status)
        .collect();

    let verified = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    // Exactly five on a quiet stand-in; fewer when a counting write whose answer was
    // lost is retried (it counts twice: never less than once).
    assert!((1..=5).contains(&verified), "{statuses:?}");
    assert_eq!(verified + refused, 30, "{statuses:?}");
}

#[tokio::test]
async fn a_locked_login_is_429_even_with_the_right_password_on_both_contracts() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    lock(&app, &email).await;

    let velo = app.login(&email, PASSWORD).await;
    let headless = app
        .post(
            "/_api/iam/authentication/v2/login",
            json!({ "loginId": { "email": email }, "password": PASSWORD }),
        )
        .await;

    for response in [&velo, &headless] {
        assert_eq!(response.status, 429, "{response:?}");
        assert_eq!(response.code(), "TOO_MANY_REQUESTS");
    }
}

#[tokio::test]
async fn the_first_lock_lasts_a_second_and_a_success_ends_the_run() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    for _ in 1..=5 {
        assert_eq!(app.login(&email, "wrong-password").await.status, 401);
    }

    app.advance(std::time::Duration::from_millis(1100));

    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
    let counters = LoginCounters {
        raw_email: &email,
        source: &app.source_ip,
        window: throttle::source_window(app.app.clock.now()).0,
    };
    let rule = throttle::attempt_rule(app.app.clock.now(), true);
    let gate = app
        .app
        .store
        .begin_login(None, &counters, &rule)
        .await
        .unwrap();
    assert_eq!(
        gate.attempt,
        Attempt::Counted {
            number: 1,
            stale: 0
        },
        "a success clears the run"
    );
}

#[tokio::test]
async fn lockout_looks_the_same_for_unknown_emails() {
    let app = TestApp::new().await;
    let known = random_email();
    app.register(&known, PASSWORD).await;
    let unknown = random_email();

    for _ in 1..=4 {
        let a: TestResponse = app.login(&known, "wrong-password").await;
        let b: TestResponse = app.login(&unknown, "wrong-password").await;
        assert_eq!((a.status, a.text), (b.status, b.text));
    }
    let known_statuses = fail_until_locked(&app, &known).await;
    let unknown_statuses = fail_until_locked(&app, &unknown).await;

    assert_eq!(known_statuses.last(), Some(&429), "{known_statuses:?}");
    assert_eq!(unknown_statuses.last(), Some(&429), "{unknown_statuses:?}");
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

/// A login through the Velo method as a site's backend sends it for one of its
/// visitors: `authorization` (the admin key here; IAM in AWS) when `trusted`, and the
/// visitor's address in the documented header.
async fn login_for(
    app: &TestApp,
    trusted: bool,
    end_user: &str,
    email: &str,
    password: &str,
) -> u16 {
    let admin = format!("Bearer {}", app.admin_key);
    let mut headers = vec![(members_auth::http::END_USER_IP_HEADER, end_user)];
    if trusted {
        headers.push(("authorization", &admin));
    }
    login_with(app, &headers, email, password).await.status
}

/// The Velo login with `headers` besides the content type.
async fn login_with(
    app: &TestApp,
    headers: &[(&str, &str)],
    email: &str,
    password: &str,
) -> TestResponse {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    let body = json!({ "email": email, "password": password }).to_string();
    app.request("POST", integration_tests::paths::LOGIN, &all, Some(&body))
        .await
}

#[tokio::test]
async fn a_trusted_backend_names_its_end_user_and_the_lock_keys_on_that_user() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    for _ in 0..throttle::LOCK_AFTER_FAILURES {
        assert_eq!(
            login_for(&app, true, "203.0.113.7", &email, "wrong-password").await,
            401
        );
    }
    assert_eq!(
        login_for(&app, true, "203.0.113.7", &email, PASSWORD).await,
        429,
        "the guessing visitor is locked out"
    );
    // Another visitor of the same backend signs in: the site is not one source.
    assert_eq!(
        login_for(&app, true, "198.51.100.9", &email, PASSWORD).await,
        200
    );
    // IPv6 visitors count by their /64.
    for i in 0..throttle::LOCK_AFTER_FAILURES {
        let address = format!("2001:db8:7:7::{}", i + 1);
        assert_eq!(
            login_for(&app, true, &address, &email, "wrong-password").await,
            401
        );
    }
    assert_eq!(
        login_for(&app, true, "2001:db8:7:7::ffff", &email, PASSWORD).await,
        429
    );
}

#[tokio::test]
async fn the_end_user_header_of_an_untrusted_caller_is_ignored() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    for i in 0..throttle::LOCK_AFTER_FAILURES {
        let claimed = format!("203.0.113.{}", i + 1);
        assert_eq!(
            login_for(&app, false, &claimed, &email, "wrong-password").await,
            401
        );
    }
    // Naming yet another address does not escape the caller's own lock.
    assert_eq!(
        login_for(&app, false, "198.51.100.9", &email, PASSWORD).await,
        429
    );
}

/// Forty sources (visitors a site's backend names) guess one account at once, five
/// guesses each: no more than the account-wide budget are checked, and the member,
/// showing the device token of its earlier login, signs in during the attack.
#[tokio::test]
async fn forty_sources_verify_at_most_the_budget_and_the_member_signs_in_from_its_device() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    let first = app.login(&email, PASSWORD).await;
    assert_eq!(first.status, 200, "{first:?}");
    let device = first.body["deviceToken"].as_str().unwrap().to_string();
    assert!(device.starts_with("DEV."));

    let guesses = (0..40).flat_map(|source| {
        let email = &email;
        let app = &app;
        (0..throttle::LOCK_AFTER_FAILURES).map(move |_| async move {
            let address = format!("203.0.113.{}", source + 1);
            login_for(app, true, &address, email, "wrong-password").await
        })
    });
    let statuses = futures::future::join_all(guesses).await;
    let verified = statuses.iter().filter(|s| **s == 401).count() as u64;
    let refused = statuses.iter().filter(|s| **s == 429).count() as u64;
    // The budget exactly on a quiet stand-in; less when a counting write whose answer
    // was lost is retried (it counts twice).
    assert!(
        (1..=throttle::ACCOUNT_FAILURE_BUDGET).contains(&verified),
        "{statuses:?}"
    );
    assert_eq!(verified + refused, 200, "{statuses:?}");

    let headers = [(members_auth::http::DEVICE_TOKEN_HEADER, device.as_str())];
    let member = login_with(&app, &headers, &email, PASSWORD).await;
    assert_eq!(member.status, 200, "{member:?}");
    // A newcomer with the right password waits for the window.
    assert_eq!(
        login_for(&app, true, "198.51.100.77", &email, PASSWORD).await,
        429
    );
}

async fn login_as(app: &TestApp, email: &str, local: &str, password: &str) -> u16 {
    let headers = [(members_auth::http::LOCAL_SOURCE_IP_HEADER, local)];
    login_with(app, &headers, email, password).await.status
}

/// Under `make dev` every caller is 127.0.0.1; a local test names its caller's
/// address in `x-local-source-ip`, which only a loopback source may do.
#[tokio::test]
async fn only_a_loopback_caller_may_name_its_source_for_local_tests() {
    let mut app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    // From a real address the header is ignored: naming new ones escapes no lock.
    for i in 0..throttle::LOCK_AFTER_FAILURES {
        let named = format!("192.0.2.{}", i + 1);
        assert_eq!(login_as(&app, &email, &named, "wrong-password").await, 401);
    }
    assert_eq!(login_as(&app, &email, "192.0.2.99", PASSWORD).await, 429);

    // From loopback each named address is a source of its own.
    app.source_ip = "127.0.0.1".into();
    for _ in 0..throttle::LOCK_AFTER_FAILURES {
        assert_eq!(
            login_as(&app, &email, "192.0.2.10", "wrong-password").await,
            401
        );
    }
    assert_eq!(login_as(&app, &email, "192.0.2.10", PASSWORD).await, 429);
    assert_eq!(login_as(&app, &email, "192.0.2.11", PASSWORD).await, 200);
}
