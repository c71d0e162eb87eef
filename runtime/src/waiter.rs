//! Waiters: poll an operation until its response reaches a state the spec declares
//! (`x-clientgen-waiters`), with jittered exponential backoff and a bound on the total wait.

use super::error::ConstructionError;
use super::response::Call;
use super::{Error, ResponseValue};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;
use tokio::time::Instant;

/// What the declared acceptors concluded from one response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[doc(hidden)]
pub enum Verdict {
    Success,
    /// A failure value, with the member (wire path) that carried it.
    Failure {
        field: &'static str,
        state: String,
    },
}

/// Whether `value` is one of `values`.
#[doc(hidden)]
pub fn matches(value: &str, values: &[&str], case_insensitive: bool) -> bool {
    values.iter().any(|v| {
        if case_insensitive {
            v.eq_ignore_ascii_case(value)
        } else {
            *v == value
        }
    })
}

/// Polls an operation until its response is a declared success or failure, or the wait
/// exceeds [`max_wait`](Waiter::max_wait).
///
/// Await it (it implements [`IntoFuture`]) or call [`wait`](Waiter::wait). The first poll is
/// sent at once; after the n-th, the waiter sleeps a random time between the minimum delay and
/// `min(max_delay, min_delay * 2^(n-1))`, never past the deadline. A poll that fails ends the
/// wait with [`WaitError::Operation`] (the client's retry policy applies to each poll first).
#[must_use = "a waiter does nothing until it is awaited"]
pub struct Waiter<T, E> {
    name: &'static str,
    poll: Box<dyn FnMut() -> Call<T, E> + Send>,
    classify: fn(&T) -> Option<Verdict>,
    min_delay: Duration,
    max_delay: Duration,
    max_wait: Duration,
    jitter: bool,
    observer: Option<Observer<T>>,
}

type Observer<T> = Box<dyn FnMut(&ResponseValue<T>) + Send>;

impl<T, E> fmt::Debug for Waiter<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("name", &self.name)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("max_wait", &self.max_wait)
            .field("jitter", &self.jitter)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static, E: Send + 'static> Waiter<T, E> {
    #[doc(hidden)]
    pub fn new(
        name: &'static str,
        poll: impl FnMut() -> Call<T, E> + Send + 'static,
        classify: fn(&T) -> Option<Verdict>,
        [min_delay, max_delay, max_wait]: [u64; 3],
    ) -> Self {
        Waiter {
            name,
            poll: Box::new(poll),
            classify,
            min_delay: Duration::from_millis(min_delay),
            max_delay: Duration::from_millis(max_delay),
            max_wait: Duration::from_millis(max_wait),
            jitter: true,
            observer: None,
        }
    }

    /// The shortest pause between two polls (at least 1 ms).
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    /// The longest pause between two polls; the backoff doubles up to it.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest the wait may take (at least 1 ms): no poll starts after it, and a poll
    /// still unanswered then is abandoned, except the final one, sent at that moment, which
    /// has one minimum delay to answer.
    pub fn max_wait(mut self, limit: Duration) -> Self {
        self.max_wait = limit;
        self
    }

    /// Whether pauses are randomised between the minimum and the backoff (the default);
    /// without jitter every pause is the backoff itself.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Called with every response that decides nothing yet (to show progress, for example).
    pub fn on_poll(mut self, observer: impl FnMut(&ResponseValue<T>) + Send + 'static) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    fn check(&self) -> Result<(), ConstructionError> {
        if self.min_delay < Duration::from_millis(1) {
            return Err(ConstructionError::new("min_delay", "must be at least 1 ms"));
        }
        if self.max_delay < self.min_delay {
            return Err(ConstructionError::new(
                "max_delay",
                format!(
                    "{:?} is shorter than min_delay ({:?})",
                    self.max_delay, self.min_delay
                ),
            ));
        }
        if self.max_wait < Duration::from_millis(1) {
            return Err(ConstructionError::new("max_wait", "must be at least 1 ms"));
        }
        Ok(())
    }

    /// The pause after the `polls`-th poll, before the deadline is applied.
    fn delay(&self, polls: u32) -> Duration {
        let factor = 2u32.saturating_pow(polls.saturating_sub(1).min(31));
        let ceiling = self
            .min_delay
            .saturating_mul(factor)
            .min(self.max_delay)
            .max(self.min_delay);
        if !self.jitter || ceiling == self.min_delay {
            return ceiling;
        }
        let low = self.min_delay.as_nanos() as u64;
        let high = ceiling.as_nanos() as u64;
        Duration::from_nanos(fastrand::u64(low..=high))
    }

    /// Polls until success, failure, or the deadline.
    pub async fn wait(mut self) -> Result<ResponseValue<T>, WaitError<T, E>> {
        let started = Instant::now();
        if let Err(e) = self.check() {
            return Err(WaitError::Operation {
                error: Error::Construction(e),
                polls: 0,
                elapsed: Duration::ZERO,
            });
        }
        let span = tracing::debug_span!("wait", waiter = self.name);
        let deadline = started + self.max_wait;
        // Polls are abandoned at the deadline, except the one sent at the deadline itself,
        // which has one minimum delay to answer.
        let mut poll_deadline = deadline;
        let mut polls: u32 = 0;
        let mut last = None;
        loop {
            let result = tokio::time::timeout_at(poll_deadline, (self.poll)()).await;
            let elapsed = started.elapsed();
            let response = match result {
                Ok(Ok(response)) => response,
                Ok(Err(Error::Construction(e))) => {
                    // Nothing was sent.
                    return Err(WaitError::Operation {
                        error: Error::Construction(e),
                        polls,
                        elapsed,
                    });
                }
                Ok(Err(error)) => {
                    return Err(WaitError::Operation {
                        error,
                        polls: polls + 1,
                        elapsed,
                    })
                }
                Err(_) => {
                    tracing::debug!(parent: &span, polls = polls + 1, ?elapsed, "wait timed out during a poll");
                    return Err(WaitError::TimedOut {
                        elapsed,
                        polls: polls + 1,
                        last,
                    });
                }
            };
            polls += 1;
            match (self.classify)(&response) {
                Some(Verdict::Success) => {
                    tracing::debug!(parent: &span, polls, ?elapsed, "wait succeeded");
                    return Ok(response);
                }
                Some(Verdict::Failure { field, state }) => {
                    tracing::debug!(parent: &span, polls, ?elapsed, field, "wait failed");
                    return Err(WaitError::Failure {
                        field,
                        state,
                        response,
                        polls,
                        elapsed,
                    });
                }
                None => {}
            }
            if let Some(observer) = self.observer.as_mut() {
                observer(&response);
            }
            let remaining = self.max_wait.saturating_sub(elapsed);
            if remaining.is_zero() {
                tracing::debug!(parent: &span, polls, ?elapsed, "wait timed out");
                return Err(WaitError::TimedOut {
                    elapsed,
                    polls,
                    last: Some(response),
                });
            }
            last = Some(response);
            let pause = self.delay(polls).min(remaining);
            if pause == remaining {
                poll_deadline = deadline + self.min_delay;
            }
            tracing::trace!(parent: &span, polls, ?pause, "waiting before the next poll");
            tokio::time::sleep(pause).await;
        }
    }
}

