//! What the handler benchmarks (`benches/handlers.rs`) need beyond the service itself.

pub mod canned_dynamodb;
