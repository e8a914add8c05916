//! The public-page cache: what anonymous readers get from the public pages and the public API is
//! the same for all of them until the data change, so it is kept rendered, per URL and language.
//!
//! An entry is used only while no write has gone through this server since it was made (every
//! successful state-changing request, and every finished import, starts a new generation) and for
//! at most `ttl`, which bounds how long a change made elsewhere (the command line, another server
//! on the same PostgreSQL database) takes to show. When an entry outlives `ttl`, the first reader
//! renders it again while the readers who arrive meanwhile still get the entry they would have got
//! a moment before, so that an expiry never stalls a crowd of readers. Signed-in readers, who may
//! see unpublished values of their city, never use it.

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The routes whose answers to anonymous readers are cached.
const CACHED_ROUTES: &[&str] = &[
    "/",
    "/cities/{code}",
    "/cities/{code}/indicators/{indicator}",
    "/rights/{code}",
    "/themes/{code}",
    "/cities/{code}/themes/{theme}",
    "/reporting",
    "/cities/{code}/reporting",
    "/indicators",
    "/indicators/{code}",
    "/indicators/{code}/comparison",
    "/methods",
    "/methods/{name}",
    "/api/v1/cities",
    "/api/v1/cities/{code}",
    "/api/v1/cities/{code}/findings",
    "/api/v1/cities/{code}/indicators/{indicator}/findings",
    "/api/v1/rights/{code}/findings",
    "/api/v1/indicators/{code}/comparison",
    "/api/v1/series",
];

/// The most entries kept; beyond it, the oldest generation's entries go first.
const MAX_ENTRIES: usize = 4096;
/// The largest answer kept.
const MAX_BODY: usize = 2 * 1024 * 1024;

struct Entry {
    generation: u64,
    made: Instant,
    content_type: HeaderValue,
    body: Bytes,
    /// Whether a reader is rendering the expired entry again.
    refreshing: bool,
}

/// What the cache holds for a request.
enum Lookup {
    /// A current answer.
    Fresh(HeaderValue, Bytes),
    /// An expired answer that another reader is rendering again: served meanwhile.
    Refreshing(HeaderValue, Bytes),
    /// Nothing to serve: this reader renders (and, for an expired entry, refreshes it).
    Miss,
}

/// Rendered answers to anonymous readers, by language and URL.
pub struct PageCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").field("ttl", &self.ttl).field("generation", &self.generation.load(Ordering::Relaxed)).finish()
    }
}

impl PageCache {
    /// A cache whose entries live at most `ttl`; a zero `ttl` turns it off.
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, generation: AtomicU64::new(0), entries: Mutex::new(HashMap::new()) }
    }

    /// Forgets everything: the data changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    /// What a reader gets for `key`, if anything (for tests of the rules).
    #[cfg(test)]
    fn get(&self, key: &str) -> Option<(HeaderValue, Bytes)> {
        match self.lookup(key) {
            Lookup::Fresh(content_type, body) | Lookup::Refreshing(content_type, body) => Some((content_type, body)),
            Lookup::Miss => None,
        }
    }

    /// The answer for `key`. An entry of an older generation is never served; an expired one is
    /// served while the one reader who got `Miss` for it renders it again.
    fn lookup(&self, key: &str) -> Lookup {
        let generation = self.generation.load(Ordering::SeqCst);
        let Ok(mut entries) = self.entries.lock() else { return Lookup::Miss };
        let Some(entry) = entries.get_mut(key).filter(|e| e.generation == generation) else { return Lookup::Miss };
        if entry.made.elapsed() < self.ttl {
            Lookup::Fresh(entry.content_type.clone(), entry.body.clone())
        } else if entry.refreshing {
            Lookup::Refreshing(entry.content_type.clone(), entry.body.clone())
        } else {
            entry.refreshing = true;
            Lookup::Miss
        }
    }

    /// A refresh that produced nothing to keep: the next reader tries again.
    fn refresh_failed(&self, key: &str) {
        if let Ok(mut entries) = self.entries.lock()
            && let Some(entry) = entries.get_mut(key)
        {
            entry.refreshing = false;
        }
    }

    fn put(&self, key: String, generation: u64, content_type: HeaderValue, body: Bytes) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= MAX_ENTRIES {
            let now = Instant::now();
            entries.retain(|_, e| e.generation == generation && now.duration_since(e.made) < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, Entry { generation, made: Instant::now(), content_type, body, refreshing: false });
    }
}

