//! Administration pages: validation, round trips, concurrency, audit.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_store::audit::{self, AuditQuery};
use zona_store::{Backend, Page as DbPage};
use zona_testing::BACKENDS;

/// Form path, fields posted, expected error per field, one input that must come back.
type Case = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    Vec<(&'static str, &'static str)>,
    (&'static str, &'static str),
);

/// One bad submission per form: the message stands next to its field, what
/// was typed comes back, nothing is saved.
#[tokio::test]
async fn bad_input_on_every_admin_form_is_explained_and_kept() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        // A region's record is the region's to edit.
        zona_app::demo::add_regional_account(&app.db.db)
            .await
            .unwrap();
        let region = app
            .other_client_logged_in(zona_app::demo::REGIONAL_ACCOUNT)
            .await;
        let audit_before = audit::list(&app.db.db, &AuditQuery::default(), DbPage::first(1))
            .await
            .unwrap()
            .1;
        let cases: Vec<Case> = vec![
            (
                "/admin/regioni/nuovo",
                vec![("code", "R T"), ("name", "")],
                vec![("code", "Da 2 a 20 caratteri: lettere, cifre e trattini (esempio: ZD-LIV)."), ("name", "Campo obbligatorio.")],
                ("code", "R T"),
            ),
            (
                "/admin/regioni/nuovo",
                vec![("code", "RT"), ("name", "Toscana bis")],
                vec![("code", "Esiste già una regione con questo codice.")],
                ("name", "Toscana bis"),
            ),
            (
                "/admin/zone/nuovo",
                vec![("region_id", ""), ("code", "ZD-LIV"), ("name", "Zona Nuova"), ("lead_organisation", "")],
                vec![("region_id", "Campo obbligatorio: scegliere dall'elenco.")],
                ("name", "Zona Nuova"),
            ),
            (
                "/admin/comuni/nuovo",
                vec![("istat_code", "49009"), ("name", "Livorno bis")],
                vec![("istat_code", "Il codice ISTAT del comune è formato da 6 cifre (esempio: 049009).")],
                ("istat_code", "49009"),
            ),
            (
                "/admin/comuni/nuovo",
                vec![("istat_code", "049009"), ("name", "Livorno bis")],
                vec![("istat_code", "Esiste già un comune con questo codice ISTAT.")],
                ("name", "Livorno bis"),
            ),
            (
                "/admin/enti/nuovo",
                vec![("name", "Comune di Livorno"), ("kind", "municipality"), ("tax_code", "00104330494"), ("email", "sociale@"), ("phone", "abc"), ("address", "")],
                vec![
                    ("tax_code", "Codice fiscale o partita IVA non valido: controlla le cifre (11 cifre, oppure 16 caratteri)."),
                    ("email", "Indirizzo e-mail non valido (esempio: nome@dominio.it)."),
                ],
                ("tax_code", "00104330494"),
            ),
            (
                "/admin/enti/nuovo",
                vec![("name", "comune di livorno"), ("kind", "municipality"), ("tax_code", ""), ("email", ""), ("phone", ""), ("address", "")],
                vec![("name", "Esiste già un ente con questo nome nella zona.")],
                ("name", "comune di livorno"),
            ),
            (
                "/admin/enti/nuovo",
                vec![("name", "Nuovo ente"), ("kind", "banca"), ("tax_code", ""), ("email", ""), ("phone", ""), ("address", "")],
                vec![("kind", "Scegli il tipo di ente dall'elenco.")],
                ("name", "Nuovo ente"),
            ),
            (
                "/admin/unita/nuovo",
                vec![("organisation_id", "999999"), ("name", "Nuova unità"), ("description", ""), ("email", "x")],
                vec![("organisation_id", "Ente non valido: scegliere dall'elenco."), ("email", "Indirizzo e-mail non valido (esempio: nome@dominio.it).")],
                ("name", "Nuova unità"),
            ),
            (
                "/admin/utenti/nuovo",
                vec![("username", "Mario Rossi"), ("full_name", "Mario Rossi"), ("email", ""), ("organisation_id", ""), ("password", "breve"), ("password_confirm", "breve")],
                vec![("username", "Da 3 a 40 caratteri: lettere minuscole, cifre, punto, trattino o trattino basso; deve iniziare con una lettera o una cifra.")],
                ("full_name", "Mario Rossi"),
            ),
            (
                "/admin/utenti/nuovo",
                vec![("username", "ufficio.piano"), ("full_name", "Doppione"), ("email", ""), ("organisation_id", ""), ("password", "una password lunga"), ("password_confirm", "una password lunga")],
                vec![("username", "Questo nome utente è già in uso.")],
                ("full_name", "Doppione"),
            ),
            (
                "/admin/utenti/nuovo",
                vec![("username", "mario.rossi"), ("full_name", "Mario Rossi"), ("email", ""), ("organisation_id", ""), ("password", "una password lunga"), ("password_confirm", "un'altra password")],
                vec![("password_confirm", "Le due password non coincidono.")],
                ("username", "mario.rossi"),
            ),
        ];
        for (path, fields, errors, kept) in cases {
            let client = if path.starts_with("/admin/regioni") {
                &region
            } else {
                &app.client
            };
            let token = app.get_with(client, path).await.csrf();
            let p = app.post_with(client, path, &token, &fields).await;
            assert_eq!(
                p.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {path} {fields:?}"
            );
            assert!(
                p.body.contains("Il modulo contiene"),
                "{path}: error summary"
            );
            for (field, message) in errors {
                assert_eq!(
                    p.field_error(field).as_deref(),
                    Some(message),
                    "{backend:?} {path}: error of {field}"
                );
            }
            assert_eq!(
                p.input_value(kept.0).as_deref(),
                Some(kept.1),
                "{path}: input of {} kept",
                kept.0
            );
            assert!(
                !p.body.contains("una password lunga"),
                "passwords are not sent back"
            );
        }
        let audit_after = audit::list(&app.db.db, &AuditQuery::default(), DbPage::first(1))
            .await
            .unwrap()
            .1;
        assert_eq!(audit_before, audit_after, "{backend:?}: nothing was saved");

        // Population: a negative number and a bad year, next to their fields.
        let m = zona_store::users::get_user_by_username(&app.db.db, "ufficio.piano")
            .await
            .unwrap()
            .unwrap();
        let _ = m;
        let livorno = zona_store::territory::list_municipalities(
            &app.db.db,
            &zona_store::territory::ListQuery {
                text: "Livorno".into(),
                ..Default::default()
            },
            DbPage::first(1),
        )
        .await
        .unwrap()
        .0[0]
            .id;
        let path = format!("/admin/comuni/{livorno}");
        let p = app
            .submit(
                &path,
                &format!("{path}/popolazione"),
                &[("year", "24"), ("population", "-5"), ("source", "")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("year").as_deref(),
            Some("Anno non valido (esempio: 2024).")
        );
        assert_eq!(
            p.field_error("population").as_deref(),
            Some("Il valore non può essere inferiore a 0.")
        );
        assert_eq!(p.input_value("population").as_deref(), Some("-5"));
    }
}

