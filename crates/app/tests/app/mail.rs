//! Notifications: the bell, the e-mails through a real SMTP server (aiosmtpd,
//! from PyPI, started on the loopback), the outbox that survives a mail
//! server that is down, the deadlines with their calendar and feed.

use crate::helpers::*;
use crate::planning::{sheet_fields, sma_sheets, version_of};
use reqwest::StatusCode;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use zona_app::config::MailConfig;
use zona_app::Config;
use zona_testing::BACKENDS;

/// An SMTP server that stores what it receives in a maildir.
struct Smtp {
    port: u16,
    maildir: PathBuf,
    child: Option<Child>,
    dir: PathBuf,
}

impl Smtp {
    async fn start() -> Smtp {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("zona-smtp-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut s = Smtp {
            port,
            maildir: dir.join("maildir"),
            child: None,
            dir,
        };
        s.resume().await;
        s
    }

    /// Starts the server (again) on its port, and waits until it answers.
    async fn resume(&mut self) {
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "python3 -m aiosmtpd: install it with `pip install aiosmtpd` (scripts/test does)",
            );
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the SMTP server did not start on port {}", self.port);
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn config(&self, backend_retry: Duration) -> Config {
        Config {
            mail: Some(MailConfig {
                smtp_url: format!("smtp://127.0.0.1:{}", self.port),
                from: "Zona Livornese <zona@zona.test>".into(),
                public_url: "https://zona.test".into(),
                retry_after: backend_retry,
                digest_hour: 0,
            }),
            notifier_interval: Duration::from_millis(100),
            ..Config::default()
        }
    }

