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

/// A security outcome: one log event each (`security_event` names it), which the
/// terraform metric filters count and alarm on (infra/alarms.tf). Events carry the
/// member id and the source where the flow knows them, never a secret or an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityEvent {
    LoginSucceeded,
    LoginFailed,
    /// Refused before the password check by the account's lock from this source.
    LoginLocked,
    /// Refused before the password check: the source's failures over all accounts.
    LoginSourceLimited,
    /// Refused before the password check: strangers spent the account-wide budget.
    LoginBudgetSpent,
    CodeFailed,
    /// A code asked for once its tries, its time or its record are gone.
    CodeExhausted,
    MemberBlocked,
    MemberApproved,
    PasswordChanged,
    PasswordReset,
    LoginEmailChanged,
    ApiKeyRefused,
}

impl SecurityEvent {
    pub fn name(self) -> &'static str {
        match self {
            SecurityEvent::LoginSucceeded => "login_succeeded",
            SecurityEvent::LoginFailed => "login_failed",
            SecurityEvent::LoginLocked => "login_locked",
            SecurityEvent::LoginSourceLimited => "login_source_limited",
            SecurityEvent::LoginBudgetSpent => "login_budget_spent",
            SecurityEvent::CodeFailed => "code_failed",
            SecurityEvent::CodeExhausted => "code_exhausted",
            SecurityEvent::MemberBlocked => "member_blocked",
            SecurityEvent::MemberApproved => "member_approved",
            SecurityEvent::PasswordChanged => "password_changed",
            SecurityEvent::PasswordReset => "password_reset",
            SecurityEvent::LoginEmailChanged => "login_email_changed",
            SecurityEvent::ApiKeyRefused => "api_key_refused",
        }
    }
}

/// Logs `event` for `member_id` (if known) from `source` (if known).
pub fn security_event(event: SecurityEvent, member_id: Option<&str>, source: Option<&str>) {
    tracing::info!(
        security_event = event.name(),
        member_id = member_id.unwrap_or(""),
        source = source.unwrap_or(""),
        "security event"
    );
}