impl<T: Send + 'static, E: Send + 'static> IntoFuture for Waiter<T, E> {
    type Output = Result<ResponseValue<T>, WaitError<T, E>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// Why a wait ended without success.
#[non_exhaustive]
pub enum WaitError<T, E> {
    /// The response reached a state the spec declares a failure.
    Failure {
        /// The member that carried it, as named in the spec.
        field: &'static str,
        /// The value it had.
        state: String,
        response: ResponseValue<T>,
        polls: u32,
        elapsed: Duration,
    },
    /// The maximum wait passed with neither success nor failure (a poll abandoned unanswered
    /// is counted).
    TimedOut {
        elapsed: Duration,
        polls: u32,
        /// The last response received, if any was.
        last: Option<ResponseValue<T>>,
    },
    /// A poll failed (or the waiter's settings were invalid: [`Error::Construction`]).
    Operation {
        error: Error<E>,
        polls: u32,
        elapsed: Duration,
    },
}

impl<T, E> WaitError<T, E> {
    /// How many polls were sent (an argument refused before sending is not one).
    pub fn polls(&self) -> u32 {
        match self {
            WaitError::Failure { polls, .. }
            | WaitError::TimedOut { polls, .. }
            | WaitError::Operation { polls, .. } => *polls,
        }
    }

    /// How long the wait took.
    pub fn elapsed(&self) -> Duration {
        match self {
            WaitError::Failure { elapsed, .. }
            | WaitError::TimedOut { elapsed, .. }
            | WaitError::Operation { elapsed, .. } => *elapsed,
        }
    }
}

impl<T: fmt::Debug, E: fmt::Debug> fmt::Debug for WaitError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failure {
                field,
                state,
                response,
                polls,
                elapsed,
            } => f
                .debug_struct("Failure")
                .field("field", field)
                .field("state", state)
                .field("response", response)
                .field("polls", polls)
                .field("elapsed", elapsed)
                .finish(),
            WaitError::TimedOut {
                elapsed,
                polls,
                last,
            } => f
                .debug_struct("TimedOut")
                .field("elapsed", elapsed)
                .field("polls", polls)
                .field("last", last)
                .finish(),
            WaitError::Operation {
                error,
                polls,
                elapsed,
            } => f
                .debug_struct("Operation")
                .field("error", error)
                .field("polls", polls)
                .field("elapsed", elapsed)
                .finish(),
        }
    }
}

impl<T, E: fmt::Display> fmt::Display for WaitError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failure {
                field,
                state,
                polls,
                elapsed,
                ..
            } => write!(
                f,
                "the wait failed: `{field}` is `{}` (after {polls} polls in {elapsed:.1?})",
                super::error::Untrusted(state)
            ),
            WaitError::TimedOut { elapsed, polls, .. } => {
                write!(f, "the wait timed out after {polls} polls in {elapsed:.1?}")
            }
            WaitError::Operation {
                error, polls: 0, ..
            } => {
                write!(f, "the wait could not start: {error}")
            }
            WaitError::Operation { error, polls, .. } => {
                write!(f, "poll {polls} of the wait failed: {error}")
            }
        }
    }
}

impl<T: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaitError<T, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Operation { error, .. } => Some(error),
            _ => None,
        }
    }
}
