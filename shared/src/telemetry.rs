//! Logging setup. Log lines carry request ids and outcomes, never secrets: passwords
//! and tokens live in types whose `Debug` is redacted and are never passed to a macro.

use tracing_subscriber::{filter::Targets, fmt, layer::SubscriberExt, util::SubscriberInitExt};

pub fn init() {
    // `RUST_LOG` in its `target=level,...` form. `Targets` rather than `EnvFilter`: the
    // latter's regex engine would be linked into every function for span filters no one
    // uses (BENCHMARKS.md, "Tuning").
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|spec| spec.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    // CloudWatch stamps each line itself.
    let json = fmt::layer()
        .json()
        .with_target(false)
        .without_time()
        .with_current_span(false);
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(json)
        .try_init();
}
