use integration_tests::{
    PASSWORD, TestApp, inbox,
    paths::{LOGIN_V2, REGISTER_V2, VERIFY},
    random_email,
};
use serde_json::{Value, json};

/// The Wix client sends its visitor access token on register and login.
const VISITOR_TOKEN: &str = "visitor-access-token";

async fn register_v2(
    app: &TestApp,
    email: &str,
    profile: Value,
) -> integration_tests::TestResponse {
    app.post_with_token(
        REGISTER_V2,
        VISITOR_TOKEN,
        json!({ "loginId": { "email": email }, "password": PASSWORD, "profile": profile }),
    )
    .await
}

async fn login_v2(app: &TestApp, email: &str, password: &str) -> integration_tests::TestResponse {
    app.post_with_token(
        LOGIN_V2,
        VISITOR_TOKEN,
        json!({ "loginId": { "email": email }, "password": password }),
    )
    .await
}

async fn verify(app: &TestApp, code: &str, state_token: &str) -> integration_tests::TestResponse {
    app.post(VERIFY, json!({ "code": code, "stateToken": state_token }))
        .await
}

#[tokio::test]
async fn register_verify_and_sign_in() {
    let app = TestApp::new().await;
    let email = random_email();

    let registered = register_v2(
        &app,
        &email,
        json!({
            "firstName": "Grace", "lastName": "Hopper", "nickname": "amazing-grace",
            "labels": ["navy"], "language": "en", "privacyStatus": "PUBLIC",
            "secondaryEmails": [{ "email": "g@example.org", "tag": "WORK" }],
            "phonesV2": [{ "countryCode": "US", "phone": "555-0100", "tag": "MOBILE" }],
            "addresses": [{ "tag": "HOME", "address": { "city": "Arlington" } }],
            "position": "Rear Admiral", "picture": "https://img.example/g.png",
            "customFields": [{ "name": "custom.ship", "value": "USS Hopper" }]
        }),
    )
    .await;
    assert_eq!(registered.status, 200, "{registered:?}");
    assert_eq!(registered.body["state"], "REQUIRE_EMAIL_VERIFICATION");
    let state_token = registered.body["stateToken"].as_str().unwrap();
    assert!(registered.body.get("sessionToken").is_none());

    // Not signed in until verified, on either contract.
    assert_eq!(
        app.login(&email, PASSWORD).await.code(),
        "EMAIL_NOT_VERIFIED"
    );

    let mail = inbox::latest_mail_to(&email).await;
    assert!(!mail.html.is_empty() && !mail.text.is_empty());
    let code = inbox::code_in(&mail);
    let verified = verify(&app, &code, state_token).await;
    assert_eq!(verified.status, 200, "{verified:?}");
    assert_eq!(verified.body["state"], "SUCCESS");
    assert!(
        verified.body["sessionToken"]
            .as_str()
            .unwrap()
            .starts_with("JWS.")
    );
    let identity = &verified.body["identity"];
    assert!(identity["id"].is_string());
    assert!(identity["createdDate"].is_string());
    assert!(identity["updatedDate"].is_string());
    assert_eq!(identity["email"]["address"], email.to_lowercase());
    assert_eq!(identity["email"]["isVerified"], true);
    let profile = &identity["identityProfile"];
    assert_eq!(profile["nickname"], "amazing-grace");
    assert_eq!(profile["position"], "Rear Admiral");
    assert_eq!(profile["privacyStatus"], "PUBLIC");
    assert_eq!(profile["secondaryEmails"][0]["tag"], "WORK");
    assert_eq!(profile["addresses"][0]["address"]["city"], "Arlington");

    // The code worked once.
    assert_eq!(
        verify(&app, &code, state_token).await.code(),
        "INVALID_CODE"
    );

    let login = login_v2(&app, &email, PASSWORD).await;
    assert_eq!(login.body["state"], "SUCCESS", "{login:?}");
    assert!(
        login.body["sessionToken"]
            .as_str()
            .unwrap()
            .starts_with("JWS.")
    );
}

#[tokio::test]
async fn five_wrong_codes_spend_the_verification() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = register_v2(&app, &email, json!({})).await;
    let state_token = registered.body["stateToken"].as_str().unwrap().to_string();
    let code = inbox::code_in(&inbox::latest_mail_to(&email).await);
    let wrong = if code == "000000" { "111111" } else { "000000" };

    for _ in 0..5 {
        let response = verify(&app, wrong, &state_token).await;
        assert_eq!(response.status, 400);
        assert_eq!(response.code(), "INVALID_CODE");
    }

    let late = verify(&app, &code, &state_token).await;
    assert_eq!(
        late.code(),
        "INVALID_CODE",
        "the right code after 5 misses: {late:?}"
    );
}

