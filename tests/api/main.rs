//! Integration tests: one binary, the real handlers, the local DynamoDB and SES
//! stand-ins through the real AWS SDK. Each test uses its own random emails.

mod approval;
mod block;
mod errors;
mod headless;
mod login;
mod privileged;
mod register;
