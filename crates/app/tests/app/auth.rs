//! Login, sessions, CSRF, lockout, security headers, error pages.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_store::audit::{self, AuditQuery};
use zona_store::{Backend, Page as DbPage};
use zona_testing::BACKENDS;

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let p = app.get("/healthz").await;
        assert_eq!(
            (p.status, p.body.as_str()),
            (StatusCode::OK, "ok"),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn public_home_is_italian_and_shows_the_zone() {
    let app = spawn_app(Backend::Sqlite).await;
    let p = app.get("/").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(r#"<html lang="it">"#));
    assert!(p.body.contains("Zona Distretto Livornese"));
    assert!(
        p.body.contains("153.154 (al 31/12/2024)"),
        "Livorno's population from the SOC26 form"
    );
    assert!(p.body.contains("Vai al contenuto principale"), "skip link");
    assert!(p.body.contains(r#"<main id="main""#));
    assert!(
        !p.body.contains("Amministrazione"),
        "no internal navigation for the public"
    );
    // The public menu leads to the public pages of each area, and to
    // nothing that is not there yet.
    let menu = regex::Regex::new(r#"class="nav-link[^"]*" href="([^"]+)""#).unwrap();
    let links: Vec<&str> = menu
        .captures_iter(&p.body)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(
        links,
        ["/", "/zona", "/piani", "/partecipa", "/strutture"],
        "{}",
        p.body
    );
    assert!(!p.body.contains("in arrivo"));
    for path in links {
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
    let plans = app.get("/piani").await;
    assert!(
        plans
            .body
            .contains(r#"class="nav-link active" href="/piani" aria-current="page""#),
        "{}",
        plans.body
    );
    // A Third Sector body is not internal: the public areas and its own.
    app.login("ets.simbolo").await;
    let home = app.get("/").await;
    let links: Vec<&str> = menu
        .captures_iter(&home.body)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(
        links,
        ["/", "/zona", "/piani", "/partecipa", "/strutture", "/ente"]
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in ["/", "/login", "/nowhere", "/static/css/zona.css"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: CSP"))
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    }
}

#[tokio::test]
async fn error_pages_are_italian_and_hide_internals() {
    let app = spawn_app(Backend::Sqlite).await;
    let p = app.get("/pagina-che-non-esiste").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(p.body.contains("Pagina non trovata"));
    assert!(
        p.body.contains("Zona Distretto Livornese"),
        "error pages keep the layout"
    );
    app.login("referente.sma").await;
    let p = app.get("/admin/utenti").await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.body.contains("Accesso non consentito"));
    let p = app.get("/admin/enti?stato=boh").await;
    assert_eq!(
        p.status,
        StatusCode::FORBIDDEN,
        "authorisation comes before parsing"
    );
}

#[tokio::test]
async fn login_logout_and_session_cookie() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let token = app.get("/login").await.csrf();
        let r = app
            .client
            .post(app.url("/login"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "Ufficio.Piano"),
                ("password", PASSWORD),
                ("next", "/admin"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(r.headers()["location"], "/admin");
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("zona_session="))
            .expect("session cookie");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let home = app.get("/").await;
        assert!(home.body.contains("Buongiorno, Giulia Ferri"));
        assert!(home.body.contains(r#"href="/admin""#));

        let p = app
            .post_with(&app.client, "/logout", &home.csrf(), &[])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let after = app.get("/admin").await;
        assert_eq!(
            after.status,
            StatusCode::SEE_OTHER,
            "logged out: back to the login page"
        );
        assert_eq!(after.location.as_deref(), Some("/login?next=%2Fadmin"));

        let (entries, _) = audit::list(
            &app.db.db,
            &AuditQuery {
                entity: Some("session".into()),
                ..Default::default()
            },
            DbPage::first(10),
        )
        .await
        .unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["logout", "login"], "{backend:?}");
    }
}

#[tokio::test]
async fn login_never_redirects_off_site() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = app.get("/login").await.csrf();
    for next in ["https://evil.example/", "//evil.example/", "/\\evil"] {
        let c = new_client();
        let token = app.get_with(&c, "/login").await.csrf();
        let p = app
            .post_with(
                &c,
                "/login",
                &token,
                &[
                    ("username", "consultazione"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(p.location.as_deref(), Some("/"), "{next}");
    }
    let _ = token;
}

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_is_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let before = zona_store::organisations::list_organisations(
        &app.db.db,
        &Default::default(),
        DbPage::first(1),
    )
    .await
    .unwrap()
    .1;
    let fields = [("name", "Ente senza token"), ("kind", "other_public_body")];
    let r = app
        .client
        .post(app.url("/admin/enti/nuovo"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Richiesta non valida"));
    let p = app
        .post_with(&app.client, "/admin/enti/nuovo", &"0".repeat(64), &fields)
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "wrong token");
    // A right token from another site's page is still refused.
    let token = app.get("/admin/enti/nuovo").await.csrf();
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(&fields);
    let r = app
        .client
        .post(app.url("/admin/enti/nuovo"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "cross-origin");
    let r = app
        .client
        .post(app.url("/admin/enti/nuovo"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "cross-site");
    // Anonymous forms are protected too (login CSRF).
    let c = new_client();
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "ufficio.piano"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let after = zona_store::organisations::list_organisations(
        &app.db.db,
        &Default::default(),
        DbPage::first(1),
    )
    .await
    .unwrap()
    .1;
    assert_eq!(before, after, "nothing saved");
    // The same post with the token and no foreign origin goes through.
    let r = app
        .client
        .post(app.url("/admin/enti/nuovo"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn ten_wrong_passwords_lock_the_name_and_are_audited() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let c = new_client();
        let mut statuses = Vec::new();
        for _ in 0..10 {
            statuses.push(
                app.login_as(&c, "consultazione", "password-sbagliata")
                    .await
                    .status,
            );
        }
        // 5 failures lock the name; attempts during the lock are refused unread.
        assert_eq!(
            &statuses[..5],
            &[StatusCode::UNAUTHORIZED; 5],
            "{backend:?}"
        );
        assert!(
            statuses[5..]
                .iter()
                .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        // Even the right password is refused while locked.
        let p = app.login_as(&c, "consultazione", PASSWORD).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            p.body.contains("Troppi tentativi non riusciti"),
            "{}",
            p.body
        );
        let (entries, total) = audit::list(
            &app.db.db,
            &AuditQuery {
                action: Some("login_failed".into()),
                ..Default::default()
            },
            DbPage::first(20),
        )
        .await
        .unwrap();
        assert_eq!(total, 11, "{backend:?}");
        assert!(entries.iter().all(|e| e.summary.contains("consultazione")));
        // An unknown name gets the same answer as a wrong password.
        let p = app.login_as(&c, "nessuno", "password-sbagliata").await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        assert!(p.body.contains("Nome utente o password non corretti."));
    }
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_first() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let p = app
        .submit(
            "/admin/utenti/nuovo",
            "/admin/utenti/nuovo",
            &[
                ("username", "anna.verdi"),
                ("full_name", "Anna Verdi"),
                ("email", ""),
                ("organisation_id", ""),
                ("password", "temporanea-di-prova-1"),
                ("password_confirm", "temporanea-di-prova-1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let c = new_client();
    assert_eq!(
        app.login_as(&c, "anna.verdi", "temporanea-di-prova-1")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let p = app.get_with(&c, "/").await;
    assert_eq!(p.location.as_deref(), Some("/account/password"));
    let form = app.get_with(&c, "/account/password").await;
    assert!(form.body.contains("La tua password è temporanea"));
    let bad = app
        .post_with(
            &c,
            "/account/password",
            &form.csrf(),
            &[
                ("current", "temporanea-di-prova-1"),
                ("new", "corta"),
                ("confirm", "corta"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.field_error("new").as_deref(),
        Some("La password deve avere almeno 12 caratteri.")
    );
    assert!(
        !bad.body.contains("temporanea-di-prova-1"),
        "passwords are never echoed"
    );
    let ok = app
        .post_with(
            &c,
            "/account/password",
            &form.csrf(),
            &[
                ("current", "temporanea-di-prova-1"),
                ("new", "una frase lunga e mia"),
                ("confirm", "una frase lunga e mia"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(app.get_with(&c, "/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let viewer = app.other_client_logged_in("consultazione").await;
        assert_eq!(app.get_with(&viewer, "/admin").await.status, StatusCode::OK);
        app.login("ufficio.piano").await;
        let u = zona_store::users::get_user_by_username(&app.db.db, "consultazione")
            .await
            .unwrap()
            .unwrap();
        let confirm = app.get(&format!("/admin/utenti/{}/stato", u.id)).await;
        assert!(
            confirm
                .body
                .contains("Disattivare l'utente «consultazione»?"),
            "{}",
            confirm.body
        );
        let p = app
            .post_with(
                &app.client,
                &format!("/admin/utenti/{}/stato", u.id),
                &confirm.csrf(),
                &[],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let after = app.get_with(&viewer, "/admin").await;
        assert_eq!(
            after.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: session ended"
        );
        assert_eq!(
            app.login_as(&new_client(), "consultazione", PASSWORD)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn oversized_requests_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("ufficio.piano").await;
    let token = app.get("/admin/enti/nuovo").await.csrf();
    let huge = "x".repeat(3 * 1024 * 1024);
    let r = app
        .client
        .post(app.url("/admin/enti/nuovo"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", huge.as_str()),
            ("kind", "other_public_body"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The refusal is an Italian page, with the security headers.
    assert_eq!(r.headers().get("x-frame-options").unwrap(), "DENY");
    assert!(r.headers().get("content-security-policy").is_some());
    let body = r.text().await.unwrap();
    assert!(
        body.contains("I dati inviati superano il limite di 1 MB"),
        "{body}"
    );
    // A long but acceptable value gets a field message, not an error page.
    let long = "x".repeat(300);
    let p = app
        .post_with(
            &app.client,
            "/admin/enti/nuovo",
            &token,
            &[("name", &long), ("kind", "other_public_body")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        p.field_error("name").as_deref(),
        Some("Al massimo 200 caratteri.")
    );
}

#[tokio::test]
async fn an_internal_error_is_an_italian_page_without_details() {
    let app = spawn_app(Backend::Postgres).await;
    app.login("consultazione").await;
    // Break the database under the running server.
    if let zona_store::Db::Postgres(p) = &app.db.db {
        sqlx::query("ALTER TABLE municipality_populations RENAME TO broken")
            .execute(p)
            .await
            .unwrap();
    }
    let p = app.get("/admin/comuni").await;
    assert_eq!(p.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(p.body.contains("Si è verificato un errore"), "{}", p.body);
    assert!(
        p.body.contains("Zona Distretto Livornese"),
        "with the layout"
    );
    assert!(
        !p.body.contains("municipality_populations") && !p.body.to_lowercase().contains("sql"),
        "no internals"
    );
}

/// What the failed logins and throttle keep, in bytes of text.
async fn login_trace_bytes(db: &zona_store::Db) -> (i64, i64) {
    let audit = "SELECT COALESCE(SUM(LENGTH(summary) + LENGTH(actor)), 0) FROM audit_log \
                 WHERE action = 'login_failed'";
    let throttle = "SELECT COUNT(*) FROM login_throttle";
    match db {
        zona_store::Db::Sqlite(p) => (
            sqlx::query_scalar::<_, i64>(audit)
                .fetch_one(p)
                .await
                .unwrap(),
            sqlx::query_scalar::<_, i64>(throttle)
                .fetch_one(p)
                .await
                .unwrap(),
        ),
        zona_store::Db::Postgres(p) => (
            sqlx::query_scalar::<_, i64>(audit)
                .fetch_one(p)
                .await
                .unwrap(),
            sqlx::query_scalar::<_, i64>(throttle)
                .fetch_one(p)
                .await
                .unwrap(),
        ),
    }
}

/// Twenty failed logins with a name of 1 MB each: each leaves a short,
/// bounded trace in the audit log, nothing in the throttle, and the audit
/// page and its XLSX export still work.
#[tokio::test]
async fn a_huge_login_name_leaves_a_short_trace() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let c = new_client();
        let (before, _) = login_trace_bytes(&app.db.db).await;
        // 1.99 MB is beyond what a form may send: refused unread.
        let p = app
            .login_as(&c, &"a".repeat(1_990_000), "password-sbagliata")
            .await;
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(login_trace_bytes(&app.db.db).await.0, before);
        // Just under the limit: read, refused, and kept short.
        let huge = "a".repeat(1_000_000);
        for _ in 0..20 {
            let p = app.login_as(&c, &huge, "password-sbagliata").await;
            assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{backend:?}");
            assert!(p.body.contains("Nome utente o password non corretti."));
            assert!(p.body.len() < 100_000, "the name is not echoed in full");
        }
        let (after, throttled) = login_trace_bytes(&app.db.db).await;
        let added = after - before;
        assert!(added < 20 * 200, "{backend:?}: {added} bytes added");
        assert_eq!(throttled, 0, "no name that cannot exist is counted");
        app.login("ufficio.piano").await;
        let p = app.get("/admin/registro").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.len() < 1_000_000);
        let x = app
            .client
            .get(app.url("/admin/registro/export?format=xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(x.status(), StatusCode::OK, "{backend:?}");
    }
}

#[tokio::test]
async fn login_returns_only_to_a_path_of_this_site() {
    let app = spawn_app(Backend::Sqlite).await;
    let p = app.get("/login?next=/%09/evil.example").await;
    assert_eq!(p.input_value("next").as_deref(), Some("/"));
    let p = app.get("/login?next=/pianificazione").await;
    assert_eq!(p.input_value("next").as_deref(), Some("/pianificazione"));
    for next in [
        "/\t/evil.example",
        "/\r\nSet-Cookie: a=b",
        "//evil.example",
        "/\\evil",
    ] {
        let c = new_client();
        let token = app.get_with(&c, "/login").await.csrf();
        let p = app
            .post_with(
                &c,
                "/login",
                &token,
                &[
                    ("username", "consultazione"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(p.location.as_deref(), Some("/"), "{next:?}");
    }
}

/// 100 guesses sent at once for one name from one address: 5 are judged,
/// 95 refused unread. The owner, from another address, still gets in.
#[tokio::test]
async fn parallel_guesses_cannot_pass_the_lock_nor_lock_the_owner_out() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let attacker = new_client();
        let token = app.get_with(&attacker, "/login").await.csrf();
        let url = app.url("/login");
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let (c, url, token) = (attacker.clone(), url.clone(), token.clone());
                tokio::spawn(async move {
                    let guess = format!("indovina-{i}-password");
                    c.post(url)
                        .form(&[
                            ("csrf_token", token.as_str()),
                            ("username", "ufficio.piano"),
                            ("password", guess.as_str()),
                            ("next", "/"),
                        ])
                        .send()
                        .await
                        .unwrap()
                        .status()
                })
            })
            .collect();
        let mut judged = 0;
        let mut refused = 0;
        for t in tasks {
            match t.await.unwrap() {
                StatusCode::UNAUTHORIZED => judged += 1,
                StatusCode::TOO_MANY_REQUESTS => refused += 1,
                other => panic!("{other}"),
            }
        }
        assert_eq!((judged, refused), (5, 95), "{backend:?}");
        // The right password from the attacker's address waits for the lock…
        let p = app.login_as(&attacker, "ufficio.piano", PASSWORD).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
        // …but the owner, elsewhere, is not locked out.
        let owner = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
            .build()
            .unwrap();
        let p = app.login_as(&owner, "ufficio.piano", PASSWORD).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend:?}: {}", p.body);
    }
}

#[tokio::test]
async fn the_deep_health_check_reads_the_database_through() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let p = app.get("/healthz?deep=1").await;
        assert_eq!(
            (p.status, p.body.as_str()),
            (StatusCode::OK, "ok"),
            "{backend:?}"
        );
        // A table every page needs goes missing: the plain check still
        // answers, the deep one does not.
        match &app.db.db {
            zona_store::Db::Sqlite(p) => {
                sqlx::query("ALTER TABLE sessions RENAME TO sessions_lost")
                    .execute(p)
                    .await
                    .unwrap();
            }
            zona_store::Db::Postgres(p) => {
                sqlx::query("ALTER TABLE sessions RENAME TO sessions_lost")
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
        let p = app.get("/healthz?deep=1").await;
        assert_eq!(
            (p.status, p.body.as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, "database damaged"),
            "{backend:?}"
        );
    }
}

/// Over HTTPS (`--secure-cookies`) every cookie is Secure, the flash
/// message's too, and browsers are told to keep to HTTPS.
#[tokio::test]
async fn over_https_every_cookie_is_secure_and_hsts_is_sent() {
    let config = zona_app::Config {
        secure_cookies: true,
        ..zona_app::Config::default()
    };
    let app = spawn_app_with(Backend::Sqlite, config).await;
    let r = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(
        r.headers().get("strict-transport-security").unwrap(),
        "max-age=31536000; includeSubDomains"
    );
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(!cookies.is_empty());
    // The anonymous CSRF cookie is Secure: a plain-HTTP client would not send
    // it back, so take the token by hand for the login.
    assert!(cookies.iter().all(|c| c.contains("Secure")), "{cookies:?}");
    let token = regex::Regex::new(r#"name="csrf_token" value="([0-9a-f]{64})""#)
        .unwrap()
        .captures(&r.text().await.unwrap())
        .unwrap()[1]
        .to_string();
    let anon = cookies[0].split(';').next().unwrap().to_string();
    let r = new_client()
        .post(app.url("/login"))
        .header("cookie", anon)
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "consultazione"),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        session.contains("Secure") && session.contains("HttpOnly"),
        "{session}"
    );
    // A flash message (here: after logging out) is Secure as well.
    let session_cookie = session.split(';').next().unwrap().to_string();
    let home = new_client()
        .get(app.url("/"))
        .header("cookie", &session_cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = regex::Regex::new(r#"name="csrf_token" value="([0-9a-f]{64})""#)
        .unwrap()
        .captures(&home)
        .unwrap()[1]
        .to_string();
    let r = new_client()
        .post(app.url("/logout"))
        .header("cookie", &session_cookie)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    let set: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(set.iter().any(|c| c.starts_with("zona_flash=")), "{set:?}");
    assert!(set.iter().all(|c| c.contains("Secure")), "{set:?}");
}

/// A NUL character, which PostgreSQL cannot store, is refused with a page,
/// never a server error: in a public search, a login name, a form.
#[tokio::test]
async fn a_nul_character_is_refused_not_an_error() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        for path in ["/co-progettazione?q=%00", "/co-progettazione?q=a%00b"] {
            let p = app.get(path).await;
            assert_eq!(p.status, StatusCode::BAD_REQUEST, "{backend:?} {path}");
            assert!(p.body.contains("carattere non ammesso"));
        }
        let p = app
            .login_as(&new_client(), "ufficio\0piano", PASSWORD)
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{backend:?}");
        app.login("ufficio.piano").await;
        let p = app
            .submit(
                "/admin/enti/nuovo",
                "/admin/enti/nuovo",
                &[("name", "Ente\0nuovo"), ("kind", "other_public_body")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{backend:?}");
        assert_eq!(app.get("/").await.status, StatusCode::OK);
    }
}