#[tokio::test]
async fn forged_or_foreign_state_tokens_are_refused() {
    let app = TestApp::new().await;
    for token in ["", "nope", "a.b.c"] {
        let response = verify(&app, "123456", token).await;
        assert_eq!(response.status, 400);
        assert_eq!(response.code(), "INVALID_STATE_TOKEN");
    }
    // A state token signed by another deployment's key.
    let other = TestApp::new().await;
    let email = random_email();
    let registered = register_v2(&other, &email, json!({})).await;
    let foreign = registered.body["stateToken"].as_str().unwrap();
    assert_eq!(
        verify(&app, "123456", foreign).await.code(),
        "INVALID_STATE_TOKEN"
    );
}

#[tokio::test]
async fn login_of_an_unverified_member_sends_a_fresh_code() {
    let app = TestApp::new().await;
    let email = random_email();
    register_v2(&app, &email, json!({})).await;
    let first_code = inbox::code_in(&inbox::latest_mail_to(&email).await);

    let login = login_v2(&app, &email, PASSWORD).await;

    assert_eq!(
        login.body["state"], "REQUIRE_EMAIL_VERIFICATION",
        "{login:?}"
    );
    let mails = inbox::mail_to(&email).await;
    assert_eq!(mails.len(), 2);
    let second_code = inbox::code_in(mails.last().unwrap());
    let verified = verify(
        &app,
        &second_code,
        login.body["stateToken"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        verified.body["state"], "SUCCESS",
        "{verified:?} (first code {first_code})"
    );
}

#[tokio::test]
async fn registering_a_taken_email_looks_like_a_fresh_registration() {
    let app = TestApp::new().await;
    let taken = random_email();
    let verified_off = TestApp::with_settings(&[("EMAIL_VERIFICATION", "off")]).await;
    assert_eq!(
        register_v2(&verified_off, &taken, json!({})).await.body["state"],
        "SUCCESS"
    );

    app.dynamodb_calls.take();
    let fresh = register_v2(&app, &random_email(), json!({})).await;
    let fresh_calls = app.dynamodb_calls.take();
    let duplicate = register_v2(&app, &taken.to_uppercase(), json!({})).await;
    let duplicate_calls = app.dynamodb_calls.take();

    assert_eq!(fresh.status, duplicate.status);
    // The same work but one write: the failed transaction names the address's member,
    // and its link and the decoy code go in one batch (beside the queued email).
    assert_eq!(
        (fresh_calls, duplicate_calls),
        (fresh_calls, fresh_calls + 1),
        "fresh {fresh_calls}, taken {duplicate_calls}"
    );
    assert_eq!(duplicate.body["state"], "REQUIRE_EMAIL_VERIFICATION");
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&fresh.body), keys(&duplicate.body));
    assert_eq!(
        fresh.body["stateToken"].as_str().unwrap().len(),
        duplicate.body["stateToken"].as_str().unwrap().len()
    );
    // The address's owner hears of it, with a recovery link instead of a code.
    let notice = inbox::latest_mail_to(&taken).await;
    assert!(
        notice.subject.contains("tried to sign up"),
        "{}",
        notice.subject
    );
    assert!(
        notice
            .text
            .contains("https://auth.example/recovery/reset-password?token=")
    );
    // No code opens the decoy.
    let token = duplicate.body["stateToken"].as_str().unwrap();
    assert_eq!(verify(&app, "123456", token).await.code(), "INVALID_CODE");
}

#[tokio::test]
async fn without_verification_a_taken_email_is_19995() {
    let app = TestApp::with_settings(&[("EMAIL_VERIFICATION", "off")]).await;
    let email = random_email();
    let first = register_v2(&app, &email, json!({})).await;
    assert_eq!(first.body["state"], "SUCCESS");
    assert!(first.body["identity"]["id"].is_string());

    let second = register_v2(&app, &email, json!({})).await;

    assert_eq!(second.status, 409);
    assert_eq!(second.code(), "-19995");
}

