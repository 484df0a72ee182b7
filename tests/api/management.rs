//! The owner's member management beyond approve and block (site API key): create,
//! mute and unmute, disconnect, bulk delete by ids, the filter jobs (on 1,000 members)
//! and the activation email.

use integration_tests::{
    PASSWORD, TestApp, TestResponse, inbox, paths::CURRENT_MEMBER, random_email,
};
use members_auth::{
    domain::{Email, Member, MemberStatus, member::ContactInfo, member::PrivacyStatus},
    store::DynamoStore,
};
use serde_json::{Value, json};

const MEMBERS: &str = "/members/v1/members";

async fn owner(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> TestResponse {
    let body = body.map(|b| b.to_string());
    let key = app.api_key.clone();
    let headers = [
        ("content-type", "application/json"),
        ("authorization", key.as_str()),
    ];
    app.request(method, path, &headers, body.as_deref()).await
}

async fn registered(app: &TestApp) -> (String, String) {
    let email = random_email();
    let answer = app.register(&email, PASSWORD).await;
    (
        answer.body["member"]["_id"].as_str().unwrap().to_string(),
        email,
    )
}

async fn status_of(app: &TestApp, id: &str) -> Value {
    let got = owner(app, "GET", &format!("{MEMBERS}/{id}?fieldsets=FULL"), None).await;
    got.body["member"]["status"].clone()
}

#[tokio::test]
async fn the_owner_mutes_and_unmutes_a_member() {
    let app = TestApp::new().await;
    let (id, _) = registered(&app).await;
    let refused = app
        .request(
            "POST",
            &format!("{MEMBERS}/{id}/mute"),
            &[("content-type", "application/json")],
            Some("{}"),
        )
        .await;
    assert_eq!(refused.status, 403);
    let muted = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/{id}/mute"),
        Some(json!({ "id": id })),
    )
    .await;
    assert_eq!(
        (muted.status, &muted.body["member"]["activityStatus"]),
        (200, &json!("MUTED"))
    );
    let read = owner(&app, "GET", &format!("{MEMBERS}/{id}?fieldsets=FULL"), None).await;
    assert_eq!(read.body["member"]["activityStatus"], "MUTED", "stored");
    let unmuted = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/{id}/unmute"),
        Some(json!({})),
    )
    .await;
    assert_eq!(unmuted.body["member"]["activityStatus"], "ACTIVE");
    let nobody = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/00000000-0000-4000-8000-000000000000/mute"),
        Some(json!({})),
    )
    .await;
    assert_eq!((nobody.status, nobody.code()), (404, "MEMBER_NOT_FOUND"));
}

