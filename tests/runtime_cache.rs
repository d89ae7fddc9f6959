//! The time-bounded cache OSC providers carry (templates/runtime/cache.rs), tested once here:
//! freshness, expiry, eviction when full, and sharing between threads.

#[path = "../templates/runtime/cache.rs"]
mod cache;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use cache::Cache;

const LONG: Duration = Duration::from_secs(3600);

#[test]
fn a_fresh_entry_is_returned_as_a_clone() {
    let cache: Cache<String, Arc<[u8]>> = Cache::new(LONG, 4);
    assert_eq!(cache.get("a"), None);
    cache.insert("a".to_string(), Arc::from(&b"picture"[..]));
    assert_eq!(cache.get("a").as_deref(), Some(&b"picture"[..]));
    assert_eq!(cache.get("a").as_deref(), Some(&b"picture"[..]));
    assert_eq!(cache.remove("a").as_deref(), Some(&b"picture"[..]));
    assert!(cache.is_empty());
}

#[test]
fn an_entry_expires_after_its_ttl() {
    let cache = Cache::new(Duration::from_millis(50), 4);
    cache.insert(1, "person");
    assert_eq!(cache.get(&1), Some("person"));
    thread::sleep(Duration::from_millis(80));
    assert_eq!(cache.get(&1), None);
    assert_eq!(cache.len(), 0, "an expired entry is dropped when it is asked for");
}

#[test]
fn inserting_again_renews_the_entry() {
    let cache = Cache::new(Duration::from_millis(200), 4);
    cache.insert(1, "old");
    thread::sleep(Duration::from_millis(120));
    cache.insert(1, "new");
    thread::sleep(Duration::from_millis(120));
    assert_eq!(cache.get(&1), Some("new"));
}

#[test]
fn a_full_cache_evicts_the_oldest_entry() {
    let cache = Cache::new(LONG, 2);
    cache.insert("a", 1);
    thread::sleep(Duration::from_millis(2));
    cache.insert("b", 2);
    thread::sleep(Duration::from_millis(2));
    cache.insert("c", 3);
    assert_eq!(cache.len(), 2);
    assert_eq!(cache.get("a"), None);
    assert_eq!(cache.get("b"), Some(2));
    assert_eq!(cache.get("c"), Some(3));
    // Replacing a key that is there evicts nothing.
    cache.insert("b", 20);
    assert_eq!((cache.get("b"), cache.get("c")), (Some(20), Some(3)));
}

#[test]
fn a_full_cache_evicts_expired_entries_before_fresh_ones() {
    let cache = Cache::new(Duration::from_millis(50), 2);
    cache.insert("a", 1);
    cache.insert("b", 2);
    thread::sleep(Duration::from_millis(80));
    cache.insert("c", 3);
    assert_eq!(cache.len(), 1, "both expired entries went, not only the oldest");
    assert_eq!(cache.get("c"), Some(3));
}

#[test]
fn a_cache_of_no_capacity_holds_nothing() {
    let cache = Cache::new(LONG, 0);
    cache.insert("a", 1);
    assert_eq!(cache.get("a"), None);
}

#[test]
fn threads_share_one_cache() {
    let cache = Arc::new(Cache::new(LONG, 1000));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let cache = Arc::clone(&cache);
            thread::spawn(move || {
                for i in 0..100 {
                    cache.insert(t * 100 + i, i);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(cache.len(), 400);
    assert_eq!(cache.get(&399), Some(99));
}
