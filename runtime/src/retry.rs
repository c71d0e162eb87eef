//! Retries: a classifier says whether an attempt's outcome is worth another attempt; the
//! policy ([`RetryConfig`]) decides how many, how long to wait, and the total budget.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;
use std::time::{Duration, SystemTime};

/// How one attempt ended, as a classifier sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// A response arrived.
    Response {
        status: StatusCode,
        headers: &'a HeaderMap,
    },
    /// No connection was made: the request surely never reached the server.
    ConnectFailed,
    /// The attempt timed out after the connection was made.
    TimedOut,
    /// Another transport failure (the request may have reached the server).
    OtherFailure,
}

/// A classifier's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classification {
    /// Worth another attempt; `after` is the wait the server asked for, if it did.
    Retry {
        after: Option<Duration>,
    },
    DoNotRetry,
    /// Leave it to the next rule (none left means no retry).
    NoOpinion,
}

/// Says which outcomes are worth another attempt.
pub trait RetryClassifier: Send + Sync {
    fn classify(&self, outcome: &AttemptOutcome<'_>) -> Classification;
}

/// Retries 429, 500, 502, 503 and 504 (honouring `Retry-After`), connection failures and
/// attempt timeouts.
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardClassifier;

impl RetryClassifier for StandardClassifier {
    fn classify(&self, outcome: &AttemptOutcome<'_>) -> Classification {
        match outcome {
            AttemptOutcome::Response { status, headers } => match status.as_u16() {
                429 | 500 | 502 | 503 | 504 => Classification::Retry {
                    after: retry_after(headers, SystemTime::now()),
                },
                _ => Classification::DoNotRetry,
            },
            AttemptOutcome::ConnectFailed | AttemptOutcome::TimedOut => {
                Classification::Retry { after: None }
            }
            AttemptOutcome::OtherFailure => Classification::NoOpinion,
        }
    }
}

/// `Retry-After` as seconds or an HTTP date (RFC 9110), relative to `now`.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// How many attempts, how long to wait between them, and the total budget.
#[derive(Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_total: Duration,
}

impl Default for RetryConfig {
    /// 3 attempts, backoff from 100 ms doubling up to 20 s with full jitter, at most 60 s of
    /// waiting in all.
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
            max_total: Duration::from_secs(60),
        }
    }
}

impl fmt::Debug for RetryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryConfig")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_total", &self.max_total)
            .finish()
    }
}

impl RetryConfig {
    /// One attempt only.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first wait; each next one doubles, up to `max_backoff`.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest single wait; a longer `Retry-After` is clamped to it.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The most time spent waiting between attempts in one call.
    pub fn max_total(mut self, budget: Duration) -> Self {
        self.max_total = budget;
        self
    }

    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before attempt `next` (2 for the first retry), or `None` to stop: attempts
    /// used up, or the wait would overrun the budget of which `waited` is spent.
    pub fn wait_before(
        &self,
        next: u32,
        server_asked: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        if next > self.max_attempts {
            return None;
        }
        let wait = match server_asked {
            Some(asked) => asked.min(self.max_backoff),
            None => {
                let exponent = next.saturating_sub(2).min(30);
                let ceiling = self
                    .initial_backoff
                    .saturating_mul(1 << exponent)
                    .min(self.max_backoff);
                // Full jitter: spreads the retries of many clients apart.
                ceiling.mul_f64(fastrand::f64())
            }
        };
        (waited + wait <= self.max_total).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert("retry-after", later.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn policy_bounds_attempts_waits_and_budget() {
        let policy = RetryConfig::default()
            .max_attempts(3)
            .max_backoff(Duration::from_secs(2))
            .max_total(Duration::from_secs(3));
        assert_eq!(
            policy.wait_before(2, Some(Duration::from_secs(60)), Duration::ZERO),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.wait_before(3, Some(Duration::from_secs(2)), Duration::from_secs(2)),
            None
        );
        assert_eq!(policy.wait_before(4, None, Duration::ZERO), None);
        for _ in 0..100 {
            let wait = policy.wait_before(3, None, Duration::ZERO).unwrap();
            assert!(wait <= Duration::from_millis(200), "{wait:?}");
        }
    }
}
