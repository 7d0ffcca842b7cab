//! `spawn_app`: a real zona server on a free port, over a fresh database of
//! either backend loaded with the demo zone, and a cookie-keeping client.

use regex::Regex;
use reqwest::{redirect, Client, Response, StatusCode};
use std::sync::{Arc, OnceLock};
use tokio::sync::OnceCell;
use zona_app::web::{self, AppState};
use zona_app::Config;
use zona_store::Backend;
use zona_testing::{Template, TestDb};

pub const PASSWORD: &str = zona_app::demo::DEMO_PASSWORD;

pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    pub client: Client,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Config::default()).await
}

/// The demo zone, loaded once per backend and test run, copied for each test.
static DEMO: [OnceCell<Template>; 2] = [OnceCell::const_new(), OnceCell::const_new()];

/// A fresh database holding the demo zone.
pub async fn demo_db(backend: Backend) -> TestDb {
    let cell = match backend {
        Backend::Sqlite => &DEMO[0],
        Backend::Postgres => &DEMO[1],
    };
    let load = |db: zona_store::Db| async move {
        zona_app::demo::load(&db).await.expect("demo data");
    };
    cell.get_or_init(|| Template::build(backend, load))
        .await
        .copy()
        .await
}

pub async fn spawn_app_with(backend: Backend, config: Config) -> TestApp {
    let db = demo_db(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(db.db.clone(), Arc::new(config));
    tokio::spawn(async move {
        let _ = web::serve(listener, state).await;
    });
    TestApp {
        address,
        db,
        client: new_client(),
    }
}

pub fn new_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

fn csrf_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"name="csrf_token" value="([0-9a-f]{64})""#).unwrap())
}

pub struct Page {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
}

impl Page {
    pub async fn from(r: Response) -> Page {
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        // Askama escapes apostrophes; tests compare plain Italian text.
        let body = r
            .text()
            .await
            .unwrap()
            .replace("&#39;", "'")
            .replace("&#x27;", "'");
        Page {
            status,
            body,
            location,
        }
    }
    pub fn csrf(&self) -> String {
        csrf_re()
            .captures(&self.body)
            .unwrap_or_else(|| panic!("no CSRF token in page:\n{}", self.body))[1]
            .to_string()
    }
    /// The text of the error shown next to a form field.
    pub fn field_error(&self, field: &str) -> Option<String> {
        let re = Regex::new(&format!(
            r#"id="f-{field}-error"[^>]*><span class="visually-hidden">Errore: </span>([^<]*)<"#
        ))
        .unwrap();
        re.captures(&self.body).map(|c| c[1].to_string())
    }
    /// The value of an input as rendered back.
    pub fn input_value(&self, field: &str) -> Option<String> {
        let re = Regex::new(&format!(r#"name="{field}" value="([^"]*)""#)).unwrap();
        re.captures(&self.body).map(|c| c[1].to_string())
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn get_with(&self, client: &Client, path: &str) -> Page {
        Page::from(client.get(self.url(path)).send().await.unwrap()).await
    }

    /// Posts a form with the CSRF token of `token_page` (a page the client has open).
    pub async fn post_with(
        &self,
        client: &Client,
        path: &str,
        token: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token)];
        form.extend_from_slice(fields);
        Page::from(
            client
                .post(self.url(path))
                .form(&form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Opens `form_path` for its token, then posts `fields` to `action`.
    pub async fn submit(&self, form_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(form_path).await.csrf();
        self.post_with(&self.client, action, &token, fields).await
    }

    pub async fn login_as(&self, client: &Client, username: &str, password: &str) -> Page {
        let token = self.get_with(client, "/login").await.csrf();
        self.post_with(
            client,
            "/login",
            &token,
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }

    pub async fn login(&self, username: &str) {
        let p = self.login_as(&self.client, username, PASSWORD).await;
        assert_eq!(
            p.status,
            StatusCode::SEE_OTHER,
            "login of {username} failed: {}",
            p.body
        );
    }

    /// A second, independent browser.
    pub async fn other_client_logged_in(&self, username: &str) -> Client {
        let c = new_client();
        let p = self.login_as(&c, username, PASSWORD).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        c
    }
}

/// The id in a `/admin/x/{id}` location.
pub fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// Text with every run of white space made one space.
pub fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The pages of a PDF as text (pdftotext separates pages with form feeds).
pub fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let file = std::env::temp_dir().join(format!(
        "zona-poa-{}-{}.pdf",
        std::process::id(),
        bytes.len()
    ));
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed to read the PDF");
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(flat).collect();
    if pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

/// The first group of `pattern` in `text`; panics with the text when absent.
pub fn capture(pattern: &str, text: &str) -> String {
    Regex::new(pattern)
        .unwrap()
        .captures(text)
        .unwrap_or_else(|| panic!("{pattern} not found in:\n{text}"))[1]
        .to_string()
}

/// Runs one SQL statement without parameters on either backend (test setup).
pub async fn exec(db: &zona_store::Db, sql: &str) {
    match db {
        zona_store::Db::Sqlite(p) => {
            sqlx::query(sql).execute(p).await.unwrap();
        }
        zona_store::Db::Postgres(p) => {
            sqlx::query(sql).execute(p).await.unwrap();
        }
    }
}

/// One whole number read by a query without parameters, on either backend.
pub async fn scalar(db: &zona_store::Db, sql: &str) -> i64 {
    match db {
        zona_store::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        zona_store::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}