#[tokio::test]
async fn a_disconnected_member_is_final_its_tokens_die_and_its_email_may_register_again() {
    let app = TestApp::new().await;
    let (id, email) = registered(&app).await;
    let token = app.access_token(&email, PASSWORD).await;

    let disconnected = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/{id}/disconnect"),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (disconnected.status, &disconnected.body["member"]["status"]),
        (200, &json!("OFFLINE"))
    );
    let me = app
        .request("GET", CURRENT_MEMBER, &[("authorization", &token)], None)
        .await;
    assert_eq!(me.status, 401, "every token died at once");
    assert_eq!(app.login(&email, PASSWORD).await.status, 401, "no sign-in");
    for action in ["approve", "block"] {
        let refused = owner(
            &app,
            "POST",
            &format!("{MEMBERS}/{id}/{action}"),
            Some(json!({})),
        )
        .await;
        assert_eq!(refused.status, 404, "{action}: a disconnect is final");
    }
    assert_eq!(status_of(&app, &id).await, "OFFLINE", "the record stays");
    let again = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/{id}/disconnect"),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        again.status, 200,
        "a second disconnect answers the member as it is"
    );

    let new = app.register(&email, PASSWORD).await;
    assert_eq!(
        new.status, 200,
        "the released email registers again: {new:?}"
    );
    assert_ne!(new.body["member"]["_id"], json!(id));
    // Erasing the old record leaves the new member's email claim alone.
    let deleted = owner(&app, "DELETE", &format!("{MEMBERS}/{id}"), None).await;
    assert_eq!(deleted.status, 200, "{deleted:?}");
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn the_owner_creates_a_member_who_signs_in_after_the_activation_email() {
    let app = TestApp::new().await;
    let email = random_email();
    let body = json!({ "member": {
        "loginEmail": email,
        "profile": { "nickname": "Made By Owner" },
        "contact": { "firstName": "Made" },
    }});
    let anonymous = app
        .request(
            "POST",
            MEMBERS,
            &[("content-type", "application/json")],
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(anonymous.status, 403);
    let created = owner(&app, "POST", MEMBERS, Some(body.clone())).await;
    assert_eq!(created.status, 200, "{created:?}");
    let member = &created.body["member"];
    assert_eq!(
        (&member["status"], &member["profile"]["nickname"]),
        (&json!("APPROVED"), &json!("Made By Owner"))
    );
    assert_eq!(member["loginEmail"], email.to_lowercase());
    let id = member["id"].as_str().unwrap().to_string();

    let twice = owner(&app, "POST", MEMBERS, Some(body)).await;
    assert_eq!(
        (twice.status, twice.code()),
        (409, "-19995"),
        "as a registration of a taken email"
    );
    let bad = owner(
        &app,
        "POST",
        MEMBERS,
        Some(json!({ "member": { "loginEmail": "nope" } })),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        app.login(&email, PASSWORD).await.status,
        401,
        "no password anyone knows"
    );

    let sent = owner(
        &app,
        "POST",
        "/_api/iam/recovery/v1/activation-email",
        Some(json!({ "identityId": id })),
    )
    .await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let mail = inbox::latest_mail_to(&email.to_lowercase()).await;
    let link = inbox::link_in(&mail, "https://auth.example/recovery/reset-password?token=");
    let token = link.split("token=").nth(1).unwrap();
    let form = serde_urlencoded::to_string([("token", token), ("password", PASSWORD)]).unwrap();
    let reset = app
        .request(
            "POST",
            "/recovery/reset-password",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(&form),
        )
        .await;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);

    let nobody = owner(
        &app,
        "POST",
        "/_api/iam/recovery/v1/activation-email",
        Some(json!({ "identityId": "00000000-0000-4000-8000-000000000000" })),
    )
    .await;
    assert_eq!(nobody.status, 404);
}

#[tokio::test]
async fn bulk_delete_answers_a_result_per_id_in_order() {
    let app = TestApp::new().await;
    let (a, a_email) = registered(&app).await;
    let (b, _) = registered(&app).await;
    let ids =
        json!({ "memberIds": [a, "00000000-0000-4000-8000-000000000000", b, "x".repeat(300)] });
    let answer = owner(&app, "POST", &format!("{MEMBERS}/bulk/delete"), Some(ids)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let results = answer.body["results"].as_array().unwrap();
    let outcome: Vec<(Value, Value)> = results
        .iter()
        .map(|r| {
            (
                r["itemMetadata"]["originalIndex"].clone(),
                r["itemMetadata"]["success"].clone(),
            )
        })
        .collect();
    assert_eq!(
        outcome,
        [
            (json!(0), json!(true)),
            (json!(1), json!(false)),
            (json!(2), json!(true)),
            (json!(3), json!(false))
        ]
    );
    assert_eq!(
        results[1]["itemMetadata"]["error"]["code"],
        "MEMBER_NOT_FOUND"
    );
    assert_eq!(
        answer.body["bulkActionMetadata"],
        json!({ "totalSuccesses": 2, "totalFailures": 2, "undetailedFailures": 0 })
    );
    assert_eq!(app.login(&a_email, PASSWORD).await.status, 401, "erased");
    let too_many: Vec<String> = (0..101).map(|i| format!("id-{i}")).collect();
    let refused = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/bulk/delete"),
        Some(json!({ "memberIds": too_many })),
    )
    .await;
    assert_eq!(refused.status, 400);
}

