//! The Wix Headless REST routes, as `@wix/sdk`'s OAuthStrategy, `@wix/identity`,
//! `@wix/members` and `@wix/redirects` call them: `identity` (register, login, verify,
//! recovery email), `authorize` (codes and the hosted sign-in page), `oauth` (redirect
//! sessions, token, logout, the current member) and `reset` (the hosted password reset page).

pub mod authorize;
pub mod identity;
pub mod oauth;
pub mod reset;
pub mod sign_in;

/// Feeds `data` to every body parser of the headless routes (for the fuzzer), as
/// JSON and as a form.
pub(super) fn fuzz_bodies(data: &[u8]) {
    sign_in::fuzz_bodies(data);
    identity::fuzz_bodies(data);
    oauth::fuzz_bodies(data);
    reset::fuzz_bodies(data);
}
