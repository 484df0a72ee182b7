use futures::future::join_all;
use integration_tests::{PASSWORD, TestApp, paths::REGISTER, random_email};
use serde_json::json;

#[tokio::test]
async fn automatic_approval_registers_an_active_member_with_a_session() {
    let app = TestApp::new().await;
    let email = random_email();

    let response = app
        .post(
            REGISTER,
            json!({
                "email": email,
                "password": PASSWORD,
                "options": {
                    "contactInfo": {
                        "firstName": "Ada", "lastName": "Lovelace",
                        "phones": ["+44 20 7946 0000"], "labels": ["beta"],
                        "custom.favorite-language": "Rust"
                    },
                    "privacyStatus": "PUBLIC"
                }
            }),
        )
        .await;

    assert_eq!(response.status, 200, "{response:?}");
    let body = &response.body;
    assert_eq!(body["status"], "ACTIVE");
    assert!(body["sessionToken"].as_str().unwrap().starts_with("JWS."));
    assert!(body.get("approvalToken").is_none());
    let member = &body["member"];
    assert_eq!(member["loginEmail"], email.to_lowercase());
    assert_eq!(member["status"], "APPROVED");
    assert_eq!(member["privacyStatus"], "PUBLIC");
    assert_eq!(member["activityStatus"], "ACTIVE");
    assert_eq!(member["profile"]["nickname"], "Ada Lovelace");
    assert_eq!(member["contactDetails"]["lastName"], "Lovelace");
    assert_eq!(
        member["contactDetails"]["customFields"]["custom.favorite-language"]["value"],
        "Rust"
    );
    for field in ["_id", "contactId", "_createdDate", "_updatedDate"] {
        assert!(member[field].is_string(), "{field}");
    }
    assert!(
        !response.text.contains("argon2"),
        "hash leaked: {}",
        response.text
    );
}

#[tokio::test]
async fn the_same_email_in_another_case_is_taken() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;

    let response = app.register(&email.to_uppercase(), PASSWORD).await;

    assert_eq!(response.status, 409);
    assert_eq!(response.code(), "-19995");
}

#[tokio::test]
async fn invalid_email_is_a_field_violation_of_type_email() {
    let app = TestApp::new().await;
    let response = app.register("not an email", PASSWORD).await;
    assert_eq!(response.status, 400);
    let violation = &response.body["details"]["validationError"]["fieldViolations"][0];
    assert_eq!(violation["field"], "email");
    assert_eq!(violation["data"]["type"], "EMAIL");
    assert!(violation["violatedRule"].is_string());
    assert!(violation["description"].is_string());
}

#[tokio::test]
async fn passwords_outside_the_policy_are_refused() {
    let app = TestApp::new().await;
    let too_long = "x".repeat(101);
    for password in [
        "short",
        "seven77",
        too_long.as_str(),
        "pässwörd-with-umlauts",
        "tab\tinside-it",
    ] {
        let response = app.register(&random_email(), password).await;
        assert_eq!(response.status, 400, "{password:?}: {response:?}");
        let violations = &response.body["details"]["validationError"]["fieldViolations"];
        assert_eq!(violations[0]["field"], "password");
        assert!(violations[0]["data"].is_object());
    }
    let exactly_100 = "y".repeat(100);
    assert_eq!(
        app.register(&random_email(), &exactly_100).await.status,
        200
    );
}

#[tokio::test]
async fn the_minimum_length_is_configurable_down_to_four() {
    let app = TestApp::with_settings(&[("PASSWORD_MIN_LENGTH", "4")]).await;
    assert_eq!(app.register(&random_email(), "qz7!").await.status, 200);
    assert_eq!(app.register(&random_email(), "abc").await.status, 400);
}

#[tokio::test]
async fn fifty_concurrent_registrations_of_one_email_make_one_member() {
    let app = TestApp::with_settings(&[("RATE_LIMITS", "register=100")]).await;
    let email = random_email();

    let attempts = (0..50).map(|i| {
        let email = if i % 2 == 0 {
            email.clone()
        } else {
            email.to_lowercase()
        };
        let app = &app;
        async move { app.register(&email, PASSWORD).await }
    });
    let responses = join_all(attempts).await;

    let created = responses.iter().filter(|r| r.status == 200).count();
    let taken = responses
        .iter()
        .filter(|r| r.status == 409 && r.code() == "-19995")
        .count();
    let others: Vec<_> = responses
        .iter()
        .filter(|r| r.status != 200 && r.status != 409)
        .collect();
    let failures: Vec<String> = integration_tests::captured_logs()
        .lines()
        .filter(|l| l.contains("request failed"))
        .map(str::to_string)
        .collect();
    assert!(others.is_empty(), "{others:?}\n{}", failures.join("\n"));
    assert_eq!(created, 1, "{others:?}");
    assert_eq!(taken, 49, "{others:?}");
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_registration_costs_at_most_two_dynamodb_calls() {
    let app = TestApp::new().await;
    let response = app.register(&random_email(), PASSWORD).await;
    assert_eq!(response.status, 200);
    assert!(app.dynamodb_calls.take() <= 2);
}

#[tokio::test]
async fn the_members_module_registers_and_logs_in_with_site_members() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app
        .post(
            "/wix-sm/api/v1/auth/api/v1/auth/register",
            json!({ "email": email, "password": PASSWORD,
                    "contactInfo": { "firstName": "Ada", "phones": ["+1 555"] },
                    "profilePrivacyStatus": "PUBLIC" }),
        )
        .await;
    assert_eq!(registered.status, 200, "{registered:?}");
    let member = &registered.body["member"];
    assert_eq!(member["loginEmail"], email.to_lowercase());
    assert_eq!(member["firstName"], "Ada");
    assert_eq!(member["status"], "ACTIVE");
    assert_eq!(member["profilePrivacyStatus"], "PUBLIC");
    assert!(
        registered.body["session"]["token"]
            .as_str()
            .unwrap()
            .starts_with("JWS.")
    );
    assert!(registered.body.get("approvalToken").is_none());

    let logged_in = app
        .post(
            "/wix-sm/api/v1/auth/api/v1/auth/login",
            json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(logged_in.status, 200, "{logged_in:?}");
    assert_eq!(logged_in.body["member"]["id"], member["id"]);
    assert!(logged_in.body["session"]["token"].is_string());
    let wrong = app
        .post(
            "/wix-sm/api/v1/auth/api/v1/auth/login",
            json!({ "email": email, "password": "wrong-password" }),
        )
        .await;
    assert_eq!(wrong.code(), "-19976");
    let taken = app
        .post(
            "/wix-sm/api/v1/auth/api/v1/auth/register",
            json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(taken.code(), "-19995");
}