/// Pending members written straight into the app's own table (registrations one by one
/// would take minutes on the stand-in).
async fn seed_pending(app: &TestApp, count: usize, prefix: &str) -> Vec<Member> {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
    let client = aws_sdk_dynamodb::Client::new(&integration_tests::moto_aws_loader().load().await);
    let members: Vec<Member> = (0..count)
        .map(|i| {
            let email = Email::parse(&format!("{prefix}.{i}@example.com")).unwrap();
            let now = format!("2026-12-01T10:{:02}:{:02}.000Z", i / 60 % 60, i % 60);
            Member::new(
                email,
                MemberStatus::Pending,
                PrivacyStatus::Private,
                ContactInfo::default(),
                &now,
            )
        })
        .collect();
    let mut requests = Vec::new();
    for item in DynamoStore::seed_items(&members, "seeded").unwrap() {
        requests.push(
            WriteRequest::builder()
                .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
                .build(),
        );
    }
    for batch in requests.chunks(25) {
        let out = client
            .batch_write_item()
            .request_items(&app.app.config.table, batch.to_vec())
            .send()
            .await
            .unwrap();
        assert!(out.unprocessed_items.is_none_or(|u| u.is_empty()));
    }
    members
}

async fn total(app: &TestApp, status: &str) -> Value {
    let page = owner(
        app,
        "POST",
        &format!("{MEMBERS}/query"),
        Some(json!({ "query": { "filter": { "status": status }, "paging": { "limit": 1 } } })),
    )
    .await;
    page.body["metadata"]["total"].clone()
}

#[tokio::test]
async fn filter_jobs_approve_and_block_1000_members_within_the_request_and_may_run_again() {
    let app = TestApp::with_own_table(&[]).await;
    seed_pending(&app, 1000, "job").await;
    assert_eq!(total(&app, "PENDING").await, 1000);

    let job = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/bulk/approve-by-filter"),
        Some(json!({ "filter": { "status": "PENDING" } })),
    )
    .await;
    assert_eq!(job.status, 200, "{job:?}");
    assert!(job.body["jobId"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(total(&app, "PENDING").await, 0, "done when it answers");
    assert_eq!(total(&app, "APPROVED").await, 1000);
    // Sent again (as after a timeout), the job finds nothing left to do.
    let again = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/bulk/approve-by-filter"),
        Some(json!({ "filter": { "status": "PENDING" } })),
    )
    .await;
    assert_eq!(again.status, 200);
    assert_eq!(total(&app, "APPROVED").await, 1000);

    let blocked = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/bulk/block-by-filter"),
        Some(json!({ "filter": { "status": "APPROVED" } })),
    )
    .await;
    assert_eq!(blocked.status, 200, "{blocked:?}");
    assert_eq!(total(&app, "BLOCKED").await, 1000);
    let unsupported = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/bulk/block-by-filter"),
        Some(json!({ "filter": { "contact.company": "x" } })),
    )
    .await;
    assert_eq!(
        unsupported.status, 400,
        "a filter no index answers acts on nobody"
    );
}

#[tokio::test]
async fn delete_by_filter_erases_every_match_and_nothing_else() {
    let app = TestApp::with_own_table(&[]).await;
    let doomed = seed_pending(&app, 40, "doomed").await;
    let (kept, kept_email) = registered(&app).await;
    let job = owner(
        &app,
        "POST",
        &format!("{MEMBERS}/bulk/delete-by-filter"),
        Some(json!({ "filter": { "status": "PENDING" }, "contentAssigneeId": kept })),
    )
    .await;
    assert_eq!(job.status, 200, "{job:?}");
    assert_eq!(total(&app, "PENDING").await, 0);
    let items = app.table_items().await;
    assert!(
        items
            .iter()
            .all(|item| doomed.iter().all(|m| !format!("{item:?}").contains(&m.id))),
        "nothing names an erased member"
    );
    assert_eq!(status_of(&app, &kept).await, "APPROVED");
    assert_eq!(app.login(&kept_email, PASSWORD).await.status, 200);
}
