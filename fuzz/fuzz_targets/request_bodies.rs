#![no_main]
//! Every request body parser, on arbitrary bytes: no panic, whatever arrives.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    members_auth::http::fuzz_bodies(data);
});