#[tokio::test]
async fn manual_approval_after_verification() {
    let app = TestApp::with_settings(&[("APPROVAL_MODE", "manual")]).await;
    let email = random_email();
    let registered = register_v2(&app, &email, json!({})).await;
    let code = inbox::code_in(&inbox::latest_mail_to(&email).await);

    let verified = verify(&app, &code, registered.body["stateToken"].as_str().unwrap()).await;

    assert_eq!(
        verified.body["state"], "REQUIRE_OWNER_APPROVAL",
        "{verified:?}"
    );
    assert!(verified.body.get("sessionToken").is_none());
    assert_eq!(
        login_v2(&app, &email, PASSWORD).await.body["state"],
        "REQUIRE_OWNER_APPROVAL"
    );
    let owner_mail = inbox::mail_to("owner@example.com")
        .await
        .into_iter()
        .rev()
        .find(|m| m.text.contains(&email.to_lowercase()))
        .expect("owner emailed");
    let link = inbox::link_in(&owner_mail, "https://site.example/approve?token=");
    let token = link.split("token=").nth(1).unwrap();
    let approved = app
        .post(
            "/backend/authentication/approve-by-token",
            json!({ "token": token }),
        )
        .await;
    assert_eq!(approved.status, 200, "{approved:?}");
    assert_eq!(
        login_v2(&app, &email, PASSWORD).await.body["state"],
        "SUCCESS"
    );
}

#[tokio::test]
async fn register_v2_validation_names_fields_with_data() {
    let app = TestApp::new().await;
    let response = app
        .post(
            REGISTER_V2,
            json!({ "loginId": { "email": "nope" }, "password": "x" }),
        )
        .await;
    assert_eq!(response.status, 400);
    let violations = response.body["details"]["validationError"]["fieldViolations"]
        .as_array()
        .unwrap();
    assert_eq!(violations.len(), 2);
    assert_eq!(violations[0]["field"], "loginId.email");
    assert_eq!(violations[0]["data"]["type"], "EMAIL");
    assert!(violations.iter().all(|v| v["data"].is_object()));
}

#[tokio::test]
async fn login_v2_failures_carry_application_errors() {
    let app = TestApp::new().await;
    let unknown = login_v2(&app, &random_email(), PASSWORD).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.code(), "-19976");
    let malformed = app
        .post(LOGIN_V2, json!({ "loginId": {}, "password": 1 }))
        .await;
    assert_eq!(malformed.status, 400);
    assert!(malformed.body["details"]["applicationError"]["code"].is_string());
}

#[tokio::test]
async fn validate_email_judges_the_form_and_reveals_no_member() {
    let app = TestApp::new().await;
    let member = random_email();
    app.register(&member, PASSWORD).await;
    let judge = |email: String| {
        let app = &app;
        async move {
            app.post(
                "/_api/iam/authentication/v2/validate-email",
                json!({ "email": email }),
            )
            .await
        }
    };
    let known = judge(member).await;
    let unknown = judge(random_email()).await;
    assert_eq!(known.status, 200, "{known:?}");
    assert_eq!(known.body, json!({ "valid": true, "formatInvalid": false }));
    assert_eq!(
        known.text, unknown.text,
        "a member's address looks like any other"
    );
    let malformed = judge("not an email".into()).await;
    assert_eq!(
        malformed.body,
        json!({ "valid": false, "formatInvalid": true })
    );
    let missing = app
        .post("/_api/iam/authentication/v2/validate-email", json!({}))
        .await;
    assert_eq!(missing.code(), "INVALID_ARGUMENT");
}

#[tokio::test]
async fn verification_start_resends_a_code_the_state_token_accepts() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = register_v2(&app, &email, json!({})).await;
    assert_eq!(registered.body["state"], "REQUIRE_EMAIL_VERIFICATION");
    let identity_id = registered.body["identity"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let state_token = registered.body["stateToken"].as_str().unwrap().to_string();
    let first = inbox::code_in(&inbox::latest_mail_to(&email).await);

    let started = app
        .post(
            "/_api/iam/verification/v1/start",
            json!({ "identityId": identity_id, "target": "EMAIL" }),
        )
        .await;
    assert_eq!(started.status, 200, "{started:?}");
    assert!(started.body["verificationId"].is_string());
    let mails = inbox::mail_to(&email).await;
    assert_eq!(mails.len(), 2, "a second code");
    let second = inbox::code_in(&inbox::latest_mail_to(&email).await);
    if first != second {
        assert_eq!(
            verify(&app, &first, &state_token).await.code(),
            "INVALID_CODE"
        );
    }
    let verified = verify(&app, &second, &state_token).await;
    assert_eq!(verified.body["state"], "SUCCESS", "{verified:?}");

    let nobody = app
        .post(
            "/_api/iam/verification/v1/start",
            json!({ "identityId": uuid::Uuid::new_v4().to_string(), "target": "EMAIL" }),
        )
        .await;
    assert_eq!(nobody.status, 200, "the same answer for nobody");
    assert_ne!(
        nobody.body["verificationId"],
        started.body["verificationId"]
    );
    let sms = app
        .post(
            "/_api/iam/verification/v1/start",
            json!({ "identityId": identity_id, "target": "SMS" }),
        )
        .await;
    assert_eq!(sms.code(), "INVALID_ARGUMENT");
}
