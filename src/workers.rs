//! The blocking pool: a fixed set of threads where GDAL decoding, warping and image encoding
//! run, never on the async runtime. Each thread is long-lived so it can keep per-thread state
//! (GDAL dataset handles are not thread-safe: one per worker). The queue in front of it is
//! bounded, so an overloaded server answers 503 instead of piling up work.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{bounded, Sender, TrySendError};
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a job did not produce its result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerError {
    /// Every worker is busy and the queue is full.
    #[error("the server is busy: {0} jobs are already waiting for a worker")]
    Busy(usize),
    /// The job panicked; the worker survives.
    #[error("internal failure while processing: {0}")]
    Panicked(String),
    /// The pool is shutting down.
    #[error("the server is shutting down")]
    Closed,
}

/// A bounded pool of blocking worker threads; cheap to clone.
#[derive(Clone)]
pub struct Workers {
    sender: Sender<Job>,
    queue: usize,
    threads: Arc<usize>,
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Workers({} threads, queue {})", self.threads, self.queue)
    }
}

impl Workers {
    /// Starts `threads` workers behind a queue of `queue` jobs.
    pub fn start(threads: usize, queue: usize) -> Workers {
        let threads = threads.max(1);
        let (sender, receiver) = bounded::<Job>(queue.max(1));
        for index in 0..threads {
            let receiver = receiver.clone();
            thread::Builder::new()
                .name(format!("dallage-worker-{index}"))
                .spawn(move || {
                    // Ends when every sender is dropped (the pool is gone).
                    for job in receiver.iter() {
                        job();
                    }
                })
                .expect("spawning a worker thread");
        }
        Workers {
            sender,
            queue,
            threads: Arc::new(threads),
        }
    }

    /// Number of worker threads.
    pub fn threads(&self) -> usize {
        *self.threads
    }

    /// Runs `job` on a worker and waits for its result without blocking the async runtime.
    /// A panic inside `job` becomes [`WorkerError::Panicked`]; the worker goes on.
    pub async fn run<F, R>(&self, job: F) -> Result<R, WorkerError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (reply, result) = oneshot::channel();
        let boxed: Job = Box::new(move || {
            let outcome = catch_unwind(AssertUnwindSafe(job)).map_err(|payload| {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".to_string());
                WorkerError::Panicked(message)
            });
            // The caller may have gone (request cancelled): nothing to do then.
            let _ = reply.send(outcome);
        });
        match self.sender.try_send(boxed) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(WorkerError::Busy(self.queue)),
            Err(TrySendError::Disconnected(_)) => return Err(WorkerError::Closed),
        }
        result.await.map_err(|_| WorkerError::Closed)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn runs_jobs_and_survives_panics() {
        let workers = Workers::start(2, 8);
        assert_eq!(workers.run(|| 6 * 7).await, Ok(42));
        let err = workers.run(|| -> u8 { panic!("boom") }).await.unwrap_err();
        assert_eq!(err, WorkerError::Panicked("boom".into()));
        assert_eq!(workers.run(|| "still alive").await, Ok("still alive"));
    }

    #[tokio::test]
    async fn full_queue_is_refused() {
        let workers = Workers::start(1, 1);
        let started = Arc::new(AtomicUsize::new(0));
        let (release_tx, release_rx) = crossbeam_channel::bounded::<()>(0);
        let blocker = {
            let workers = workers.clone();
            let started = started.clone();
            tokio::spawn(async move {
                workers
                    .run(move || {
                        started.fetch_add(1, Ordering::SeqCst);
                        let _ = release_rx.recv_timeout(Duration::from_secs(10));
                    })
                    .await
            })
        };
        while started.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // The worker is busy; one job fits in the queue, the next is refused.
        let queued = {
            let workers = workers.clone();
            tokio::spawn(async move { workers.run(|| 1).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(workers.run(|| 2).await, Err(WorkerError::Busy(1)));
        release_tx.send(()).unwrap();
        assert!(blocker.await.unwrap().is_ok());
        assert_eq!(queued.await.unwrap(), Ok(1));
    }
}
