//! Writes whose answer is lost: DynamoDB applied them, the SDK timed out and sent the
//! same request again (tests/src/lossy.rs). A retried write must count as the success
//! it was — not as a reused code, a taken record or a taken email.

use integration_tests::{LossyDynamo, TestApp, random_email};
use members_auth::{
    domain::{
        Email, Member, MemberStatus,
        member::{ContactInfo, PrivacyStatus},
    },
    store::{
        AuthCode, MemberStore, RecordStore, Recovery, Redemption, RefreshRecord, Session,
        SessionStore,
    },
};

const NOW: &str = "2026-12-01T12:00:00.000Z";

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn upstream() -> String {
    std::env::var("AWS_ENDPOINT_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:5000".into())
        .trim_start_matches("http://")
        .to_string()
}

/// An app whose DynamoDB loses the first answer to `operation`, with the production
/// SDK's timeouts and retries.
async fn losing_first(operation: &str) -> (LossyDynamo, TestApp) {
    let dynamo = LossyDynamo::start(&upstream(), operation, 1).await;
    let app = TestApp::with_dynamodb_at(&dynamo.endpoint).await;
    (dynamo, app)
}

fn code() -> AuthCode {
    AuthCode {
        code_hash: id(),
        member_id: id(),
        client_id: "c".into(),
        redirect_uri: "https://site.example/callback".into(),
        code_challenge: "challenge".into(),
        session_id: id(),
        token_version: 0,
        expires_at: 600,
    }
}

#[tokio::test]
async fn a_code_redeemed_by_a_retried_write_is_its_first_redemption() {
    let (dynamo, app) = losing_first("UpdateItem").await;
    let store = &app.app.store;
    let code = code();
    store.put_auth_code(&code).await.unwrap();
    let first = store.redeem_auth_code(&code.code_hash).await.unwrap();
    assert_eq!(dynamo.lost(), 1, "the first answer was lost and retried");
    assert!(
        matches!(&first, Redemption::First(c) if c.session_id == code.session_id),
        "a retried redemption is the first, not a reuse"
    );
    assert!(matches!(
        store.redeem_auth_code(&code.code_hash).await.unwrap(),
        Redemption::Reused(_)
    ));
}

#[tokio::test]
async fn a_record_taken_by_a_retried_write_is_taken_once() {
    let (dynamo, app) = losing_first("UpdateItem").await;
    let store = &app.app.store;
    let recovery = Recovery {
        token_hash: id(),
        member_id: "m-1".into(),
        redirect_url: None,
        client_id: None,
        expires_at: 99,
    };
    store.put_recovery(&recovery).await.unwrap();
    let taken = store.take_recovery(&recovery.token_hash).await.unwrap();
    assert_eq!(dynamo.lost(), 1);
    assert_eq!(taken.map(|r| r.member_id).as_deref(), Some("m-1"));
    assert!(
        store
            .take_recovery(&recovery.token_hash)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_record_created_by_a_retried_write_is_created() {
    let (dynamo, app) = losing_first("PutItem").await;
    let store = &app.app.store;
    let code = code();
    store.put_auth_code(&code).await.unwrap();
    assert_eq!(dynamo.lost(), 1);
    assert!(matches!(
        store.redeem_auth_code(&code.code_hash).await.unwrap(),
        Redemption::First(_)
    ));
    // Another write of the same key is still refused.
    assert!(store.put_auth_code(&code).await.is_err());
}

#[tokio::test]
async fn a_registration_and_a_session_written_by_retried_transactions_succeed() {
    let (dynamo, app) = losing_first("TransactWriteItems").await;
    let store = &app.app.store;
    let member = Member::new(
        Email::parse(&random_email()).unwrap(),
        MemberStatus::Approved,
        PrivacyStatus::Private,
        ContactInfo::default(),
        NOW,
    );
    store
        .create_member(&member, "hash", &[])
        .await
        .expect("a retried registration is no taken email");
    assert_eq!(dynamo.lost(), 1);
    assert_eq!(
        store.member(&member.id).await.unwrap(),
        Some(member.clone())
    );
    // Another registration of the email is still refused.
    let twin = Member::new(
        member.login_email.clone(),
        MemberStatus::Approved,
        PrivacyStatus::Private,
        ContactInfo::default(),
        NOW,
    );
    assert!(store.create_member(&twin, "hash", &[]).await.is_err());

    let (dynamo, app) = losing_first("TransactWriteItems").await;
    let store = &app.app.store;
    let session = Session {
        id: id(),
        member_id: member.id.clone(),
        client_id: "c".into(),
        revoked: false,
        expires_at: 1_000,
        token_version: None,
    };
    let refresh = RefreshRecord {
        token_hash: id(),
        subject: member.id.clone(),
        session_id: Some(session.id.clone()),
        token_version: Some(0),
        client_id: "c".into(),
        expires_at: 1_000,
    };
    store
        .create_session(&session, &refresh)
        .await
        .expect("a retried opening is no reused code");
    assert_eq!(dynamo.lost(), 1);
    let (_, opened) = store
        .member_and_session(&member.id, &session.id)
        .await
        .unwrap();
    assert!(!opened.unwrap().revoked);
}