    /// The messages received for `to`: (subject, plain-text body).
    fn messages_to(&self, to: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return out;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let raw = std::fs::read(&f).unwrap();
            let m = mailparse::parse_mail(&raw).unwrap();
            let get = |h: &str| {
                use mailparse::MailHeaderMap;
                m.headers.get_first_value(h).unwrap_or_default()
            };
            if get("To").contains(to) {
                out.push((get("Subject"), m.get_body().unwrap()));
            }
        }
        out
    }

    /// Waits until `n` messages reached `to`.
    async fn wait_for(&self, to: &str, n: usize) -> Vec<(String, String)> {
        for _ in 0..150 {
            let got = self.messages_to(to);
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{n} e-mails to {to} expected, got {:?}",
            self.messages_to(to)
        );
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Moves a sheet along its workflow as `client` would from the sheet's page.
async fn move_sheet(
    app: &TestApp,
    client: &reqwest::Client,
    sheet: &str,
    event: &str,
    comment: &str,
) {
    let page = app.get_with(client, sheet).await;
    let p = app
        .post_with(
            client,
            &format!("{sheet}/stato"),
            &page.csrf(),
            &[
                ("event", event),
                ("version", &version_of(&page)),
                ("comment", comment),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{event}: {}", p.body);
}

/// The unread count the bell shows on a page, 0 without a badge.
fn bell(body: &str) -> i64 {
    let Some(i) = body.find("zona-bell-count\">") else {
        assert!(body.contains("Notifiche: nessuna da leggere"), "no bell");
        return 0;
    };
    let rest = &body[i + "zona-bell-count\">".len()..];
    rest[..rest.find('<').unwrap()].parse().unwrap()
}

#[tokio::test]
async fn a_returned_sheet_tops_the_referente_home_rings_the_bell_and_sends_one_email_even_after_the_mail_server_was_down(
) {
    for backend in BACKENDS {
        let mut smtp = Smtp::start().await;
        let app = spawn_app_with(backend, smtp.config(Duration::from_millis(300))).await;
        let db = &app.db.db;
        exec(
            db,
            "UPDATE users SET email = 'marco.lenzi@asl.test' WHERE username = 'referente.sma'",
        )
        .await;
        exec(
            db,
            "UPDATE users SET email = 'giulia.ferri@zona.test' WHERE username = 'ufficio.piano'",
        )
        .await;
        let (sma, _) = sma_sheets(&app).await;
        let id = sma[0];
        let sheet = format!("/pianificazione/attivita/{id}");
        let editor = app.other_client_logged_in("referente.sma").await;
        let office = app.other_client_logged_in("ufficio.piano").await;

        // The referente completes and submits the sheet: the office hears of it.
        let form = app.get_with(&editor, &format!("{sheet}/modifica")).await;
        let v = version_of(&form);
        let p = app
            .post_with(
                &editor,
                &format!("{sheet}/modifica"),
                &form.csrf(),
                &sheet_fields(&v, "Presa in carico nei CSM", "1.000,00"),
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend:?}: {}", p.body);
        move_sheet(&app, &editor, &sheet, "submit", "").await;
        let to_office = smtp.wait_for("giulia.ferri@zona.test", 1).await;
        assert!(
            to_office[0]
                .0
                .ends_with("«Presa in carico nei CSM» inviata all'Ufficio di Piano per l'esame"),
            "{to_office:?}"
        );
        assert_eq!(bell(&app.get_with(&office, "/").await.body), 1);

        // The office returns it.
        move_sheet(
            &app,
            &office,
            &sheet,
            "return",
            "Indicare le persone in carico.",
        )
        .await;

        // One e-mail, in Italian, with the link; nothing about other sheets.
        let mails = smtp.wait_for("marco.lenzi@asl.test", 1).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mails_after = smtp.messages_to("marco.lenzi@asl.test");
        assert_eq!(mails_after.len(), 1, "exactly one e-mail: {mails_after:?}");
        let (subject, body) = &mails[0];
        assert!(subject.starts_with("[zona] Scheda "), "{subject}");
        assert!(
            subject.ends_with("«Presa in carico nei CSM» restituita con osservazioni"),
            "{subject}"
        );
        assert!(body.starts_with("Gentile Marco Lenzi,"), "{body}");
        assert!(
            body.contains(&format!("Apri: https://zona.test{sheet}")),
            "{body}"
        );

        // The referente's home: the sheet first, the bell at 1.
        let home = app.get_with(&editor, "/").await;
        assert_eq!(bell(&home.body), 1, "{backend:?}");
        let first = flat(&home.body);
        let first = first
            .split("<li class=\"list-group-item\">")
            .nth(1)
            .unwrap_or_default();
        assert!(
            first.contains(&format!("{sheet}\"")) && first.contains("Restituita"),
            "{first}"
        );
        // Seen on the bell's page, it is read.
        let list = app.get_with(&editor, "/notifiche").await;
        assert!(list.body.contains("restituita con osservazioni"));
        assert!(list.body.contains("Nuova"));
        assert_eq!(bell(&list.body), 0);
        assert_eq!(bell(&app.get_with(&editor, "/").await.body), 0);
        // Someone else's notification does not exist for this person.
        let n_id: i64 = {
            let i = list.body.find("href=\"/notifiche/").unwrap() + "href=\"/notifiche/".len();
            list.body[i..i + list.body[i..].find('"').unwrap()]
                .parse()
                .unwrap()
        };
        assert_eq!(
            app.get_with(&office, &format!("/notifiche/{n_id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let open = app.get_with(&editor, &format!("/notifiche/{n_id}")).await;
        assert_eq!(open.location.as_deref(), Some(sheet.as_str()));

        // With the mail server down, submitting and returning still succeed.
        smtp.stop();
        move_sheet(&app, &editor, &sheet, "submit", "").await;
        move_sheet(
            &app,
            &office,
            &sheet,
            "return",
            "Manca ancora il valore atteso.",
        )
        .await;
        assert_eq!(bell(&app.get_with(&editor, "/").await.body), 1);
        // The e-mail waits in the outbox with the server's failure.
        let mut waiting = None;
        for _ in 0..100 {
            let out = zona_store::notifications::outbox(db, 10).await.unwrap();
            if let Some(m) = out.into_iter().find(|m| {
                m.to_address == "marco.lenzi@asl.test" && m.sent_at.is_none() && m.attempts >= 1
            }) {
                waiting = Some(m);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let waiting = waiting.expect("a failed attempt recorded in the outbox");
        assert!(waiting.last_error.is_some());
        assert!(waiting.subject.contains("restituita con osservazioni"));

        // The server is back: the e-mail goes.
        smtp.resume().await;
        let mails = smtp.wait_for("marco.lenzi@asl.test", 2).await;
        assert_eq!(mails.len(), 2);
        assert!(mails[1]
            .1
            .contains(&format!("Apri: https://zona.test{sheet}")));
    }
}

#[tokio::test]
async fn a_person_who_chose_the_digest_gets_one_email_a_day_with_what_arrived_before_it() {
    for backend in BACKENDS {
        let smtp = Smtp::start().await;
        let app = spawn_app_with(backend, smtp.config(Duration::from_millis(300))).await;
        let db = &app.db.db;
        exec(
            db,
            "UPDATE users SET email = 'marco.lenzi@asl.test' WHERE username = 'referente.sma'",
        )
        .await;
        let editor = app.other_client_logged_in("referente.sma").await;
        let token = app.get_with(&editor, "/account").await.csrf();
        let p = app
            .post_with(&editor, "/account/avvisi", &token, &[("digest", "1")])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let account = app.get_with(&editor, "/account").await.body;
        assert!(account.contains("Riceverai un solo riepilogo al giorno, dalle 7."));
        assert!(
            account.contains(r#"id="digest-1" value="1" checked"#),
            "{account}"
        );

        let user = zona_store::users::get_user_by_username(db, "referente.sma")
            .await
            .unwrap()
            .unwrap()
            .id;
        let item = |key: &str, title: &str| zona_store::notifications::NewNotification {
            user_id: user,
            event_key: key.into(),
            title: title.into(),
            link: "/pianificazione/mie-schede".into(),
        };
        zona_store::notifications::notify(
            db,
            &[item("a", "Prima notizia"), item("b", "Seconda notizia")],
        )
        .await
        .unwrap();
        // Arrived today, after the digest hour: they wait for tomorrow's.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(smtp.messages_to("marco.lenzi@asl.test").is_empty());

        // As if they had arrived yesterday: one e-mail carries both.
        let yesterday = zona_store::now() - time::Duration::days(1);
        let sql = "UPDATE notifications SET created_at = $1 WHERE user_id = $2";
        match db {
            zona_store::Db::Sqlite(p) => {
                sqlx::query(sql)
                    .bind(yesterday)
                    .bind(user)
                    .execute(p)
                    .await
                    .unwrap();
            }
            zona_store::Db::Postgres(p) => {
                sqlx::query(sql)
                    .bind(yesterday)
                    .bind(user)
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
        let mails = smtp.wait_for("marco.lenzi@asl.test", 1).await;
        let (subject, body) = &mails[0];
        let today = zona_core::format::date(
            zona_core::format::to_italian_time(time::OffsetDateTime::now_utc()).date(),
        );
        assert_eq!(
            subject,
            &format!("[zona] Riepilogo del {today}: 2 notifiche")
        );
        assert!(body.contains("- Prima notizia ("), "{body}");
        assert!(body.contains("- Seconda notizia ("), "{body}");
        assert!(body.contains("https://zona.test/pianificazione/mie-schede"));
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(smtp.messages_to("marco.lenzi@asl.test").len(), 1);
    }
}
