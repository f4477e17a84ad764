//! How many downloads run at once: at most `limits.max_downloads` in all and
//! `limits.max_downloads_per_client` for one client (an API key's name, else an address), so a
//! few clients cannot take every storage connection from the map. A refused download is told
//! when to come back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Seconds a refused client is told to wait before trying again.
pub const RETRY_AFTER_SECONDS: u64 = 30;

/// Why a download may not start now.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SlotError {
    /// Every download slot is taken.
    #[error("{0} downloads are running, the most this server runs at once (limits.max_downloads); try again shortly")]
    Full(usize),
    /// This client already runs its share.
    #[error("this client already runs {0} downloads, the most one client may (limits.max_downloads_per_client); try again when one ends")]
    ClientFull(usize),
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    by_client: HashMap<String, usize>,
}

/// The running downloads, counted.
#[derive(Debug, Clone)]
pub struct DownloadSlots {
    counts: Arc<Mutex<Counts>>,
    max_total: usize,
    max_per_client: usize,
}

/// A download's place among the running ones, given back when dropped (the stream ends or the
/// client goes away).
#[derive(Debug)]
pub struct Slot {
    counts: Arc<Mutex<Counts>>,
    client: String,
}

impl DownloadSlots {
    /// Slots for at most `max_total` downloads, `max_per_client` per client.
    pub fn new(max_total: usize, max_per_client: usize) -> DownloadSlots {
        DownloadSlots {
            counts: Arc::new(Mutex::new(Counts::default())),
            max_total,
            max_per_client,
        }
    }

    /// A slot for `client`, or why there is none now.
    pub fn take(&self, client: &str) -> Result<Slot, SlotError> {
        let mut counts = match self.counts.lock() {
            Ok(counts) => counts,
            Err(poisoned) => poisoned.into_inner(),
        };
        if counts.total >= self.max_total {
            return Err(SlotError::Full(counts.total));
        }
        let own = counts.by_client.get(client).copied().unwrap_or(0);
        if own >= self.max_per_client {
            return Err(SlotError::ClientFull(own));
        }
        counts.total += 1;
        *counts.by_client.entry(client.to_string()).or_default() += 1;
        Ok(Slot {
            counts: self.counts.clone(),
            client: client.to_string(),
        })
    }

    /// Downloads running now.
    pub fn running(&self) -> usize {
        self.counts.lock().map(|c| c.total).unwrap_or(0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = match self.counts.lock() {
            Ok(counts) => counts,
            Err(poisoned) => poisoned.into_inner(),
        };
        counts.total = counts.total.saturating_sub(1);
        if let Some(own) = counts.by_client.get_mut(&self.client) {
            *own -= 1;
            if *own == 0 {
                counts.by_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_per_client_and_in_all_and_given_back() {
        let slots = DownloadSlots::new(3, 2);
        let a1 = slots.take("a").unwrap();
        let _a2 = slots.take("a").unwrap();
        assert_eq!(slots.take("a").unwrap_err(), SlotError::ClientFull(2));
        let _b1 = slots.take("b").unwrap();
        assert_eq!(slots.take("c").unwrap_err(), SlotError::Full(3));
        drop(a1);
        assert_eq!(slots.running(), 2);
        assert!(slots.take("a").is_ok(), "given back when dropped");
    }
}
