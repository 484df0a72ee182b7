//! HTTP edge: routes, request parsing, the error envelope and the hosted pages.
//! Every request goes through [`serve`], which picks the endpoint's handler from one
//! table; handlers parse, call a flow and map its result. `velo` holds the Velo
//! `wix-members-backend` web methods, `headless` the Wix Headless REST routes,
//! `members` the `@wix/members` `members` module.

mod call;
mod cookies;
mod cors;
pub mod headless;
pub mod members;
pub mod pages;
mod respond;
pub mod routes;
mod serve;
pub mod velo;

pub use call::{
    Call, DEVICE_TOKEN_HEADER, END_USER_IP_HEADER, LOCAL_SOURCE_IP_HEADER, caller_is_trusted,
};
pub use respond::{error_response, json_response, ok};
pub use routes::{Endpoint, Format, Function, ROUTES, Route};
pub use serve::{handle, run, serve};

/// Feeds `data` to every body parser of every route (for the fuzzer).
#[doc(hidden)]
pub fn fuzz_bodies(data: &[u8]) {
    velo::fuzz_bodies(data);
    headless::fuzz_bodies(data);
    members::fuzz_bodies(data);
}
