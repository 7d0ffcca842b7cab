//! Two zona processes on one PostgreSQL, as behind a load balancer: a
//! session opened on one is valid on the other, a form of one is accepted
//! by the other, concurrent edits through both still meet the conflict
//! page, and a change through one refreshes the other's published pages.

use crate::helpers::{new_client, Page, PASSWORD};
use regex::Regex;
use reqwest::{Client, StatusCode};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use zona_store::Backend;
use zona_testing::TestDb;

/// A `zona serve` process on a free loopback port, stopped when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Instance {
    fn start(database_url: &str) -> Instance {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zona"))
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                database_url,
            ])
            .env_remove("ZONA_DATABASE_URL")
            .env_remove("ZONA_BIND")
            .env_remove("ZONA_PUBLIC_ZONE")
            .env("ZONA_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let listening = Regex::new(r"zona listening on (http://[0-9.:]+)/").unwrap();
        let base = loop {
            let line = lines.next().expect("zona serve stopped early").unwrap();
            if let Some(c) = listening.captures(&line) {
                break c[1].to_string();
            }
        };
        // Keep reading its log, so that the process never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Instance { child, base }
    }

    async fn get(&self, client: &Client, path: &str) -> Page {
        Page::from(
            client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn post(
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
                .post(format!("{}{path}", self.base))
                .form(&form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn two_instances_on_one_postgres_share_sessions_forms_conflicts_and_published_pages() {
    let db = TestDb::new(Backend::Postgres).await;
    zona_app::demo::load(&db.db).await.unwrap();
    let one = Instance::start(&db.url);
    let two = Instance::start(&db.url);
    assert_ne!(one.base, two.base);

    // Signed in on one, known on the other.
    let luca = new_client();
    let token = one.get(&luca, "/login").await.csrf();
    let signed = one
        .post(
            &luca,
            "/login",
            &token,
            &[
                ("username", "ufficio.piano"),
                ("password", PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let account = two.get(&luca, "/account").await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert!(account.body.contains("ufficio.piano"), "{}", account.body);

    // A second person, signed in on two, edits the same unit.
    let giulia = new_client();
    let token = two.get(&giulia, "/login").await.csrf();
    two.post(
        &giulia,
        "/login",
        &token,
        &[
            ("username", "ufficio.piano"),
            ("password", PASSWORD),
            ("next", "/"),
        ],
    )
    .await;
    let list = one.get(&luca, "/admin/unita?q=cure+palliative").await;
    let href = Regex::new(r#"href="(/admin/unita/\d+)""#)
        .unwrap()
        .captures(&list.body)
        .unwrap()[1]
        .to_string();
    let mine = one.get(&luca, &href).await;
    let theirs = two.get(&giulia, &href).await;
    let version = mine.input_value("version").unwrap();
    let org = Regex::new(r#"<option value="(\d+)" selected>"#)
        .unwrap()
        .captures(&mine.body)
        .unwrap()[1]
        .to_string();

    // The anonymous public plan, as instance two keeps it.
    let visitor = new_client();
    let etag = |p: reqwest::Response| {
        p.headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let public = |i: &Instance| {
        let url = format!("{}/piani/poa/2024", i.base);
        let visitor = visitor.clone();
        async move { visitor.get(url).send().await.unwrap() }
    };
    let kept = etag(public(&two).await).expect("an ETag");
    assert_eq!(etag(public(&two).await).unwrap(), kept);
    // Instance one keeps the same page, with the same ETag.
    assert_eq!(etag(public(&one).await).unwrap(), kept);

    // Luca's form, opened on one, is saved through two: the form's token
    // belongs to the session, not to the instance.
    let saved = two
        .post(
            &luca,
            &href,
            &mine.csrf(),
            &[
                ("organisation_id", &org),
                ("name", "Cure palliative"),
                ("description", "Versione di Luca"),
                ("email", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // Giulia saves the version she opened, through one: the conflict page,
    // with both versions.
    let refused = one
        .post(
            &giulia,
            &href,
            &theirs.csrf(),
            &[
                ("organisation_id", &org),
                ("name", "Cure palliative"),
                ("description", "Versione di Giulia"),
                ("email", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused
        .body
        .contains("la scheda è stata cambiata da un'altra persona"));
    assert!(
        refused.body.contains("Versione di Luca") && refused.body.contains("Versione di Giulia")
    );

    // The change through two is in the register both read: both instances
    // render their kept public page again.
    assert_ne!(etag(public(&one).await).unwrap(), kept);
    assert_ne!(etag(public(&two).await).unwrap(), kept);
    assert_eq!(
        etag(public(&one).await).unwrap(),
        etag(public(&two).await).unwrap(),
        "both instances describe the same data"
    );

    // Signed out on two, signed out on one.
    let token = two.get(&luca, "/account").await.csrf();
    let out = two.post(&luca, "/logout", &token, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = one.get(&luca, "/account").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(after.location.unwrap_or_default().starts_with("/login"));
}
