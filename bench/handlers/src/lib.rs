//! What the handler benchmarks (`benches/handlers.rs`) run on.

pub mod memory_aws;
