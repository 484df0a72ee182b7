//! Browser sessions of the hosted page: thirty days, two reads, ended by logout, a
//! block or a password change.

use members_auth::{
    App,
    app::InMemory,
    domain::{Member, member::ContactInfo},
    flows::{
        block,
        browser::{self, BROWSER_SESSION_TTL_SECS},
        register,
    },
    store::MemberStore,
};

use crate::{app, email, new_password, secs};

async fn member(app: &App<InMemory>) -> Member {
    register::register(
        app,
        register::Registration {
            email: email(),
            password: new_password(),
            contact: ContactInfo::default(),
            privacy_status: Default::default(),
        },
    )
    .await
    .unwrap()
    .member
}

#[tokio::test]
async fn a_browser_session_signs_in_for_thirty_days_in_two_reads() {
    let app = app(&[]);
    let member = member(&app).await;
    let token = browser::open(&app, &member).await.unwrap();
    let before = app.store.calls();
    let found = browser::member(&app, &token).await.unwrap();
    assert_eq!(found.map(|m| m.id), Some(member.id.clone()));
    assert_eq!(
        app.store.calls() - before,
        2,
        "the session, then the member"
    );
    assert!(
        browser::member(&app, "not-a-token")
            .await
            .unwrap()
            .is_none()
    );

    app.clock.advance(secs(BROWSER_SESSION_TTL_SECS - 1));
    assert!(browser::member(&app, &token).await.unwrap().is_some());
    app.clock.advance(secs(1));
    assert!(
        browser::member(&app, &token).await.unwrap().is_none(),
        "expired"
    );
}

#[tokio::test]
async fn logout_a_block_or_a_password_change_ends_it() {
    let app = app(&[]);
    let member = member(&app).await;
    let token = browser::open(&app, &member).await.unwrap();
    browser::end(&app, &token).await.unwrap();
    assert!(browser::member(&app, &token).await.unwrap().is_none());

    let token = browser::open(&app, &member).await.unwrap();
    block::by_email(&app, &member.login_email).await.unwrap();
    assert!(
        browser::member(&app, &token).await.unwrap().is_none(),
        "blocked"
    );

    let other = member_with_password_changed(&app).await;
    assert!(
        browser::member(&app, &other).await.unwrap().is_none(),
        "password changed"
    );
}

/// A browser token of a member whose password changed after it was opened.
async fn member_with_password_changed(app: &App<InMemory>) -> String {
    let member = member(app).await;
    let token = browser::open(app, &member).await.unwrap();
    // What every password change and reset does underneath: a new hash, a new
    // token version.
    app.store
        .set_password(&member, "new-hash", &app.clock.timestamp())
        .await
        .unwrap();
    token
}
