//! Time limits and bounded retries with exponential backoff for storage operations.

use std::future::Future;
use std::time::Duration;

use super::{Result, StorageError};

/// How persistent to be.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Time allowed for one attempt.
    pub timeout: Duration,
    /// Attempts after the first, for transient errors only.
    pub retries: u32,
    /// Wait before the first retry; doubled each time.
    pub first_backoff: Duration,
}

impl RetryPolicy {
    /// Runs `attempt` until it succeeds, fails with a non-transient error, or runs out of
    /// retries. Each attempt is bounded by `timeout`.
    pub async fn run<T, F, Fut>(&self, operation: &str, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut backoff = self.first_backoff;
        let mut tries = 0;
        loop {
            let outcome = match tokio::time::timeout(self.timeout, attempt()).await {
                Ok(outcome) => outcome,
                Err(_) => Err(StorageError::Timeout {
                    operation: operation.to_string(),
                    seconds: self.timeout.as_secs().max(1),
                }),
            };
            match outcome {
                Err(err) if err.is_transient() && tries < self.retries => {
                    tries += 1;
                    tracing::debug!(operation, attempt = tries, error = %err, "retrying storage operation");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn policy() -> RetryPolicy {
        RetryPolicy {
            timeout: Duration::from_millis(200),
            retries: 2,
            first_backoff: Duration::from_millis(1),
        }
    }

    #[tokio::test]
    async fn retries_transient_errors_only() {
        let calls = AtomicU32::new(0);
        let result: Result<u32> = policy()
            .run("op", || async {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                if n < 2 {
                    Err(StorageError::Connect {
                        target: "x".into(),
                        detail: "reset".into(),
                    })
                } else {
                    Ok(n)
                }
            })
            .await;
        assert_eq!(result, Ok(2));
        let calls = AtomicU32::new(0);
        let result: Result<u32> = policy()
            .run("op", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(StorageError::Auth {
                    target: "x".into(),
                    detail: "530".into(),
                })
            })
            .await;
        assert!(matches!(result, Err(StorageError::Auth { .. })));
        assert_eq!(calls.load(Ordering::SeqCst), 1, "no retry on a wrong password");
    }

    #[tokio::test]
    async fn attempts_time_out() {
        let result: Result<()> = RetryPolicy {
            retries: 0,
            ..policy()
        }
        .run("slow listing", || async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(())
        })
        .await;
        assert!(matches!(result, Err(StorageError::Timeout { .. })), "{result:?}");
    }
}
