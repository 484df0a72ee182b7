//! Integration tests: one binary, the real handlers, the local DynamoDB and SES
//! stand-ins through the real AWS SDK. Each test uses its own random emails.

// Helpers shared by tests panic on surprises, as the tests themselves do.
#![allow(clippy::unwrap_used)]

mod approval;
mod block;
mod captcha;
mod corpus;
mod directory;
mod errors;
mod expiry;
mod external;
mod headless;
mod login;
mod logs;
mod lost_answers;
mod mailer;
mod management;
mod members;
mod oauth;
mod outage;
mod privileged;
mod recovery;
mod register;
mod sign_in;
mod site_auth;
mod startup;
mod store_contract;
mod throttle;
