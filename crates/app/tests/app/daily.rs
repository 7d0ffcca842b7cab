//! Daily work: the deadlines the office sets, each person's queue on their
//! home, the calendar and its private feed, the reminders a week before,
//! and who hears of a notice or a meeting.

use crate::helpers::*;
use reqwest::StatusCode;
use time::macros::date;
use zona_app::usecase::notify::{self, Event};
use zona_app::{Clock, Config};
use zona_testing::BACKENDS;

async fn user_id(db: &zona_store::Db, username: &str) -> i64 {
    zona_store::users::get_user_by_username(db, username)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn titles(db: &zona_store::Db, username: &str) -> Vec<String> {
    let id = user_id(db, username).await;
    zona_store::notifications::list(db, id, &zona_store::Page::all())
        .await
        .unwrap()
        .0
        .into_iter()
        .map(|n| n.title)
        .collect()
}

#[tokio::test]
async fn a_deadline_reaches_queues_calendars_and_feeds_and_is_reminded_once_a_week_before() {
    for backend in BACKENDS {
        let config = Config {
            clock: Clock::fixed(date!(2025 - 06 - 20)),
            ..Config::default()
        };
        let app = spawn_app_with(backend, config).await;
        let db = &app.db.db;
        let office = app.other_client_logged_in("ufficio.piano").await;
        let editor = app.other_client_logged_in("referente.sma").await;
        let viewer = app.other_client_logged_in("consultazione").await;
        let body = app.other_client_logged_in("ets.simbolo").await;
        let poa = "/pianificazione/poa/2025";
        let add = "/pianificazione/poa/2025/scadenze";

        // Bad input is refused with its reason; nothing is added.
        let token = app.get_with(&office, poa).await.csrf();
        let p = app
            .post_with(
                &office,
                add,
                &token,
                &[
                    ("kind", "monitoring"),
                    ("label", ""),
                    ("due_on", "31/02/2025"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = app.get_with(&office, poa).await;
        assert!(
            page.body
                .contains("Scadenza non aggiunta. La data 31/02/2025 non esiste."),
            "{backend:?}"
        );
        assert!(page.body.contains("Nessuna scadenza fissata."));

        // A monitoring round due in ten days.
        let fields = [
            ("kind", "monitoring"),
            ("label", "Monitoraggio al 30 giugno"),
            ("due_on", "30/06/2025"),
        ];
        app.post_with(&office, add, &token, &fields).await;
        let page = app.get_with(&office, poa).await;
        assert!(
            page.body
                .contains("Scadenza «Monitoraggio al 30 giugno» fissata al 30/06/2025."),
            "{backend:?}"
        );
        assert!(flat(&page.body).contains("<strong>30/06/2025</strong>: Monitoraggio al 30 giugno"));
        // The same name twice is refused.
        app.post_with(&office, add, &token, &fields).await;
        let page = app.get_with(&office, poa).await;
        assert!(page
            .body
            .contains("Il piano ha già una scadenza con questo nome."));
        // Only the office sets deadlines.
        let t = app.get_with(&editor, poa).await.csrf();
        let p = app.post_with(&editor, add, &t, &fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);

        // The referente's queue: the deadline, in bold (within a week or so
        // it is urgent: ten days is not), and the sheets still unmonitored.
        let home = flat(&app.get_with(&editor, "/").await.body);
        assert!(
            home.contains(">1 scadenza nei prossimi 60 giorni<"),
            "{home}"
        );
        assert!(
            home.contains(
                "Monitoraggio al 30 giugno (POA 2025)</a> — Scadenza: 30/06/2025 (tra 10 giorni)"
            ),
            "{home}"
        );
        assert!(home.contains("senza monitoraggio<"), "{home}");
        // The calendar page, by month.
        let cal = flat(&app.get_with(&editor, "/scadenze").await.body);
        assert!(cal.contains(">giugno 2025</h2>"), "{cal}");
        assert!(cal.contains("Monitoraggio al 30 giugno (POA 2025)"));
        // A Third Sector body does not see the plan's deadlines.
        let cal = app.get_with(&body, "/scadenze").await.body;
        assert!(!cal.contains("Monitoraggio al 30 giugno"));
        // Consultazione sees it among the recent changes.
        let home = flat(&app.get_with(&viewer, "/").await.body);
        assert!(home.contains(">Modifiche recenti<"), "{home}");
        assert!(
            home.contains("Scadenza «Monitoraggio al 30 giugno» al 30/06/2025"),
            "{home}"
        );

        // The reminder, a week before: to the office and the referenti, once.
        assert_eq!(
            notify::remind_deadlines(db, date!(2025 - 06 - 22))
                .await
                .unwrap(),
            0
        );
        let n = notify::remind_deadlines(db, date!(2025 - 06 - 23))
            .await
            .unwrap();
        let office_and_editors =
            zona_store::notifications::holders(db, 1, "planning_office", None, None)
                .await
                .unwrap()
                .len()
                + zona_store::notifications::holders(db, 1, "unit_editor", None, None)
                    .await
                    .unwrap()
                    .len();
        assert_eq!(n as usize, office_and_editors, "{backend:?}");
        assert_eq!(
            notify::remind_deadlines(db, date!(2025 - 06 - 24))
                .await
                .unwrap(),
            0
        );
        assert!(titles(db, "referente.sma")
            .await
            .contains(&"Scadenza il 30/06/2025: Monitoraggio al 30 giugno (POA 2025)".to_string()));
        assert!(titles(db, "ets.simbolo").await.is_empty());

        // The private feed: for a calendar program, without signing in.
        let t = app.get_with(&editor, "/account").await.csrf();
        let done = app.post_with(&editor, "/account/calendario", &t, &[]).await;
        assert_eq!(done.location.as_deref(), Some("/account#calendario"));
        let shown = app.get_with(&editor, "/account").await;
        assert!(
            shown.body.contains("non sarà mostrato di nuovo"),
            "{}",
            shown.body
        );
        let i = shown.body.find("/calendario/").expect("the address");
        let path = &shown.body[i..i + shown.body[i..].find(' ').unwrap()];
        // Shown once: the next page no longer has it, and a plain visit of
        // the form's address goes back to the profile.
        assert!(!app.get_with(&editor, "/account").await.body.contains(path));
        assert_eq!(
            app.get_with(&editor, "/account/calendario")
                .await
                .location
                .as_deref(),
            Some("/account#calendario")
        );
        let anonymous = new_client();
        let r = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
        let ics = r.text().await.unwrap().replace("\r\n ", "");
        assert!(ics.contains("DTSTART;VALUE=DATE:20250630"), "{ics}");
        assert!(ics.contains("DTEND;VALUE=DATE:20250701"), "{ics}");
        assert!(
            ics.contains("SUMMARY:Scadenza: Monitoraggio al 30 giugno (POA 2025)"),
            "{ics}"
        );
        // A new address replaces the old one; an unknown one is not found.
        app.post_with(&editor, "/account/calendario", &t, &[]).await;
        assert_eq!(
            anonymous.get(app.url(path)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            anonymous
                .get(app.url("/calendario/nonesiste"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );

        // Removing it asks first.
        let page = app.get_with(&office, poa).await;
        let i = page.body.find("/scadenze/").unwrap();
        let id: String = page.body[i + "/scadenze/".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let confirm = format!("{poa}/scadenze/{id}/elimina");
        let c = app.get_with(&office, &confirm).await;
        assert!(c
            .body
            .contains("La scadenza «Monitoraggio al 30 giugno» del 30/06/2025 sarà eliminata"));
        assert_eq!(
            app.get_with(&editor, &confirm).await.status,
            StatusCode::FORBIDDEN
        );
        app.post_with(&office, &confirm, &c.csrf(), &[]).await;
        assert!(app
            .get_with(&office, poa)
            .await
            .body
            .contains("Nessuna scadenza fissata."));
    }
}

#[tokio::test]
async fn a_notice_reaches_every_body_and_a_meeting_only_the_bodies_admitted_to_its_path() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let db = &app.db.db;
        let zone = zona_store::territory::default_zone(db)
            .await
            .unwrap()
            .unwrap()
            .id;
        let path = zona_store::participation::procedures(db, zone)
            .await
            .unwrap()[0]
            .clone();
        notify::tell(db, Event::NoticePublished(path.id)).await;
        let to_body = titles(db, "ets.simbolo").await;
        assert_eq!(
            to_body,
            vec![format!(
                "Avviso di co-programmazione «Piano Integrato di Salute 2026-2028»: domande entro il {}",
                zona_core::format::date(path.notice().unwrap().1)
            )],
            "{backend:?}"
        );
        assert!(titles(db, "referente.sma").await.is_empty());
        // Told twice, heard once.
        notify::tell(db, Event::NoticePublished(path.id)).await;
        assert_eq!(titles(db, "ets.simbolo").await.len(), 1);

        // A public meeting of the path: its admitted body hears of it; a
        // meeting of no path (a stakeholder group's) is not the body's.
        let meetings = zona_store::participation::meetings(db, zone, None, false)
            .await
            .unwrap();
        let of_path = meetings
            .iter()
            .find(|m| m.procedure_id == Some(path.id) && m.public)
            .unwrap();
        notify::tell(db, Event::MeetingScheduled(of_path.id)).await;
        let other = meetings.iter().find(|m| m.procedure_id.is_none()).unwrap();
        notify::tell(db, Event::MeetingScheduled(other.id)).await;
        let to_body = titles(db, "ets.simbolo").await;
        assert_eq!(to_body.len(), 2, "{to_body:?}");
        assert!(to_body[0].starts_with(&format!(
            "Incontro del {}: ",
            zona_core::format::date(of_path.held_on)
        )));

        // The body's home: its application, decided, and the path's meetings.
        let body = app.other_client_logged_in("ets.simbolo").await;
        let home = flat(&app.get_with(&body, "/").await.body);
        assert!(home.contains(">1 domanda di partecipazione<"), "{home}");
        assert!(
            home.contains("Piano Integrato di Salute 2026-2028</a> — Ammessa"),
            "{home}"
        );
        assert!(
            home.contains("con il tuo ente<")
                || home.contains("Nessuna co-progettazione pubblicata con il tuo ente"),
            "{home}"
        );
        assert_eq!(home.matches("/notifiche").count(), 1);
        // Its own page: the registry data, the application, beside the contacts.
        let own = flat(
            &app.get_with(&body, "/ente")
                .await
                .location
                .map_or(String::new(), |l| l),
        );
        let page = flat(&app.get_with(&body, &own).await.body);
        assert!(page.contains(">Dati del registro<"), "{page}");
        assert!(
            page.contains("<td>Forma giuridica</td><td>Cooperativa sociale</td>"),
            "{page}"
        );
        assert!(
            page.contains("<td>Piano Integrato di Salute 2026-2028</td><td>Ammessa</td>"),
            "{page}"
        );
        assert!(page.contains("Salva i recapiti"));
    }
}

#[tokio::test]
async fn search_finds_what_each_person_may_read_and_links_to_pages_they_may_open() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let office = app.other_client_logged_in("ufficio.piano").await;
        let editor = app.other_client_logged_in("referente.sma").await;
        let body = app.other_client_logged_in("ets.simbolo").await;

        // The office: the facility, with its internal page.
        let p = app.get_with(&office, "/cerca?q=padiglione%2024").await;
        assert_eq!(p.status, StatusCode::OK);
        let page = flat(&p.body);
        assert!(
            page.contains("1 risultato per «padiglione 24».")
                || page.contains("risultati per «padiglione 24»."),
            "{page}"
        );
        assert!(
            page.contains(">Strutture <span class=\"badge bg-secondary\">"),
            "{page}"
        );
        let i = page
            .find("href=\"/servizi/strutture/")
            .expect("internal link");
        let href = &page[i + 6..i + 6 + page[i + 6..].find('"').unwrap()];
        assert!(app
            .get_with(&office, href)
            .await
            .body
            .contains("Casa della Comunità Padiglione 24"));

        // Sheets are internal; the registry of bodies is the office's and
        // consultazione's, not a referente's.
        let p = flat(&app.get_with(&office, "/cerca?q=simbolo").await.body);
        assert!(p.contains(">Enti <span"), "{p}");
        assert!(p.contains("Cooperativa Sociale Il Simbolo"));
        let p = flat(&app.get_with(&editor, "/cerca?q=simbolo").await.body);
        assert!(!p.contains(">Enti <span"), "{p}");
        let p = flat(&app.get_with(&editor, "/cerca?q=dimostrativa").await.body);
        assert!(p.contains(">Schede attività <span"), "{p}");
        let p = flat(&app.get_with(&body, "/cerca?q=dimostrativa").await.body);
        assert!(!p.contains(">Schede attività <span"), "{p}");
        // A body gets public pages only, and every link answers.
        let p = app.get_with(&body, "/cerca?q=casa").await.body;
        assert!(!p.contains("href=\"/servizi/"), "{p}");
        assert!(
            !p.contains("href=\"/partecipazione/co-progettazione/"),
            "{p}"
        );
        let links: Vec<String> = p
            .split("<li class=\"list-group-item\"><a href=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].replace("&amp;", "&"))
            .collect();
        assert!(!links.is_empty());
        for l in links {
            assert_eq!(app.get_with(&body, &l).await.status, StatusCode::OK, "{l}");
        }

        // Too short, too long: said on the field; nothing matched: said.
        let p = app.get_with(&office, "/cerca?q=%20a%20").await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("Scrivere almeno 2 caratteri."));
        let long = "x".repeat(101);
        let p = app.get_with(&office, &format!("/cerca?q={long}")).await;
        assert!(p.body.contains("Al massimo 100 caratteri."));
        let p = app.get_with(&office, "/cerca?q=%25%25zzqq").await;
        assert!(
            p.body.contains("Nessun risultato per «%%zzqq»."),
            "{}",
            p.body
        );
        // Only for people signed in, who come back to their search.
        let p = app.get("/cerca?q=casa").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(
            p.location.as_deref(),
            Some("/login?next=%2Fcerca%3Fq%3Dcasa")
        );
    }
}