/// Answers anonymous GET requests to the cached routes from the cache, and fills it.
pub async fn cache_layer(State(state): State<crate::WebState>, request: Request, next: Next) -> Response {
    let cache = &state.cache;
    let anonymous_lang = request.extensions().get::<crate::context::Ctx>().filter(|ctx| !ctx.actor.is_signed_in()).map(|c| c.lang.clone());
    let cacheable_route = request.extensions().get::<MatchedPath>().is_some_and(|p| CACHED_ROUTES.contains(&p.as_str()));
    let Some(lang) = anonymous_lang.filter(|_| cache.ttl > Duration::ZERO && request.method() == Method::GET && cacheable_route) else {
        return next.run(request).await;
    };
    let key = format!("{lang} {}", request.uri());
    if let Lookup::Fresh(content_type, body) | Lookup::Refreshing(content_type, body) = cache.lookup(&key) {
        return ([(header::CONTENT_TYPE, content_type)], body).into_response();
    }
    let generation = cache.generation.load(Ordering::SeqCst);
    let response = next.run(request).await;
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    // Only plain successful answers are kept: no cookies, no disposition, nothing else to repeat.
    let plain = response.headers().iter().all(|(name, _)| name == header::CONTENT_TYPE || name == header::CONTENT_LENGTH);
    match content_type {
        Some(content_type) if response.status() == StatusCode::OK && plain => {
            let (parts, body) = response.into_parts();
            match axum::body::to_bytes(body, MAX_BODY).await {
                Ok(bytes) => {
                    cache.put(key, generation, content_type, bytes.clone());
                    Response::from_parts(parts, Body::from(bytes))
                }
                Err(_) => {
                    cache.refresh_failed(&key);
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
            }
        }
        _ => {
            cache.refresh_failed(&key);
            response
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_cached_route_is_a_public_get_route_of_the_table() {
        let table = crate::route_table();
        for path in CACHED_ROUTES {
            let rule = table.iter().find(|r| r.path == *path);
            let rule = rule.unwrap_or_else(|| panic!("{path} is cached but is not a route"));
            assert_eq!(rule.access, crate::access::Access::Public, "{path} is cached but not public");
            assert!(rule.methods.split(", ").any(|m| m == "GET"), "{path} is cached but has no GET");
        }
    }

    #[test]
    fn entries_live_until_the_data_change_or_they_expire() {
        let cache = PageCache::new(Duration::from_secs(60));
        let html = HeaderValue::from_static("text/html");
        cache.put("en /".into(), 0, html.clone(), Bytes::from_static(b"home"));
        assert_eq!(cache.get("en /").unwrap().1, Bytes::from_static(b"home"));
        assert!(cache.get("nl /").is_none(), "each language apart");
        cache.invalidate();
        assert!(cache.get("en /").is_none(), "a write forgets everything");
        // An answer rendered before a write is not kept under the new generation.
        cache.put("en /".into(), 0, html.clone(), Bytes::from_static(b"stale"));
        assert!(cache.get("en /").is_none());
        let expired = PageCache::new(Duration::from_millis(1));
        expired.put("en /".into(), 0, html.clone(), Bytes::from_static(b"home"));
        std::thread::sleep(Duration::from_millis(5));
        assert!(expired.get("en /").is_none(), "the first reader after the expiry renders again");
        assert_eq!(expired.get("en /").unwrap().1, Bytes::from_static(b"home"), "the readers meanwhile get the last answer");
        expired.put("en /".into(), 0, html.clone(), Bytes::from_static(b"renewed"));
        assert_eq!(expired.get("en /").unwrap().1, Bytes::from_static(b"renewed"));
        std::thread::sleep(Duration::from_millis(5));
        assert!(expired.get("en /").is_none());
        expired.refresh_failed("en /");
        assert!(expired.get("en /").is_none(), "a refresh that failed leaves the next reader to try again");
        expired.invalidate();
        assert!(expired.get("en /").is_none() && expired.get("en /").is_none(), "after a write, nothing old is served");
    }
}
