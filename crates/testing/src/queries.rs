//! Counts the SQL statements the process runs, from the events sqlx emits
//! for each one (target `sqlx::query`), on every thread: SQLite runs its
//! statements on a worker thread of its own, so a count tied to the
//! request's task would miss them.
//!
//! The count is the process's: a test or benchmark that reads it makes
//! one request at a time, in a binary of its own, so that no other work
//! runs statements in between.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

static COUNT: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: OnceLock<bool> = OnceLock::new();

struct Counter;

impl<S: Subscriber> Layer<S> for Counter {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            COUNT.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Starts counting: installs the process's tracing subscriber, which
/// listens to sqlx's statements only. Panics if the process already has
/// another subscriber, since the count would then be zero.
pub fn install() {
    let installed = *INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry()
            .with(Counter.with_filter(Targets::new().with_target("sqlx::query", Level::TRACE)));
        tracing::subscriber::set_global_default(subscriber).is_ok()
    });
    assert!(
        installed,
        "another tracing subscriber is installed: statements would not be counted"
    );
}

/// The statements run so far.
pub fn count() -> usize {
    COUNT.load(Ordering::Relaxed)
}
