//! The mailer's own rules, beyond the outages (outage.rs): what it will not send, and
//! what it must not drop.

use std::time::Duration;

use integration_tests::{
    PASSWORD, TestApp, captured_logs, inbox,
    outbox::{outbox_with_keys, read_stream},
    paths::SEND_RECOVERY,
    random_email, random_key,
};
use members_auth::mail::{
    MAIL_LIFETIME_SECS,
    delivery::{Retries, deliver_batch},
};
use serde_json::json;

#[tokio::test]
async fn an_email_that_waited_past_its_lifetime_is_a_dead_letter_not_a_late_email() {
    let app = TestApp::new().await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    app.post(SEND_RECOVERY, json!({ "email": email })).await;

    app.app
        .clock
        .advance(Duration::from_secs(MAIL_LIFETIME_SECS + 1));
    assert_eq!(app.mail.deliver().await, 0, "given up on, not waiting");
    assert!(inbox::mail_to(&email).await.is_empty());
    assert!(
        captured_logs().contains(r#""mail_dead_letter":"expired""#),
        "the dead letter is logged for the alarm"
    );
}

#[tokio::test]
async fn an_email_sealed_under_a_key_the_mailer_lacks_is_handed_back_not_dropped() {
    let app = TestApp::with_own_table(&[]).await;
    let email = random_email();
    app.register(&email, PASSWORD).await;
    app.post(SEND_RECOVERY, json!({ "email": email })).await;

    // A mailer instance from before a key rotation: it cannot open the email, so it
    // neither sends nor settles it, and asks for the record again.
    let stale = outbox_with_keys(&app.mail, &format!("older:{}", random_key())).await;
    let (mut stream, streams) = read_stream(&app.mail).await;
    let lambda_once = Retries {
        attempts: 1,
        ..Retries::LAMBDA
    };
    let clock = &app.app.clock;
    let waiting = stream
        .drain(&streams, |event| async move {
            Ok(deliver_batch(&stale, clock, &event, lambda_once, None).await)
        })
        .await
        .unwrap();
    assert_eq!(waiting, 1, "handed back");

    // A mailer with the key sends it, once.
    assert_eq!(app.mail.deliver().await, 0);
    assert_eq!(inbox::mail_to(&email).await.len(), 1);
}
