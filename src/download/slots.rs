//! How many downloads run at once: at most `limits.max_downloads` in all,
//! `limits.max_downloads_per_client` for one client (an API key's name, else an address) and
//! `limits.max_downloads_per_storage` reading one storage, whose client (and its connection
//! limit) downloads share with the map renderer: the rest of its connections stay the map's. A
//! refused download is told when to come back.

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
    /// A storage this download reads already serves its share of downloads (the rest of its
    /// connections are the map's).
    #[error("storage {0} already serves {1} downloads, the most it may beside the map (limits.max_downloads_per_storage); try again shortly")]
    StorageFull(i64, usize),
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    by_client: HashMap<String, usize>,
    by_storage: HashMap<i64, usize>,
}

/// The running downloads, counted.
#[derive(Debug, Clone)]
pub struct DownloadSlots {
    counts: Arc<Mutex<Counts>>,
    max_total: usize,
    max_per_client: usize,
    max_per_storage: usize,
}

/// A download's place among the running ones, given back when dropped (the stream ends or the
/// client goes away).
#[derive(Debug)]
pub struct Slot {
    counts: Arc<Mutex<Counts>>,
    client: String,
    storages: Vec<i64>,
}

impl DownloadSlots {
    /// Slots for at most `max_total` downloads, `max_per_client` per client and
    /// `max_per_storage` reading one storage.
    pub fn new(max_total: usize, max_per_client: usize, max_per_storage: usize) -> DownloadSlots {
        DownloadSlots {
            counts: Arc::new(Mutex::new(Counts::default())),
            max_total,
            max_per_client,
            max_per_storage,
        }
    }

    /// A slot for `client` reading `storages` (catalogue ids), or why there is none now.
    pub fn take(&self, client: &str, storages: &[i64]) -> Result<Slot, SlotError> {
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
        for storage in storages {
            let serving = counts.by_storage.get(storage).copied().unwrap_or(0);
            if serving >= self.max_per_storage {
                return Err(SlotError::StorageFull(*storage, serving));
            }
        }
        counts.total += 1;
        *counts.by_client.entry(client.to_string()).or_default() += 1;
        for storage in storages {
            *counts.by_storage.entry(*storage).or_default() += 1;
        }
        Ok(Slot {
            counts: self.counts.clone(),
            client: client.to_string(),
            storages: storages.to_vec(),
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
        for storage in &self.storages {
            if let Some(serving) = counts.by_storage.get_mut(storage) {
                *serving -= 1;
                if *serving == 0 {
                    counts.by_storage.remove(storage);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_per_client_and_in_all_and_given_back() {
        let slots = DownloadSlots::new(3, 2, 2);
        let a1 = slots.take("a", &[1]).unwrap();
        let _a2 = slots.take("a", &[2]).unwrap();
        assert_eq!(slots.take("a", &[3]).unwrap_err(), SlotError::ClientFull(2));
        let b1 = slots.take("b", &[1, 2]).unwrap();
        assert_eq!(slots.take("c", &[4]).unwrap_err(), SlotError::Full(3));
        drop(a1);
        assert_eq!(slots.running(), 2);
        // Storage 2 serves two downloads already: the map keeps the rest of its connections.
        assert_eq!(slots.take("c", &[2]).unwrap_err(), SlotError::StorageFull(2, 2));
        assert!(slots.take("a", &[1]).is_ok(), "given back when dropped");
        drop(b1);
    }
}
