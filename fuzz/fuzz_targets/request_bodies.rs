#![no_main]
//! Every request body parser, on arbitrary bytes: no panic, whatever arrives.

use libfuzzer_sys::fuzz_target;
use members_auth::http::{handlers, headless};

fuzz_target!(|data: &[u8]| {
    handlers::fuzz_bodies(data);
    headless::fuzz_bodies(data);
});