#[tokio::test]
async fn create_edit_deactivate_round_trip_is_audited() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let p = app
            .submit(
                "/admin/enti/nuovo",
                "/admin/enti/nuovo",
                &[
                    ("name", "Società della Salute di prova"),
                    ("kind", "other_public_body"),
                    ("tax_code", "01234567897"),
                    ("email", "Info@Prova.IT"),
                    ("phone", "+39 0586 223111"),
                    ("address", "Via Roma 1, Livorno"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend:?}: {}", p.body);
        let location = p.location.unwrap();
        let id = id_from(&location);
        let page = app.get(&location).await;
        assert!(page.body.contains("Ente creato."), "flash message");
        assert_eq!(page.input_value("email").as_deref(), Some("info@prova.it"));
        let p = app
            .post_with(
                &app.client,
                &location,
                &page.csrf(),
                &[
                    ("name", "Società della Salute di prova"),
                    ("kind", "other_public_body"),
                    ("tax_code", "01234567897"),
                    ("email", "info@prova.it"),
                    ("phone", ""),
                    ("address", "Via Roma 2, Livorno"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let confirm = app.get(&format!("{location}/stato")).await;
        assert!(confirm.body.contains("Sì, disattiva"));
        let p = app
            .post_with(
                &app.client,
                &format!("{location}/stato"),
                &confirm.csrf(),
                &[],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let listed = app
            .get("/admin/enti?q=salute+di+prova&stato=disattivati")
            .await;
        assert!(
            listed.body.contains("Società della Salute di prova")
                && listed.body.contains("disattivato")
        );

        let (entries, _) = audit::list(
            &app.db.db,
            &AuditQuery {
                entity: Some("organisation".into()),
                entity_id: Some(id),
                ..Default::default()
            },
            DbPage::first(10),
        )
        .await
        .unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["deactivate", "update", "create"], "{backend:?}");
        assert!(entries
            .iter()
            .all(|e| e.actor == "ufficio.piano" && e.ip.as_deref() == Some("127.0.0.1")));
        let detail = app.get(&format!("/admin/registro/{}", entries[1].id)).await;
        assert!(
            detail.body.contains("Via Roma 1, Livorno")
                && detail.body.contains("Via Roma 2, Livorno"),
            "before and after"
        );
        assert!(detail.body.contains("+39 0586 223111"));
        // Read as people read it: Italian names, the person's name.
        assert!(
            detail.body.contains(r#"<th scope="row">Indirizzo</th>"#),
            "{}",
            detail.body
        );
        assert!(detail.body.contains("Giulia Ferri (ufficio.piano)"));
    }
}

#[tokio::test]
async fn two_people_editing_one_record_never_overwrite_each_other() {
    let unit_link = regex::Regex::new(r#"href="(/admin/unita/\d+)""#).unwrap();
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let other = app.other_client_logged_in("ufficio.piano").await;
        let list = app.get("/admin/unita?q=cure+palliative").await;
        let href = unit_link.captures(&list.body).unwrap()[1].to_string();
        let mine = app.get(&href).await;
        let theirs = app.get_with(&other, &href).await;
        let org = mine
            .body
            .split(r#"<option value=""#)
            .find(|o| o.contains("\" selected>"))
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let version = mine.input_value("version").unwrap();
        let p = app
            .post_with(
                &other,
                &href,
                &theirs.csrf(),
                &[
                    ("organisation_id", &org),
                    ("name", "Cure palliative"),
                    ("description", "Versione di Luca"),
                    ("email", ""),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend:?}");
        let p = app
            .post_with(
                &app.client,
                &href,
                &mine.csrf(),
                &[
                    ("organisation_id", &org),
                    ("name", "Cure palliative"),
                    ("description", "Versione di Giulia"),
                    ("email", ""),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{backend:?}");
        assert!(p
            .body
            .contains("la scheda è stata cambiata da un'altra persona"));
        assert!(
            p.body.contains("Versione di Giulia") && p.body.contains("Versione di Luca"),
            "both versions shown"
        );
        let unit = zona_store::organisations::get_unit(&app.db.db, id_from(&href))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            unit.description.as_deref(),
            Some("Versione di Luca"),
            "the first save stands"
        );
        assert_eq!(
            p.input_value("version").unwrap(),
            (version.parse::<i64>().unwrap() + 1).to_string(),
            "the form now carries the new version"
        );
    }
}

#[tokio::test]
async fn roles_are_granted_and_revoked_with_their_scope() {
    let app = spawn_app(Backend::Postgres).await;
    app.login("ufficio.piano").await;
    let u = zona_store::users::get_user_by_username(&app.db.db, "consultazione")
        .await
        .unwrap()
        .unwrap();
    let path = format!("/admin/utenti/{}", u.id);
    let p = app
        .submit(
            &path,
            &format!("{path}/ruoli"),
            &[
                ("role", "unit_editor"),
                ("unit_id", ""),
                ("organisation_id", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        p.field_error("unit_id").as_deref(),
        Some("Il ruolo Referente richiede un'unità.")
    );
    let units =
        zona_store::organisations::list_units(&app.db.db, &Default::default(), DbPage::all())
            .await
            .unwrap()
            .0;
    let serd = units
        .iter()
        .find(|u| u.name.contains("SerD"))
        .unwrap()
        .id
        .to_string();
    let p = app
        .submit(
            &path,
            &format!("{path}/ruoli"),
            &[
                ("role", "unit_editor"),
                ("unit_id", &serd),
                ("organisation_id", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = app.get(&path).await;
    assert!(page.body.contains("Ruolo Referente assegnato."));
    let roles = zona_store::users::roles(&app.db.db, u.id).await.unwrap();
    assert_eq!(roles.len(), 2);
    let revoke = format!("{path}/ruoli/{}/revoca", roles[1].id);
    let p = app.post_with(&app.client, &revoke, &page.csrf(), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        zona_store::users::roles(&app.db.db, u.id)
            .await
            .unwrap()
            .len(),
        1
    );
    let (entries, _) = audit::list(
        &app.db.db,
        &AuditQuery {
            entity_id: Some(u.id),
            entity: Some("user".into()),
            ..Default::default()
        },
        DbPage::first(5),
    )
    .await
    .unwrap();
    assert_eq!(entries[0].action, "role_revoke");
    assert_eq!(entries[1].action, "role_grant");
}

#[tokio::test]
async fn lists_are_searchable_and_paginated() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("consultazione").await;
    let p = app.get("/admin/enti").await;
    assert_eq!(p.status, StatusCode::OK);
    // 4 public bodies + 38 third-sector bodies + 3 other public bodies.
    assert!(
        p.body.contains("45 elementi; mostrati da 1 a 25."),
        "{}",
        p.body
    );
    assert!(p.body.contains(r#"href="/admin/enti?pagina=2""#));
    let p2 = app.get("/admin/enti?pagina=2").await;
    assert!(p2.body.contains("mostrati da 26 a 45"));
    let p = app.get("/admin/enti?tipo=third_sector_body&q=auser").await;
    assert!(
        p.body.contains("2 elementi"),
        "Auser Filo d'Argento and Auser Collesalvetti"
    );
    assert!(
        !p.body.contains(r#"href="/admin/enti/nuovo""#),
        "a viewer is offered no creation"
    );
    let p = app.get("/admin/enti?q=zzzz").await;
    assert!(p.body.contains("Nessun ente corrisponde ai filtri."));
    let p = app.get("/admin/enti?stato=forse").await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("Filtro di stato non valido."));
}

#[tokio::test]
async fn a_third_sector_body_keeps_its_own_contacts() {
    let app = spawn_app(Backend::Sqlite).await;
    app.login("ets.simbolo").await;
    let p = app.get("/ente").await;
    let location = p.location.unwrap();
    let page = app.get(&location).await;
    assert!(page.body.contains("Cooperativa Sociale Il Simbolo"));
    let version = page.input_value("version").unwrap();
    let bad = app
        .post_with(
            &app.client,
            &location,
            &page.csrf(),
            &[
                ("email", "non-valida"),
                ("phone", ""),
                ("address", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.input_value("email").as_deref(), Some("non-valida"));
    let ok = app
        .post_with(
            &app.client,
            &location,
            &page.csrf(),
            &[
                ("email", "info@ilsimbolo.it"),
                ("phone", "0586 000000"),
                ("address", "Livorno"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let o = zona_store::organisations::get_organisation(&app.db.db, id_from(&location))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (o.email.as_deref(), o.name.as_str()),
        (Some("info@ilsimbolo.it"), "Cooperativa Sociale Il Simbolo")
    );
}

/// The rules of administration hold whatever the form: an office cannot lock
/// itself out, a role is granted once and only with a unit of its zone, a
/// population is read the Italian way, a body's other name points at one
/// body, a temporary password follows the password rules.
#[tokio::test]
async fn administration_rules_hold_on_both_databases() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let db = &app.db.db;
        let me = zona_store::users::get_user_by_username(db, "ufficio.piano")
            .await
            .unwrap()
            .unwrap();
        let mine = format!("/admin/utenti/{}", me.id);

        // Not one's own account, not one's own last office role.
        let page = app.get(&format!("{mine}/stato")).await;
        let p = app
            .post_with(&app.client, &format!("{mine}/stato"), &page.csrf(), &[])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(app
            .get(&mine)
            .await
            .body
            .contains("Non puoi disattivare il tuo stesso account."));
        let roles = zona_store::users::roles(db, me.id).await.unwrap();
        let office = roles
            .iter()
            .find(|r| r.role == zona_core::authz::Role::PlanningOffice)
            .unwrap();
        let page = app.get(&mine).await;
        let p = app
            .post_with(
                &app.client,
                &format!("{mine}/ruoli/{}/revoca", office.id),
                &page.csrf(),
                &[],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let body = flat(&app.get(&mine).await.body);
        assert!(body.contains("Non puoi revocare a te stesso l"));
        assert!(body.contains("ultimo ruolo Ufficio di Piano."));
        let me_now = zona_store::users::get_user(db, me.id)
            .await
            .unwrap()
            .unwrap();
        assert!(me_now.active);
        assert_eq!(
            zona_store::users::roles(db, me.id).await.unwrap().len(),
            roles.len()
        );

        // A role held already, a unit that is not the zone's.
        let other = zona_store::users::get_user_by_username(db, "consultazione")
            .await
            .unwrap()
            .unwrap();
        let path = format!("/admin/utenti/{}", other.id);
        let held = zona_store::users::roles(db, other.id).await.unwrap()[0].role;
        let p = app
            .submit(
                &path,
                &format!("{path}/ruoli"),
                &[
                    ("role", held.code()),
                    ("unit_id", ""),
                    ("organisation_id", ""),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("role").as_deref(),
            Some("L'utente ha già questo ruolo con lo stesso ambito.")
        );
        let p = app
            .submit(
                &path,
                &format!("{path}/ruoli"),
                &[
                    ("role", "unit_editor"),
                    ("unit_id", "999999"),
                    ("organisation_id", ""),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("unit_id").as_deref(),
            Some("Unità non valida: scegliere dall'elenco.")
        );

        // A temporary password: the rules, then set.
        let p = app
            .submit(
                &path,
                &format!("{path}/password"),
                &[("password", "breve"), ("password_confirm", "breve")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.field_error("password").is_some());
        let p = app
            .submit(
                &path,
                &format!("{path}/password"),
                &[
                    ("password", "Temporanea-2026-zona"),
                    ("password_confirm", "Temporanea-2026-zona"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let fresh = new_client();
        let login = app
            .login_as(&fresh, "consultazione", "Temporanea-2026-zona")
            .await;
        assert_eq!(login.status, StatusCode::SEE_OTHER);

        // A population with a thousands separator is the number it reads as.
        let (towns, _) =
            zona_store::territory::list_municipalities(db, &Default::default(), DbPage::all())
                .await
                .unwrap();
        let livorno = towns.iter().find(|m| m.name == "Livorno").unwrap();
        let path = format!("/admin/comuni/{}", livorno.id);
        let p = app
            .submit(
                &path,
                &format!("{path}/popolazione"),
                &[
                    ("year", "2030"),
                    ("population", "153.000"),
                    ("source", "ISTAT"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let pops = zona_store::territory::populations(db, livorno.id)
            .await
            .unwrap();
        let p2030 = pops.iter().find(|p| p.year == 2030).unwrap();
        assert_eq!(p2030.population, 153_000);
        let p = app
            .submit(
                &path,
                &format!("{path}/popolazione"),
                &[("year", "2031"), ("population", "153,5"), ("source", "")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p.input_value("population").as_deref(), Some("153,5"));

        // A new zone has no municipality yet to be its seat.
        let (regions, _) =
            zona_store::territory::list_regions(db, &Default::default(), DbPage::all())
                .await
                .unwrap();
        let region = regions[0].id.to_string();
        let seat = livorno.id.to_string();
        let p = app
            .submit(
                "/admin/zone/nuovo",
                "/admin/zone/nuovo",
                &[
                    ("region_id", region.as_str()),
                    ("code", "ZD-NUOVA"),
                    ("name", "Zona Nuova"),
                    ("lead_organisation", ""),
                    ("seat_municipality_id", seat.as_str()),
                ],
            )
            .await;
        // The new-zone form offers no seat: a posted one is refused whole.
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(zona_store::territory::get_zone_by_code(db, "ZD-NUOVA")
            .await
            .unwrap()
            .is_none());

        // Another name that already names this body.
        let (bodies, _) =
            zona_store::organisations::list_organisations(db, &Default::default(), DbPage::all())
                .await
                .unwrap();
        let livorno = bodies
            .iter()
            .find(|o| o.name == "Comune di Livorno")
            .unwrap();
        let path = format!("/admin/enti/{}", livorno.id);
        let p = app
            .submit(
                &path,
                &format!("{path}/nomi"),
                &[("alias", "comune di livorno")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("alias").as_deref(),
            Some("«comune di livorno» è già un nome di questo ente.")
        );
    }
}
