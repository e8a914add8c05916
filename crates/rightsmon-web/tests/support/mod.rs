//! A test application in process: a fresh in-memory database with the reference data and the
//! demo network, and helpers to send requests as a browser or an API client would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use rightsmon_app::App;
use rightsmon_store::Store;
use rightsmon_store_sqlite::SqliteStore;
use rightsmon_web::{WebSettings, WebState};
use std::sync::Arc;
use tower::ServiceExt;

pub struct TestApp {
    pub router: axum::Router,
    pub app: App,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value a `Set-Cookie` header gives `name`, if any.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_owned())
    }
}

pub async fn test_app() -> TestApp {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(Arc::new(store));
    rightsmon_app::reference::initialise(&app).await.unwrap();
    app.load_demo().await.unwrap();
    let state = WebState::new(app.clone(), WebSettings { demo_mode: true, ..WebSettings::default() }).unwrap();
    TestApp { router: rightsmon_web::router(state), app }
}

/// A browser: it keeps the cookies it is given.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: std::collections::BTreeMap<String, String>,
}

impl TestApp {
    pub fn browser(&self) -> Browser<'_> {
        Browser { app: self, cookies: Default::default() }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response: Response<Body> = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let reply = Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() };
        assert_ne!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "a 500: {}", reply.body);
        reply
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).header(header::HOST, "localhost").body(Body::empty()).unwrap()).await
    }

    /// The body of a download as bytes (a PDF, a workbook), after checking it succeeded.
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let request = Request::get(path).header(header::HOST, "localhost").body(Body::empty()).unwrap();
        let response: Response<Body> = self.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.into_body().collect().await.unwrap().to_bytes().to_vec()
    }
}

impl Browser<'_> {
    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep(&mut self, reply: &Reply) {
        for value in reply.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            if let Some((name, value)) = value.split(';').next().and_then(|pair| pair.split_once('=')) {
                if value.is_empty() || value.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let request =
            Request::get(path).header(header::HOST, "localhost").header(header::COOKIE, self.cookie_header()).body(Body::empty()).unwrap();
        let reply = self.app.send(request).await;
        self.keep(&reply);
        reply
    }

    pub fn csrf(&self) -> String {
        self.cookies.get("rm_csrf").cloned().expect("the browser has a CSRF cookie")
    }

    /// Posts a form body as is (the caller adds `csrf=` where it wants one).
    pub async fn post_raw(&mut self, path: &str, body: impl Into<Body>, content_type: &str) -> Reply {
        let request = Request::post(path)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, self.cookie_header())
            .body(body.into())
            .unwrap();
        let reply = self.app.send(request).await;
        self.keep(&reply);
        reply
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        self.post_raw(path, body, "application/x-www-form-urlencoded").await
    }

    /// Posts a JSON body as an API client of a signed-in session does: the CSRF token in the
    /// `X-CSRF-Token` header.
    pub async fn post_json(&mut self, path: &str, body: &serde_json::Value) -> Reply {
        let request = Request::post(path)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", self.csrf())
            .header(header::COOKIE, self.cookie_header())
            .body(Body::from(body.to_string()))
            .unwrap();
        let reply = self.app.send(request).await;
        self.keep(&reply);
        reply
    }

    /// Signs in through the login form.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        self.get("/login").await;
        let csrf = self.csrf();
        self.post_form("/login", &[("csrf", &csrf), ("username", username), ("password", password)]).await
    }
}

pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
