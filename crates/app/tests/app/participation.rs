//! Participation and co-programming through HTTP: the legal rules of the
//! procedure, a body's representative limited to its own records, the PIS
//! 2026-2028 path and its final report, meetings with attendance and
//! attachments, and what the public pages show.

use crate::helpers::*;
use reqwest::{Client, StatusCode};
use time::macros::date;
use time::{Date, Duration};
use zona_app::{Clock, Config};
use zona_store::Backend;
use zona_testing::BACKENDS;

/// The tests' today: Tuesday 1 December 2026. Twenty days later is Monday
/// 21 December; 25 December is a Friday, 26 a Saturday, 27 a Sunday.
const TODAY: Date = date!(2026 - 12 - 01);

fn day(offset: i64) -> String {
    zona_core::format::date(TODAY + Duration::days(offset))
}

/// The demo on a clock set to `TODAY`, which a test may move.
async fn spawn_on_clock(backend: Backend) -> (TestApp, Clock) {
    let clock = Clock::fixed(TODAY);
    let app = spawn_app_with(
        backend,
        Config {
            clock: clock.clone(),
            ..Config::default()
        },
    )
    .await;
    (app, clock)
}

/// Creates a procedure as the office and returns its path.
async fn new_procedure(app: &TestApp, subject: &str) -> String {
    let p = app
        .submit(
            "/partecipazione/co-programmazione",
            "/partecipazione/co-programmazione",
            &[
                ("subject", subject),
                ("health_plan_id", ""),
                ("tables", "Disabilità\nInfanzia e famiglia"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    p.location.unwrap()
}

async fn record_act(app: &TestApp, path: &str) {
    let version = app.get(path).await.body;
    let version = capture(r#"name="version" value="(\d+)""#, &version);
    let p = app
        .submit(
            path,
            &format!("{path}/atto"),
            &[
                ("act_issuer", "Conferenza zonale dei Sindaci integrata"),
                ("act_number", "7"),
                ("act_date", &day(-40)),
                ("strategic_lines", "Linee strategiche di prova."),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
}

fn version_in(body: &str) -> String {
    capture(r#"name="version" value="(\d+)""#, body)
}

async fn publish(app: &TestApp, path: &str, opens: &str, closes: &str) -> Page {
    amend(app, path, opens, closes, "").await
}

/// Saves the notice form with a reason (asked once the notice is published).
async fn amend(app: &TestApp, path: &str, opens: &str, closes: &str, reason: &str) -> Page {
    let version = version_in(&app.get(path).await.body);
    app.submit(
        path,
        &format!("{path}/avviso"),
        &[
            ("purpose", "Individuare i bisogni."),
            ("subject", "Il piano di prova."),
            ("requirements", "Enti del Terzo Settore della zona."),
            ("terms", "Domande entro la scadenza."),
            ("participation", "Laboratori sui tavoli."),
            ("opens", opens),
            ("closes", closes),
            ("external_ref", ""),
            ("external_on", ""),
            ("reason", reason),
            ("version", &version),
        ],
    )
    .await
}

#[tokio::test]
async fn a_notice_needs_the_act_and_twenty_days() {
    for backend in BACKENDS {
        let (app, _) = spawn_on_clock(backend).await;
        app.login("ufficio.piano").await;
        let path = new_procedure(&app, "Piano di prova 2027").await;
        // Nothing is published before the initiation act.
        let p = publish(&app, &path, &day(0), &day(20)).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(p.field_error("opens").unwrap().contains("atto di avvio"));
        record_act(&app, &path).await;
        // 19 days: refused with the legal reason.
        let p = publish(&app, &path, &day(0), &day(19)).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        let e = p.field_error("closes").unwrap();
        assert!(
            e.contains("19 giorni")
                && e.contains("non inferiore a 20 giorni")
                && e.contains("LR Toscana 65/2020"),
            "{e}"
        );
        assert!(e.contains(&day(20)), "{e}");
        // 20 days: published, and on the public pages.
        let p = publish(&app, &path, &day(0), &day(20)).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let detail = app.get(&path).await;
        assert!(detail.body.contains("Avviso aperto: domande in corso"));
        assert!(detail.body.contains("(20 giorni)"));
        let anon = new_client();
        let public = flat(&app.get_with(&anon, "/partecipa").await.body);
        assert!(public.contains("Piano di prova 2027"), "{public}");
        assert!(public.contains(&format!("domande entro il <strong>{}</strong>", day(20))));
        let id = id_from(&path);
        let notice = app
            .get_with(&anon, &format!("/partecipa/avvisi/{id}"))
            .await;
        assert!(notice.body.contains("Avviso aperto."));
        assert!(notice.body.contains("Laboratori sui tavoli."));
    }
}

/// Art. 10 c. 1 lett. c LR 65/2020 over HTTP: the twenty days run from the
/// real publication, a published deadline is only extended by an amendment
/// with a reason, and a deadline on Christmas runs to the next working day.
#[tokio::test]
async fn a_notice_runs_from_its_publication_and_is_only_extended() {
    for backend in BACKENDS {
        let (app, clock) = spawn_on_clock(backend).await;
        app.login("ufficio.piano").await;
        let path = new_procedure(&app, "Avviso di Natale").await;
        record_act(&app, &path).await;
        // Backdated: refused, with the article, on both dates tried.
        for (opens, closes) in [("20/10/2026", "09/11/2026"), ("15/11/2026", "05/12/2026")] {
            let p = publish(&app, &path, opens, closes).await;
            assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
            assert_eq!(
                p.field_error("opens").unwrap(),
                format!("L'avviso non può aprire il {opens}: è pubblico solo dal 01/12/2026, e i 20 giorni corrono dalla pubblicazione (art. 10, comma 1, lettera c, LR Toscana 65/2020). Indica un'apertura dal 01/12/2026 in poi, o registra la pubblicazione all'albo pretorio con il suo numero e la sua data.")
            );
        }
        assert!(app
            .get(&path)
            .await
            .body
            .contains("L'avviso non è ancora pubblicato."));
        // Published on 01/12 until 21/12.
        let p = publish(&app, &path, "01/12/2026", "21/12/2026").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        // Shortened: refused with the article; nothing changes.
        let p = amend(
            &app,
            &path,
            "20/11/2026",
            "10/12/2026",
            "Errore nella data indicata",
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("closes").unwrap(),
            "L'avviso è pubblicato con scadenza 21/12/2026: la scadenza si può solo prorogare, non anticipare al 10/12/2026 (art. 10, comma 1, lettera c, LR Toscana 65/2020)."
        );
        assert!(p
            .field_error("opens")
            .unwrap()
            .contains("non può aprire il 20/11/2026"));
        // An extension without a reason: refused.
        let p = amend(&app, &path, "01/12/2026", "25/12/2026", "").await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p
            .field_error("reason")
            .unwrap()
            .starts_with("Indica il motivo della rettifica (almeno 20 caratteri)"));
        // Extended to Christmas with a reason: an amendment, recorded.
        clock.set(date!(2026 - 12 - 10));
        let p = amend(
            &app,
            &path,
            "01/12/2026",
            "25/12/2026",
            "Proroga chiesta dal tavolo Disabilità",
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let detail = flat(&app.get(&path).await.body);
        let extension = "La scadenza del 25/12/2026 cade in un giorno festivo (Natale): per l'art. 2963, comma 3, del codice civile il termine è prorogato di diritto a lunedì 28/12/2026.";
        assert!(detail.contains(extension), "{detail}");
        assert!(
            detail.contains("Rettifica dell'avviso registrata (scadenza)"),
            "{detail}"
        );
        assert!(
            detail.contains("10/12/2026: scadenza (scadenza dal 21/12/2026 al 25/12/2026). Motivo: Proroga chiesta dal tavolo Disabilità"),
            "{detail}"
        );
        assert!(
            detail.contains("Pubblicato in zona dal</dt><dd class=\"col-sm-9\">01/12/2026"),
            "{detail}"
        );
        let id = id_from(&path);
        let anon = new_client();
        let public = flat(
            &app.get_with(&anon, &format!("/partecipa/avvisi/{id}"))
                .await
                .body,
        );
        assert!(public.contains(extension), "{public}");
        assert!(
            public.contains("Motivo: Proroga chiesta dal tavolo Disabilità"),
            "{public}"
        );
        assert!(
            public.contains("entro il <strong>lunedì 28/12/2026</strong>"),
            "{public}"
        );
        let audit = app.get("/admin/registro/export?format=csv").await.body;
        assert!(
            audit.contains("rettifica dell'avviso pubblico (scadenza), motivo: Proroga chiesta dal tavolo Disabilità"),
            "{audit}"
        );
        // On Monday 28/12 an application is accepted; on the 29th it is late.
        let ets = app.other_client_logged_in("ets.simbolo").await;
        let simbolo = crate::codesign::org_id(&app, "Cooperativa Sociale Il Simbolo")
            .await
            .to_string();
        let form = [
            ("applicant_kind", "third_sector"),
            ("contact_name", "Anna Neri"),
            ("contact_email", "anna@example.org"),
            ("tables", "Disabilità"),
            ("organisation_id", simbolo.as_str()),
        ];
        clock.set(date!(2026 - 12 - 29));
        let p = apply(&app, &ets, &path, &form).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = flat(&app.get_with(&ets, &path).await.body);
        assert!(
            page.contains("Il termine per partecipare è scaduto il 28/12/2026"),
            "{page}"
        );
        assert!(page.contains("Il tuo ente non ha presentato domanda."));
        clock.set(date!(2026 - 12 - 28));
        let p = apply(&app, &ets, &path, &form).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = flat(&app.get_with(&ets, &path).await.body);
        assert!(page.contains("28/12/2026"), "{page}");
        assert!(
            !page.contains("Il tuo ente non ha presentato domanda."),
            "{page}"
        );
        // After the term nothing changes.
        clock.set(date!(2026 - 12 - 29));
        let p = amend(
            &app,
            &path,
            "01/12/2026",
            "15/01/2027",
            "Proroga chiesta dal tavolo Disabilità",
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("reason").unwrap(),
            "Il termine dell'avviso è scaduto il 28/12/2026: l'avviso non si può più modificare. Per raccogliere altre domande serve un nuovo avviso."
        );
        // Nor is a form offered that could only fail.
        assert!(!app.get(&path).await.body.contains("Rettifica l'avviso"));
    }
}

/// A patron saint's day of the zone's seat moves a deadline like a national
/// holiday; the same day elsewhere does not.
#[tokio::test]
async fn the_seat_patron_day_moves_a_deadline() {
    for backend in BACKENDS {
        let (app, clock) = spawn_on_clock(backend).await;
        app.login("ufficio.piano").await;
        // The demo's seat is Livorno, patron Santa Giulia on 22/05: a Saturday
        // in 2027, a working day but for the patron, then a Sunday.
        clock.set(date!(2027 - 04 - 20));
        let path = new_procedure(&app, "Avviso di maggio").await;
        record_act(&app, &path).await;
        let p = publish(&app, &path, "20/04/2027", "21/05/2027").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        assert!(!flat(&app.get(&path).await.body).contains("prorogato di diritto"));
        let p = amend(
            &app,
            &path,
            "20/04/2027",
            "22/05/2027",
            "Un giorno in più per i tavoli",
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let detail = flat(&app.get(&path).await.body);
        let extension = "La scadenza del 22/05/2027 cade in un giorno festivo (festa del santo patrono): per l'art. 2963, comma 3, del codice civile il termine è prorogato di diritto a lunedì 24/05/2027.";
        assert!(detail.contains(extension), "{detail}");
        // The patron day cleared afterwards does not shorten the published term.
        let livorno = crate::soc26::municipality_id(&app, "Livorno").await;
        let m = format!("/admin/comuni/{livorno}");
        let version = version_in(&app.get(&m).await.body);
        let p = app
            .submit(
                &m,
                &m,
                &[
                    ("istat_code", "049009"),
                    ("name", "Livorno"),
                    ("inner_area", "A"),
                    ("patron_day", ""),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let version = version_in(&app.get(&path).await.body);
        let p = app
            .submit(
                &path,
                &format!("{path}/avviso"),
                &[
                    ("purpose", "Individuare i bisogni."),
                    ("subject", "Il piano di prova."),
                    (
                        "requirements",
                        "Enti del Terzo Settore della zona e delle zone vicine.",
                    ),
                    ("terms", "Domande entro la scadenza."),
                    ("participation", "Laboratori sui tavoli."),
                    ("opens", "20/04/2027"),
                    ("closes", "22/05/2027"),
                    ("reason", "Requisiti estesi alle zone vicine"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let detail = flat(&app.get(&path).await.body);
        assert!(detail.contains(extension), "{detail}");
        assert!(
            detail.contains("requisiti. Motivo: Requisiti estesi alle zone vicine"),
            "{detail}"
        );
    }
}

async fn apply(app: &TestApp, client: &Client, path: &str, fields: &[(&str, &str)]) -> Page {
    let token = app.get_with(client, path).await.csrf();
    app.post_with(client, &format!("{path}/domande"), &token, fields)
        .await
}

#[tokio::test]
async fn a_representative_sees_and_edits_only_its_own_body() {
    for backend in BACKENDS {
        let (app, clock) = spawn_on_clock(backend).await;
        app.login("ufficio.piano").await;
        let path = new_procedure(&app, "Percorso aperto").await;
        record_act(&app, &path).await;
        let p = publish(&app, &path, &day(0), &day(20)).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let simbolo_id = crate::codesign::org_id(&app, "Cooperativa Sociale Il Simbolo")
            .await
            .to_string();
        let arci_id = crate::codesign::org_id(&app, "Arci Livorno")
            .await
            .to_string();
        let ets = app.other_client_logged_in("ets.simbolo").await;
        let base = [
            ("applicant_kind", "third_sector"),
            ("contact_name", "Anna Neri"),
            ("contact_email", "anna@example.org"),
            ("tables", "Disabilità"),
        ];
        let with = |org: &str| {
            let mut v: Vec<(&str, String)> =
                base.iter().map(|(k, v)| (*k, v.to_string())).collect();
            v.push(("organisation_id", org.to_string()));
            v
        };
        let refs = |v: &Vec<(&'static str, String)>| {
            v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
        };
        // For another body: refused.
        let v = refs(&with(&arci_id));
        let f: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let p = apply(&app, &ets, &path, &f).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(p
            .field_error("organisation_id")
            .unwrap()
            .contains("solo per il tuo ente"));
        // For its own body: accepted.
        let v = refs(&with(&simbolo_id));
        let f: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let p = apply(&app, &ets, &path, &f).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        // The office enters Arci's application, and a public body's with its justification.
        let v = refs(&with(&arci_id));
        let f: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            apply(&app, &app.client, &path, &f).await.status,
            StatusCode::SEE_OTHER
        );
        let prefettura = crate::codesign::org_id(&app, "Prefettura di Livorno")
            .await
            .to_string();
        let mut v = refs(&with(&prefettura));
        v[0].1 = "other".into();
        let f: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let p = apply(&app, &app.client, &path, &f).await;
        assert!(p
            .field_error("justification")
            .unwrap()
            .contains("direttamente connesso ed essenziale"));

        // The representative sees its own application only.
        let seen = app.get_with(&ets, &path).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains("Cooperativa Sociale Il Simbolo</a>"));
        assert!(!seen.body.contains("Arci Livorno</a>"));
        let office_view = app.get(&path).await;
        let arci_app = capture(r#"/domande/(\d+)">Arci Livorno<"#, &office_view.body);
        let denied = app
            .get_with(&ets, &format!("{path}/domande/{arci_app}"))
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);

        // Contributions: its own body's, on a table; not the facilitator's.
        let token = seen.csrf();
        let p = app
            .post_with(
                &ets,
                &format!("{path}/contributi"),
                &token,
                &[
                    ("table", "Disabilità"),
                    ("kind", "need"),
                    ("content", "Trasporti per i centri diurni."),
                    ("contributor_id", &simbolo_id),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let p = app
            .post_with(
                &ets,
                &format!("{path}/contributi"),
                &token,
                &[
                    ("table", "Disabilità"),
                    ("kind", "need"),
                    ("content", "A nome di altri."),
                    ("contributor_id", &arci_id),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        let p = app
            .submit(
                &path,
                &format!("{path}/contributi"),
                &[
                    ("table", "Infanzia e famiglia"),
                    ("kind", "priority"),
                    ("content", "Nota del facilitatore."),
                    ("contributor_id", ""),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let seen = app.get_with(&ets, &path).await;
        assert!(seen.body.contains("Trasporti per i centri diurni."));
        assert!(!seen.body.contains("Nota del facilitatore."));
        let office_view = app.get(&path).await;
        let facilitator = capture(
            r#"Nota del facilitatore\.[^<]*<span[^>]*>[^<]*</span> <a href="([^"]+)""#,
            &office_view.body,
        );
        assert_eq!(
            app.get_with(&ets, &facilitator).await.status,
            StatusCode::FORBIDDEN
        );
        let token = app.get_with(&ets, &path).await.csrf();
        let p = app
            .post_with(
                &ets,
                &facilitator,
                &token,
                &[
                    ("table", "Disabilità"),
                    ("kind", "need"),
                    ("content", "x"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);

        // A notice published 30 days ago that closed yesterday refuses the application.
        let late = new_procedure(&app, "Percorso chiuso").await;
        record_act(&app, &late).await;
        clock.set(TODAY - Duration::days(30));
        assert_eq!(
            publish(&app, &late, &day(-30), &day(-1)).await.status,
            StatusCode::SEE_OTHER
        );
        clock.set(TODAY);
        let v = refs(&with(&simbolo_id));
        let f: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let p = apply(&app, &ets, &late, &f).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let after = app.get_with(&ets, &late).await;
        assert!(
            after.body.contains(&format!(
                "Il termine per partecipare è scaduto il {}",
                day(-1)
            )),
            "{}",
            after.body
        );
        assert!(after
            .body
            .contains("Il tuo ente non ha presentato domanda."));
    }
}

#[tokio::test]
async fn the_pis_path_shows_its_meetings_tables_and_report() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let page = flat(&app.get("/partecipazione/co-programmazione/1").await.body);
        for needle in [
            "Co-programmazione: Piano Integrato di Salute 2026-2028",
            "Percorso in corso",
            "<strong>31/10/2025</strong> – Atto di avvio: Conferenza zonale dei Sindaci integrata",
            "<strong>14/11/2025</strong> – Pubblicazione dell'avviso",
            "<strong>15/12/2025</strong> – Chiusura dell'avviso pubblico",
            "13/01/2026</strong> – <a href=\"/partecipazione/incontri/",
            "\">IBi – Laboratorio di definizione dei bisogni di salute (Cisternino di Città)</a>",
            "27/01/2026",
            "10/02/2026",
            "24/02/2026",
            "<h3 class=\"h5 mt-3\">Salute mentale e marginalità</h3>",
            "<h3 class=\"h5 mt-3\">Disabilità</h3>",
            "<h3 class=\"h5 mt-3\">Infanzia e famiglia</h3>",
            "<h3 class=\"h5 mt-3\">Riorganizzazione sanità territoriale e integrazione con la rete ospedaliera</h3>",
        ] {
            assert!(page.contains(needle), "{backend:?}: {needle} missing");
        }
        // Months without a step are not listed.
        assert!(!page.contains("Nessuna tappa."), "{page}");
        // The draft report from the path.
        let r = app
            .client
            .get(app.url("/partecipazione/co-programmazione/1/relazione.pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let text = pdf_pages(&r.bytes().await.unwrap()).join(" ");
        for needle in [
            "Relazione conclusiva sul percorso di co-programmazione",
            "Stato: Bozza",
            "Cooperativa Sociale Il Simbolo",
            "ANFFAS Onlus Livorno",
            "Contributi per tavolo di lavoro",
            "Disabilità",
            "Disabilità Tipo Contributo Da Bisogno Mettere a sistema i materiali della co-programmazione Cesvot",
            "Nessun contributo.",
            "Pagina 1 di",
        ] {
            assert!(
                text.contains(needle),
                "{needle} missing from the report: {text}"
            );
        }
        // The office writes the outcomes, links a health objective, approves.
        let pis = zona_store::pis::health_plans(&app.db.db, 1)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.period_start == 2026)
            .unwrap();
        let objective = zona_store::planning::add_health_objective(
            &app.db.db,
            &zona_store::Actor::system("test"),
            pis.zone_id,
            pis.id,
            1,
            "Integrazione sociosanitaria per la presa in carico globale",
        )
        .await
        .unwrap();
        let detail = app.get("/partecipazione/co-programmazione/1").await;
        let version = version_in(&detail.body);
        let field = format!("obiettivo_{objective}");
        let p = app
            .post_with(
                &app.client,
                "/partecipazione/co-programmazione/1/relazione",
                &detail.csrf(),
                &[
                    ("report_text", "Gli esiti: tre priorità condivise."),
                    ("version", &version),
                    (&field, "si"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        // Not public while a draft.
        let anon = new_client();
        assert_eq!(
            app.get_with(&anon, "/partecipa/avvisi/1/relazione.pdf")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let detail = app.get("/partecipazione/co-programmazione/1").await;
        let version = version_in(&detail.body);
        // The demo's workshops have neither attendance nor minutes: said
        // before approving, and approved only on a deliberate choice.
        let page = flat(&detail.body);
        assert!(
            page.contains("4 incontri senza presenze registrate: 13/01/2026, 27/01/2026, 10/02/2026, 24/02/2026."),
            "{page}"
        );
        assert!(page.contains("4 incontri senza verbale"), "{page}");
        let approve = "/partecipazione/co-programmazione/1/relazione/approva";
        let p = app
            .post_with(
                &app.client,
                approve,
                &detail.csrf(),
                &[("version", &version)],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let detail = app.get("/partecipazione/co-programmazione/1").await;
        let page = flat(&detail.body);
        assert!(
            page.contains("Relazione non approvata: riporterebbe un percorso incompleto."),
            "{page}"
        );
        assert!(page.contains("Approva la relazione"), "still a draft");
        let p = app
            .post_with(
                &app.client,
                approve,
                &detail.csrf(),
                &[("version", &version), ("despite_gaps", "si")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let r = anon
            .get(app.url("/partecipa/avvisi/1/relazione.pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let text = pdf_pages(&r.bytes().await.unwrap()).join(" ");
        assert!(
            text.contains("Stato: Approvata il")
                && text.contains("Gli esiti: tre priorità condivise.")
        );
        assert!(text.contains("Integrazione sociosanitaria per la presa in carico globale"));
        // Concluded: contributions are closed.
        let detail = app.get("/partecipazione/co-programmazione/1").await;
        assert!(detail.body.contains("Concluso (relazione approvata)"));
        let p = app
            .post_with(
                &app.client,
                "/partecipazione/co-programmazione/1/contributi",
                &detail.csrf(),
                &[
                    ("table", "Disabilità"),
                    ("kind", "need"),
                    ("content", "Tardi."),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert!(app
            .get("/partecipazione/co-programmazione/1")
            .await
            .body
            .contains("Il procedimento è concluso"));
    }
}

#[tokio::test]
async fn meetings_keep_attendance_minutes_and_checked_attachments() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let list = flat(&app.get("/partecipazione/incontri").await.body);
        for (date, group) in [
            ("20/02/2024", "Comitato di partecipazione zonale"),
            ("21/02/2024", "Organizzazioni sindacali"),
            ("22/02/2024", "Consulta del Terzo settore"),
        ] {
            assert!(
                list.contains(&format!(
                    "<td>{date}</td><td>Incontro di partecipazione</td>"
                )) && list.contains(group),
                "{backend:?}: {date} {group}"
            );
        }
        let first = app.get("/partecipazione/incontri/1").await;
        assert!(first
            .body
            .contains("c/o Ospedale di Livorno – Sala Ceccarini"));
        assert!(first
            .body
            .contains("5 obiettivi di salute, 21 programmi, 130 attività"));

        // Validation: a place or a link, a real time.
        let form = "/partecipazione/incontri/nuovo";
        let p = app
            .submit(
                form,
                form,
                &[
                    ("kind", "participation"),
                    ("subject", "Incontro di prova"),
                    ("held_on", "05/03/2026"),
                    ("starts_at", "25:00"),
                    ("public", "si"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.field_error("place").unwrap().contains("luogo"));
        assert!(p.field_error("starts_at").unwrap().contains("hh:mm"));
        let p = app
            .submit(
                form,
                form,
                &[
                    ("kind", "participation"),
                    ("subject", "Incontro di prova"),
                    ("held_on", "05/03/2026"),
                    ("starts_at", "17:30"),
                    ("online_url", "https://meet.example.org/zona"),
                    ("public", "no"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        // The same subject on the same day is the same meeting: refused on
        // the subject, whatever its case, with what was typed kept.
        let p = app
            .submit(
                form,
                form,
                &[
                    ("kind", "participation"),
                    ("subject", "INCONTRO DI PROVA"),
                    ("held_on", "05/03/2026"),
                    ("online_url", "https://meet.example.org/zona"),
                    ("public", "no"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.field_error("subject").unwrap().contains("Esiste già"));
        assert!(p.body.contains("INCONTRO DI PROVA"));

        // Attendance by body; an unknown body is refused with its name.
        let m = "/partecipazione/incontri/1";
        let p = app
            .submit(
                m,
                &format!("{m}/presenze"),
                &[("attendance_0", "Arci Livorno\nEnte Fantasma")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p
            .field_error("attendance_0")
            .unwrap()
            .contains("«Ente Fantasma» non è nel registro"));
        let p = app
            .submit(
                m,
                &format!("{m}/presenze"),
                &[(
                    "attendance_0",
                    "Arci Livorno\nfondazione caritas livorno\n[Mario Bianchi]",
                )],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = app.get(m).await;
        assert!(
            page.body
                .contains("<li>Fondazione Caritas Livorno ETS</li>")
                && page.body.contains("<li>Mario Bianchi</li>")
        );

        // Attachments: checked by type and content; stored and served back unchanged.
        let upload = |name: &'static str, bytes: Vec<u8>| {
            let app = &app;
            async move {
                let token = app.get(m).await.csrf();
                let form = reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name(name),
                );
                let r = app
                    .client
                    .post(app.url(&format!("{m}/allegati?csrf_token={token}")))
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.text().await.unwrap())
            }
        };
        let (status, body) = upload("virus.exe", b"MZ\x90\x00".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("non è di un tipo ammesso"));
        let (status, body) = upload("slide.pdf", b"PK\x03\x04 not a pdf".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("non corrisponde a un file .pdf"));
        // An attachment of the documented 10 MB is accepted; one byte more
        // gets the field's message, not a bare refusal.
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(10 * 1024 * 1024, b'%');
        let (status, _) = upload("verbale completo.pdf", big.clone()).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        big.push(b'%');
        let (status, body) = upload("troppo.pdf", big).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("supera i 10 MB"), "{body}");
        let pdf = b"%PDF-1.4\n% slide del POA 2024\n".to_vec();
        let (status, _) = upload("slide POA 2024.pdf", pdf.clone()).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let page = app.get(m).await;
        let link = capture(
            r#"href="(/partecipazione/allegati/\d+)">slide POA 2024.pdf<"#,
            &page.body,
        );
        let r = app.client.get(app.url(&link)).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);

        // Public: the meeting is public, its minutes and materials are not yet.
        let anon = new_client();
        let public_link = link.replace("/partecipazione/", "/partecipa/");
        assert_eq!(
            app.get_with(&anon, &public_link).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get_with(&anon, &link).await.status,
            StatusCode::SEE_OTHER,
            "internal link asks to log in"
        );
        let public = app.get_with(&anon, "/partecipa/incontri/1").await;
        assert!(public.body.contains("Il verbale non è pubblicato."));
        assert!(
            !public.body.contains("Mario Bianchi"),
            "attendance is internal"
        );
        // The office writes and publishes the minutes.
        let edit = format!("{m}/modifica");
        let page = app.get(&edit).await;
        let version = page.input_value("version").unwrap();
        let p = app
            .submit(
                &edit,
                &edit,
                &[
                    ("kind", "participation"),
                    ("subject", "Presentazione del percorso POA 2024"),
                    ("held_on", "20/02/2024"),
                    ("place", "c/o Ospedale di Livorno – Sala Ceccarini"),
                    ("minutes", "Il Comitato prende atto del percorso."),
                    ("public", "si"),
                    ("minutes_published", "si"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let public = app.get_with(&anon, "/partecipa/incontri/1").await;
        assert!(public
            .body
            .contains("Il Comitato prende atto del percorso."));
        let r = anon.get(app.url(&public_link)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // A meeting by invitation is not public at all.
        let hub = app.get_with(&anon, "/partecipa").await;
        assert!(!hub.body.contains("Incontro di prova"));
    }
}
