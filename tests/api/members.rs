//! The `@wix/members` `members` module, the signed-in member's own account: update,
//! join / leave the community, clear phones, emails or addresses. A member token is
//! needed (401 without), and only for that member (403 for another id).

use integration_tests::{PASSWORD, TestApp, TestResponse, random_email};
use serde_json::{Value, json};

async fn member(app: &TestApp) -> (String, String) {
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    let id = registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    (id, app.access_token(&email, PASSWORD).await)
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(token) = token {
        headers.push(("authorization", token));
    }
    let body = body.map(|b| b.to_string());
    app.request(method, path, &headers, body.as_deref()).await
}

#[tokio::test]
async fn a_member_updates_its_own_profile_and_contact_fields_and_nobody_elses() {
    let app = TestApp::new().await;
    let (id, token) = member(&app).await;
    let (other, _) = member(&app).await;
    let path = format!("/members/v1/members/{id}");
    let patch = json!({ "member": {
        "id": id,
        "profile": { "nickname": "Ada L", "slug": "not-this-way" },
        "contact": { "firstName": "Ada", "phones": ["+44 20 7946 0000"], "addresses": [{ "city": "London" }] },
        "loginEmail": "ignored@example.com"
    }});

    assert_eq!(
        send(&app, "PATCH", &path, None, Some(patch.clone()))
            .await
            .status,
        401
    );
    let elsewhere = send(
        &app,
        "PATCH",
        &format!("/members/v1/members/{other}"),
        Some(&token),
        Some(patch.clone()),
    )
    .await;
    assert_eq!(elsewhere.status, 403);

    let updated = send(&app, "PATCH", &path, Some(&token), Some(patch)).await;
    assert_eq!(updated.status, 200, "{updated:?}");
    let m = &updated.body["member"];
    assert_eq!(m["id"], id);
    assert_eq!(m["profile"]["nickname"], "Ada L");
    assert_ne!(m["profile"]["slug"], "not-this-way");
    assert_eq!(m["contact"]["firstName"], "Ada");
    assert_ne!(m["loginEmail"], "ignored@example.com");
    let me = send(&app, "GET", "/members/v1/members/my", Some(&token), None).await;
    assert_eq!(
        me.body["member"]["contact"]["phones"][0],
        "+44 20 7946 0000"
    );

    let too_long = json!({ "member": { "contact": { "lastName": "x".repeat(300) } } });
    let refused = send(&app, "PATCH", &path, Some(&token), Some(too_long)).await;
    assert_eq!((refused.status, refused.code()), (400, "INVALID_ARGUMENT"));

    for (list, field) in [
        ("phones", "phones"),
        ("addresses", "addresses"),
        ("emails", "emails"),
    ] {
        let cleared = send(
            &app,
            "DELETE",
            &format!("{path}/{list}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(cleared.status, 200, "{list}: {cleared:?}");
        assert_eq!(
            cleared.body["member"]["contact"][field],
            json!([]),
            "{list}"
        );
        let elsewhere = send(
            &app,
            "DELETE",
            &format!("/members/v1/members/{other}/{list}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(elsewhere.status, 403);
    }
    assert_eq!(
        send(&app, "GET", "/members/v1/members/my", Some(&token), None)
            .await
            .body["member"]["contact"]["firstName"],
        "Ada",
        "clearing a list keeps the rest"
    );
}

#[tokio::test]
async fn joining_and_leaving_the_community_sets_the_privacy_status() {
    let app = TestApp::new().await;
    let (_, token) = member(&app).await;
    let joined = send(
        &app,
        "POST",
        "/members/v1/members/join-community",
        Some(&token),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (joined.status, &joined.body["member"]["privacyStatus"]),
        (200, &json!("PUBLIC"))
    );
    let left = send(
        &app,
        "POST",
        "/members/v1/members/leave-community",
        Some(&token),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (left.status, &left.body["member"]["privacyStatus"]),
        (200, &json!("PRIVATE"))
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/members/v1/members/join-community",
            None,
            Some(json!({}))
        )
        .await
        .status,
        401
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/members/v1/members/join-community",
            Some("not-a-token"),
            Some(json!({}))
        )
        .await
        .status,
        401
    );
}

#[tokio::test]
async fn a_blocked_members_token_updates_nothing() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    let id = registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    let token = app.access_token(&email, PASSWORD).await;
    app.post_as_admin(
        "/backend/authentication/block-by-email",
        json!({ "email": email }),
    )
    .await;
    let refused = send(
        &app,
        "PATCH",
        &format!("/members/v1/members/{id}"),
        Some(&token),
        Some(json!({ "member": { "profile": { "nickname": "x" } } })),
    )
    .await;
    assert_eq!(refused.status, 401);
}

#[tokio::test]
async fn a_slug_is_one_members_and_fifty_concurrent_claims_leave_exactly_one_holder() {
    // 52 members from this test's one source.
    let app = TestApp::with_settings(&[("RATE_LIMITS", "register=100,token=100")]).await;
    let (_, ada) = member(&app).await;
    let (_, bob) = member(&app).await;
    let slug = format!("ada-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let mine = claim(&app, &ada, &slug.to_uppercase()).await;
    assert_eq!(mine.status, 200, "{mine:?}");
    assert_eq!(
        mine.body["member"]["profile"]["slug"], slug,
        "folded to lower case"
    );
    let taken = claim(&app, &bob, &slug).await;
    assert_eq!((taken.status, taken.code()), (409, "SLUG_ALREADY_EXISTS"));
    for bad in ["", "-x", "has space", "é", &"x".repeat(101)] {
        assert_eq!(claim(&app, &bob, bad).await.status, 400, "{bad:?}");
    }
    assert_eq!(
        send(
            &app,
            "POST",
            "/members/v1/members/my/slug",
            None,
            Some(json!({ "slug": "x" }))
        )
        .await
        .status,
        401
    );

    let mut tokens = Vec::new();
    for _ in 0..50 {
        tokens.push(member(&app).await.1);
    }
    let race = format!("race-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let answers = futures::future::join_all(tokens.iter().map(|t| claim(&app, t, &race))).await;
    let won: Vec<_> = answers.iter().filter(|a| a.status == 200).collect();
    assert_eq!(
        won.len(),
        1,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert!(
        answers
            .iter()
            .all(|a| a.status == 200 || (a.status, a.code()) == (409, "SLUG_ALREADY_EXISTS"))
    );
    let holder = won[0].body["member"]["id"].clone();
    let holders = futures::future::join_all(
        tokens
            .iter()
            .map(|t| send(&app, "GET", "/members/v1/members/my", Some(t), None)),
    )
    .await;
    let with_slug: Vec<_> = holders
        .iter()
        .filter(|m| m.body["member"]["profile"]["slug"] == race)
        .map(|m| m.body["member"]["id"].clone())
        .collect();
    assert_eq!(with_slug, vec![holder]);
}

async fn claim(app: &TestApp, token: &str, slug: &str) -> TestResponse {
    send(
        app,
        "POST",
        "/members/v1/members/my/slug",
        Some(token),
        Some(json!({ "slug": slug })),
    )
    .await
}

/// Whether any attribute of `item` (its key included) holds `needle`.
fn names(
    item: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
    needle: &str,
) -> bool {
    use aws_sdk_dynamodb::types::AttributeValue;
    item.values().any(|value| match value {
        AttributeValue::S(text) => text.to_lowercase().contains(needle),
        _ => false,
    })
}

#[tokio::test]
async fn erasure_leaves_nothing_that_names_the_member_and_the_email_registers_again() {
    let app = TestApp::new().await;
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    let id = registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Leave a trail: two sessions with refresh tokens, a custom slug, a recovery link,
    // an unredeemed authorization code.
    let first = app.access_token(&email, PASSWORD).await;
    let second = app.access_token(&email, PASSWORD).await;
    assert_eq!(
        claim(&app, &first, &format!("erase-{}", &id[..8]))
            .await
            .status,
        200
    );
    app.post(
        "/_api/iam/recovery/v1/send-email",
        json!({ "email": email }),
    )
    .await;
    let session = app.login(&email, PASSWORD).await.body["sessionToken"]
        .as_str()
        .unwrap()
        .to_string();
    let query = serde_urlencoded::to_string([
        ("client_id", integration_tests::CLIENT_ID),
        ("redirect_uri", integration_tests::REDIRECT_URI),
        ("response_type", "code"),
        ("response_mode", "query"),
        (
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        ),
        ("code_challenge_method", "S256"),
        ("state", "s"),
        ("sessionToken", &session),
    ])
    .unwrap();
    assert_eq!(
        app.get(&format!("/oauth2/authorize?{query}"), &[])
            .await
            .status,
        302
    );
    let needles = [id.clone(), email.to_lowercase()];
    let before = app.table_items().await;
    let trail = before
        .iter()
        .filter(|i| needles.iter().any(|n| names(i, n)))
        .count();
    assert!(
        trail >= 8,
        "member, email, slug, sessions, refresh tokens, recovery, code: {trail}"
    );

    assert_eq!(
        send(&app, "DELETE", "/members/v1/members/my", None, None)
            .await
            .status,
        401
    );
    app.dynamodb_calls.take();
    let erased = send(&app, "DELETE", "/members/v1/members/my", Some(&first), None).await;
    assert_eq!(
        (erased.status, &erased.body),
        (200, &json!({})),
        "{erased:?}"
    );
    // The signed-in check (one read), the index read, one batch of deletes, the
    // transaction, the index read again (empty: no second batch).
    assert_eq!(app.dynamodb_calls.take(), 5);

    let left: Vec<_> = app
        .table_items()
        .await
        .into_iter()
        .filter(|i| needles.iter().any(|n| names(i, n)))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    for token in [&first, &second] {
        assert_eq!(
            send(&app, "GET", "/members/v1/members/my", Some(token), None)
                .await
                .status,
            401
        );
    }
    assert_eq!(
        send(
            &app,
            "DELETE",
            "/members/v1/members/my",
            Some(&second),
            None
        )
        .await
        .status,
        401
    );
    assert_eq!(app.login(&email, PASSWORD).await.status, 401);
    assert_eq!(
        app.register(&email, PASSWORD).await.status,
        200,
        "the email is free again"
    );
}

#[tokio::test]
async fn a_released_slug_is_free_for_another_member() {
    let app = TestApp::new().await;
    let (_, ada) = member(&app).await;
    let (_, bob) = member(&app).await;
    let me = send(&app, "GET", "/members/v1/members/my", Some(&ada), None).await;
    let old = me.body["member"]["profile"]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let new = format!("moved-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    assert_eq!(claim(&app, &ada, &new).await.status, 200);
    let taken_over = claim(&app, &bob, &old).await;
    assert_eq!(taken_over.status, 200, "{taken_over:?}");
}

#[tokio::test]
async fn the_owner_approves_blocks_moves_the_slug_of_and_deletes_members_with_the_site_key() {
    let app = TestApp::with_settings(&[("APPROVAL_MODE", "manual")]).await;
    let email = random_email();
    let registered = app.register(&email, PASSWORD).await;
    let id = registered.body["member"]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    let base = format!("/members/v1/members/{id}");
    let key = app.api_key.clone();

    for (method, path, body) in [
        ("POST", format!("{base}/approve"), Some(json!({}))),
        ("POST", format!("{base}/block"), Some(json!({}))),
        (
            "POST",
            format!("{base}/slug"),
            Some(json!({ "slug": "owner-set" })),
        ),
        ("DELETE", base.clone(), None),
    ] {
        let refused = send(&app, method, &path, None, body.clone()).await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, "FORBIDDEN"),
            "{method} {path}"
        );
        let wrong = send(&app, method, &path, Some("not-the-key"), body).await;
        assert_eq!(wrong.status, 403, "{method} {path}");
    }
    assert_eq!(app.login(&email, PASSWORD).await.code(), "MEMBER_PENDING");

    let approved = send(
        &app,
        "POST",
        &format!("{base}/approve"),
        Some(&key),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (approved.status, &approved.body["member"]["status"]),
        (200, &json!("APPROVED"))
    );
    let token = app.access_token(&email, PASSWORD).await;
    let blocked = send(
        &app,
        "POST",
        &format!("{base}/block"),
        Some(&key),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (blocked.status, &blocked.body["member"]["status"]),
        (200, &json!("BLOCKED"))
    );
    assert_eq!(
        send(&app, "GET", "/members/v1/members/my", Some(&token), None)
            .await
            .status,
        401,
        "a block ends the member's tokens at once"
    );

    let slug = format!("owner-{}", &id[..8]);
    let moved = send(
        &app,
        "POST",
        &format!("{base}/slug"),
        Some(&key),
        Some(json!({ "slug": slug })),
    )
    .await;
    assert_eq!(
        (moved.status, &moved.body["member"]["profile"]["slug"]),
        (200, &json!(slug))
    );

    let nobody = format!("/members/v1/members/{}", uuid::Uuid::new_v4());
    for (method, path) in [
        ("POST", format!("{nobody}/approve")),
        ("DELETE", nobody.clone()),
    ] {
        let missing = send(&app, method, &path, Some(&key), Some(json!({}))).await;
        assert_eq!(
            (missing.status, missing.code()),
            (404, "MEMBER_NOT_FOUND"),
            "{method} {path}"
        );
    }
    let deleted = send(&app, "DELETE", &base, Some(&key), None).await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!({})));
    let left = app
        .table_items()
        .await
        .into_iter()
        .filter(|i| names(i, &id) || names(i, &email.to_lowercase()))
        .count();
    assert_eq!(left, 0);
    assert_eq!(
        send(&app, "DELETE", &base, Some(&key), None).await.status,
        404
    );
}
