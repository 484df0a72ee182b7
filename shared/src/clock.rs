//! The one source of "now" for every expiry and timestamp: the system clock in the
//! functions, a clock the test moves by hand (so expiries are tested without sleeping).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use time::OffsetDateTime;

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Milliseconds since the epoch, when the clock is manual; `None` reads the system.
    manual: Option<Arc<AtomicU64>>,
}

impl Clock {
    pub fn system() -> Self {
        Self { manual: None }
    }

    /// A clock that stands at the system's time now and moves only by [`Clock::advance`].
    pub fn manual() -> Self {
        Self {
            manual: Some(Arc::new(AtomicU64::new(system_millis()))),
        }
    }

    /// Moves a manual clock forward; every copy of it moves. A system clock ignores it.
    pub fn advance(&self, by: Duration) {
        if let Some(millis) = &self.manual {
            let by = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
            millis.fetch_add(by, Ordering::SeqCst);
        }
    }

    pub fn now_millis(&self) -> u64 {
        match &self.manual {
            Some(millis) => millis.load(Ordering::SeqCst),
            None => system_millis(),
        }
    }

    /// Whole seconds since the epoch: what expiries are stored and compared in.
    pub fn now(&self) -> u64 {
        self.now_millis() / 1000
    }

    /// Timestamps as Velo (and JavaScript's `toISOString`) show them: RFC 3339, UTC,
    /// always three fraction digits, so that they sort as text in the listing indexes.
    pub fn timestamp(&self) -> String {
        let nanos = i128::from(self.now_millis()) * 1_000_000;
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .and_then(|at| at.format(TIMESTAMP).ok())
            .unwrap_or_default()
    }
}

const TIMESTAMP: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
);

fn system_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use time::format_description::well_known::Rfc3339;

    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_all_copies_move() {
        let clock = Clock::manual();
        let copy = clock.clone();
        let start = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert_eq!(copy.now(), start + 3600);
    }

    #[test]
    fn timestamps_are_rfc3339_with_milliseconds() {
        let clock = Clock::manual();
        let stamp = clock.timestamp();
        let parsed = OffsetDateTime::parse(&stamp, &Rfc3339).unwrap();
        assert_eq!(parsed.unix_timestamp(), clock.now() as i64, "{stamp}");
        assert_eq!(parsed.nanosecond() % 1_000_000, 0, "{stamp}");
        assert_eq!(stamp.len(), "2026-12-01T00:00:00.000Z".len(), "{stamp}");
    }

    #[test]
    fn the_system_clock_ignores_advance() {
        let clock = Clock::system();
        let before = clock.now();
        clock.advance(Duration::from_secs(86_400));
        assert!(clock.now() < before + 86_400);
    }
}
