//! The storage story, run on SQLite and on PostgreSQL alike.

use zona_core::authz::{Grant, Role};
use zona_store::audit::{self, AuditQuery};
use zona_store::organisations::{self as orgs, OrganisationInput, UnitInput};
use zona_store::territory::{
    self, Deactivatable, ListQuery, MunicipalityInput, Population, RegionInput, ZoneInput,
};
use zona_store::users::{self, UserInput};
use zona_store::{sessions, Actor, Backend, Db, Page, StoreError};
use zona_testing::{TestDb, BACKENDS};

fn actor() -> Actor {
    Actor::system("test")
}

async fn zone_fixture(db: &Db) -> (i64, i64) {
    let region = territory::create_region(
        db,
        &actor(),
        &RegionInput {
            code: "RT".into(),
            name: "Regione Toscana".into(),
        },
    )
    .await
    .unwrap();
    let zone = territory::create_zone(
        db,
        &actor(),
        &ZoneInput {
            region_id: region,
            code: "ZD-LIV".into(),
            name: "Zona Distretto Livornese".into(),
            lead_organisation: Some("Comune di Livorno".into()),
            seat_municipality_id: None,
        },
    )
    .await
    .unwrap();
    (region, zone)
}

fn org_input(zone_id: i64, name: &str) -> OrganisationInput {
    OrganisationInput {
        zone_id,
        kind: zona_core::org::OrganisationKind::Municipality,
        name: name.into(),
        tax_code: None,
        email: None,
        phone: None,
        address: None,
        legal_form: None,
        runts_number: None,
        runts_section: None,
    }
}

#[tokio::test]
async fn territory_round_trip_and_unique_names() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (region, zone) = zone_fixture(db).await;

        let dup = territory::create_region(
            db,
            &actor(),
            &RegionInput {
                code: "RX".into(),
                name: "regione toscana".into(),
            },
        )
        .await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate { field: "name" })),
            "{backend:?}: {dup:?}"
        );
        let dup = territory::create_region(
            db,
            &actor(),
            &RegionInput {
                code: "RT".into(),
                name: "Altra".into(),
            },
        )
        .await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate { field: "code" })),
            "{backend:?}: {dup:?}"
        );

        let livorno = territory::create_municipality(
            db,
            &actor(),
            &MunicipalityInput {
                zone_id: zone,
                istat_code: "049009".into(),
                name: "Livorno".into(),
                inner_area: None,
                patron_day: None,
            },
        )
        .await
        .unwrap();
        let dup = territory::create_municipality(
            db,
            &actor(),
            &MunicipalityInput {
                zone_id: zone,
                istat_code: "049009".into(),
                name: "Altro".into(),
                inner_area: None,
                patron_day: None,
            },
        )
        .await;
        assert!(
            matches!(
                dup,
                Err(StoreError::Duplicate {
                    field: "istat_code"
                })
            ),
            "{backend:?}: {dup:?}"
        );

        territory::set_population(
            db,
            &actor(),
            livorno,
            &Population {
                year: 2023,
                population: 153_773,
                source: None,
            },
        )
        .await
        .unwrap();
        territory::set_population(
            db,
            &actor(),
            livorno,
            &Population {
                year: 2024,
                population: 153_000,
                source: None,
            },
        )
        .await
        .unwrap();
        // Correcting a year replaces its figure.
        territory::set_population(
            db,
            &actor(),
            livorno,
            &Population {
                year: 2024,
                population: 153_154,
                source: Some("ISTAT".into()),
            },
        )
        .await
        .unwrap();
        let m = territory::get_municipality(db, livorno)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (m.population_year, m.population),
            (Some(2024), Some(153_154)),
            "{backend:?}"
        );
        assert_eq!(m.zone_name, "Zona Distretto Livornese");
        assert_eq!(territory::populations(db, livorno).await.unwrap().len(), 2);

        let z = territory::get_zone(db, zone).await.unwrap().unwrap();
        assert_eq!(z.region_name, "Regione Toscana");
        assert_eq!(z.region_id, region);
        assert_eq!(territory::default_zone(db).await.unwrap().unwrap().id, zone);
        assert_eq!(
            territory::get_zone_by_code(db, "zd-liv")
                .await
                .unwrap()
                .unwrap()
                .id,
            zone
        );
    }
}

#[tokio::test]
async fn optimistic_concurrency_refuses_a_stale_version() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let id = orgs::create_organisation(db, &actor(), &org_input(zone, "Comune di Livorno"))
            .await
            .unwrap();
        let o = orgs::get_organisation(db, id).await.unwrap().unwrap();
        assert_eq!(o.version, 1);
        let mut edit = org_input(zone, "Comune di Livorno");
        edit.email = Some("sociale@comune.livorno.it".into());
        orgs::update_organisation(db, &actor(), id, 1, &edit)
            .await
            .unwrap();
        let stale = orgs::update_organisation(
            db,
            &actor(),
            id,
            1,
            &org_input(zone, "Comune di Livorno (x)"),
        )
        .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict)),
            "{backend:?}: {stale:?}"
        );
        let o = orgs::get_organisation(db, id).await.unwrap().unwrap();
        assert_eq!(
            (o.version, o.email.as_deref(), o.name.as_str()),
            (2, Some("sociale@comune.livorno.it"), "Comune di Livorno")
        );
    }
}

#[tokio::test]
async fn every_change_is_audited_with_before_and_after() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let who = Actor::user(0, "mario", Some("127.0.0.1".into()));
        let org = orgs::create_organisation(db, &who, &org_input(zone, "AUSL Toscana Nord-Ovest"))
            .await
            .unwrap();
        let unit = orgs::create_unit(
            db,
            &who,
            &UnitInput {
                organisation_id: org,
                name: "UF Salute mentale adulti".into(),
                description: None,
                email: None,
            },
        )
        .await
        .unwrap();
        orgs::update_unit(
            db,
            &who,
            unit,
            1,
            &UnitInput {
                organisation_id: org,
                name: "UF Salute Mentale Adulti".into(),
                description: Some("SMA".into()),
                email: None,
            },
        )
        .await
        .unwrap();
        territory::set_active(
            db,
            &who,
            Deactivatable::Unit,
            unit,
            false,
            Some(zone),
            "Unità «SMA»",
        )
        .await
        .unwrap();

        let (entries, total) = audit::list(
            db,
            &AuditQuery {
                entity: Some("unit".into()),
                ..Default::default()
            },
            Page::first(10),
        )
        .await
        .unwrap();
        assert_eq!(total, 3, "{backend:?}");
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["deactivate", "update", "create"], "newest first");
        let update = &entries[1];
        assert_eq!(update.actor, "mario");
        assert_eq!(update.ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(update.zone_id, Some(zone));
        let before: serde_json::Value =
            serde_json::from_str(update.before_json.as_deref().unwrap()).unwrap();
        let after: serde_json::Value =
            serde_json::from_str(update.after_json.as_deref().unwrap()).unwrap();
        assert_eq!(before["name"], "UF Salute mentale adulti");
        assert_eq!(after["name"], "UF Salute Mentale Adulti");
        assert_eq!(after["description"], "SMA");

        // Filtering by zone keeps the zone's entries.
        let (_, in_zone) = audit::list(
            db,
            &AuditQuery {
                zone_id: Some(zone),
                ..Default::default()
            },
            Page::first(100),
        )
        .await
        .unwrap();
        assert!(in_zone >= 4, "{backend:?}: {in_zone}");
        let (_, other_zone) = audit::list(
            db,
            &AuditQuery {
                zone_id: Some(zone + 1000),
                entity: Some("unit".into()),
                ..Default::default()
            },
            Page::first(100),
        )
        .await
        .unwrap();
        assert_eq!(other_zone, 0);
        // Time window.
        let (_, future) = audit::list(
            db,
            &AuditQuery {
                from: Some(zona_store::now() + time::Duration::hours(1)),
                ..Default::default()
            },
            Page::first(100),
        )
        .await
        .unwrap();
        assert_eq!(future, 0);
        let (_, past) = audit::list(
            db,
            &AuditQuery {
                to: Some(zona_store::now() + time::Duration::hours(1)),
                ..Default::default()
            },
            Page::first(100),
        )
        .await
        .unwrap();
        assert!(past >= 5);
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        zone_fixture(db).await;
        let update = match db {
            Db::Sqlite(p) => sqlx::query("UPDATE audit_log SET actor = 'x'")
                .execute(p)
                .await
                .map(|_| ()),
            Db::Postgres(p) => sqlx::query("UPDATE audit_log SET actor = 'x'")
                .execute(p)
                .await
                .map(|_| ()),
        };
        let e = update.expect_err("an update must be refused").to_string();
        assert!(e.contains("audit_log is append-only"), "{backend:?}: {e}");
        let delete = match db {
            Db::Sqlite(p) => sqlx::query("DELETE FROM audit_log")
                .execute(p)
                .await
                .map(|_| ()),
            Db::Postgres(p) => sqlx::query("DELETE FROM audit_log")
                .execute(p)
                .await
                .map(|_| ()),
        };
        let e = delete.expect_err("a delete must be refused").to_string();
        assert!(e.contains("audit_log is append-only"), "{backend:?}: {e}");
    }
}

#[tokio::test]
async fn users_roles_sessions_and_failed_logins() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let org =
            orgs::create_organisation(db, &actor(), &org_input(zone, "Comune di Collesalvetti"))
                .await
                .unwrap();
        let unit = orgs::create_unit(
            db,
            &actor(),
            &UnitInput {
                organisation_id: org,
                name: "Servizi sociali".into(),
                description: None,
                email: None,
            },
        )
        .await
        .unwrap();
        let input = UserInput {
            username: "referente".into(),
            full_name: "Anna Bianchi".into(),
            email: None,
            zone_id: zone,
            organisation_id: Some(org),
        };
        let uid = users::create_user(db, &actor(), &input, "HASH", false)
            .await
            .unwrap();
        let dup = users::create_user(db, &actor(), &input, "HASH", false).await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate { field: "username" })),
            "{backend:?}: {dup:?}"
        );

        let grant = Grant {
            role: Role::UnitEditor,
            zone_id: zone,
            unit_id: Some(unit),
            organisation_id: None,
        };
        users::add_role(db, &actor(), uid, &grant).await.unwrap();
        let dup = users::add_role(db, &actor(), uid, &grant).await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate { .. })),
            "{backend:?}: same grant twice: {dup:?}"
        );
        users::add_role(
            db,
            &actor(),
            uid,
            &Grant {
                role: Role::Viewer,
                zone_id: zone,
                unit_id: None,
                organisation_id: None,
            },
        )
        .await
        .unwrap();
        let roles = users::roles(db, uid).await.unwrap();
        assert_eq!(roles.len(), 2);
        assert_eq!(roles[0].grant(), grant.clone());
        assert_eq!(roles[0].describe(), "Referente — Servizi sociali");

        let u = users::get_user(db, uid).await.unwrap().unwrap();
        let mut listed: Vec<&str> = u.roles.as_deref().unwrap().split(',').collect();
        listed.sort();
        assert_eq!(listed, ["unit_editor", "viewer"], "{backend:?}");
        let (found, n) = users::list_users(
            db,
            &users::UserQuery {
                role: Some("viewer".into()),
                ..Default::default()
            },
            Page::first(10),
        )
        .await
        .unwrap();
        assert_eq!((n, found[0].id), (1, uid));
        users::remove_role(db, &actor(), uid, roles[1].id)
            .await
            .unwrap();
        assert_eq!(users::roles(db, uid).await.unwrap().len(), 1);

        // Sessions: found while live, gone after logout or deactivation.
        let (token, s) = sessions::create(db, uid, time::Duration::hours(8))
            .await
            .unwrap();
        assert_ne!(s.id, token, "only the hash is stored");
        let found = sessions::find(db, &token, time::Duration::hours(8))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.user_id, found.csrf_token.len()), (uid, 64));
        // Reading writes nothing until the session was last seen more than
        // five minutes ago; then its expiry slides forward.
        let seen =
            |minutes: i64| time::OffsetDateTime::now_utc() - time::Duration::minutes(minutes);
        for (ago, refreshed) in [(4, false), (6, true)] {
            let at = seen(ago);
            match db {
                zona_store::Db::Sqlite(p) => {
                    sqlx::query("UPDATE sessions SET last_seen_at = $1")
                        .bind(at)
                        .execute(p)
                        .await
                        .unwrap();
                }
                zona_store::Db::Postgres(p) => {
                    sqlx::query("UPDATE sessions SET last_seen_at = $1")
                        .bind(at)
                        .execute(p)
                        .await
                        .unwrap();
                }
            }
            sessions::find(db, &token, time::Duration::hours(8))
                .await
                .unwrap()
                .unwrap();
            let now = sessions::find(db, &token, time::Duration::hours(8))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                now.last_seen_at > seen(1),
                refreshed,
                "{backend:?}: last seen {ago} minutes ago"
            );
        }
        assert!(sessions::find(db, "nonsense", time::Duration::hours(8))
            .await
            .unwrap()
            .is_none());
        let (token2, _) = sessions::create(db, uid, time::Duration::seconds(-1))
            .await
            .unwrap();
        assert!(
            sessions::find(db, &token2, time::Duration::hours(8))
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        assert_eq!(sessions::purge_expired(db).await.unwrap(), 1);
        // A password change ends every other session.
        let (keep, _) = sessions::create(db, uid, time::Duration::hours(8))
            .await
            .unwrap();
        users::set_password(db, &actor(), uid, "HASH2", false, Some(&keep))
            .await
            .unwrap();
        assert!(sessions::find(db, &token, time::Duration::hours(8))
            .await
            .unwrap()
            .is_none());
        assert!(sessions::find(db, &keep, time::Duration::hours(8))
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            users::credentials(db, "referente")
                .await
                .unwrap()
                .unwrap()
                .password_hash,
            "HASH2"
        );
        territory::set_active(
            db,
            &actor(),
            Deactivatable::User,
            uid,
            false,
            Some(zone),
            "x",
        )
        .await
        .unwrap();
        assert!(
            sessions::find(db, &keep, time::Duration::hours(8))
                .await
                .unwrap()
                .is_none(),
            "{backend:?}"
        );

        // Attempts are counted per name and client, before the password is
        // checked, and lock by the caller's rule.
        let lock3 = |n: i64| (n >= 3).then(|| time::Duration::minutes(1));
        for i in 1..=3 {
            let a = users::admit_login(db, "ghost", "10.0.0.1", lock3)
                .await
                .unwrap();
            assert_eq!(a, users::Admission::Judge { attempt: i }, "{backend:?}");
        }
        let refused = users::admit_login(db, "ghost", "10.0.0.1", lock3)
            .await
            .unwrap();
        assert!(
            matches!(refused, users::Admission::Refused { failures: 3, .. }),
            "a refused attempt is not counted: {refused:?}"
        );
        // Another client is not locked out by the first one's guesses.
        assert_eq!(
            users::admit_login(db, "ghost", "10.0.0.2", lock3)
                .await
                .unwrap(),
            users::Admission::Judge { attempt: 1 }
        );
        users::clear_login_failures(db, "ghost", "10.0.0.1")
            .await
            .unwrap();
        assert!(users::login_attempts(db, "ghost", "10.0.0.1")
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            users::login_attempts(db, "ghost", "10.0.0.2")
                .await
                .unwrap()
                .unwrap()
                .failures,
            1,
            "a success clears only its own client's count"
        );
    }
}

/// 100 guesses sent at once for one name from one client: the lock after the
/// 5th is seen by every later one, so exactly 5 are judged.
#[tokio::test]
async fn parallel_guesses_are_counted_one_after_the_other() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let db = t.db.clone();
                tokio::spawn(async move {
                    users::admit_login(&db, "ufficio.piano", "192.0.2.7", |n| {
                        (n >= 5).then(|| time::Duration::minutes(1))
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        let mut judged = 0;
        for task in tasks {
            if matches!(task.await.unwrap(), users::Admission::Judge { .. }) {
                judged += 1;
            }
        }
        assert_eq!(judged, 5, "{backend:?}");
    }
}

#[tokio::test]
async fn lists_search_and_paginate() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        for i in 0..30 {
            let mut o = org_input(zone, &format!("Associazione {i:02} 100%_vero"));
            o.kind = if i % 3 == 0 {
                zona_core::org::OrganisationKind::ThirdSectorBody
            } else {
                zona_core::org::OrganisationKind::OtherPublicBody
            };
            orgs::create_organisation(db, &actor(), &o).await.unwrap();
        }
        let q = ListQuery {
            zone_id: Some(zone),
            ..Default::default()
        };
        let (page1, total) = orgs::list_organisations(db, &q, Page::new(1, 25))
            .await
            .unwrap();
        let (page2, _) = orgs::list_organisations(db, &q, Page::new(2, 25))
            .await
            .unwrap();
        assert_eq!(
            (total, page1.len(), page2.len()),
            (30, 25, 5),
            "{backend:?}"
        );
        let q = ListQuery {
            zone_id: Some(zone),
            text: "ASSOCIAZIONE 1".into(),
            ..Default::default()
        };
        assert_eq!(
            orgs::list_organisations(db, &q, Page::first(50))
                .await
                .unwrap()
                .1,
            10
        );
        // `%` and `_` are searched literally.
        let q = ListQuery {
            zone_id: Some(zone),
            text: "0%_v".into(),
            ..Default::default()
        };
        assert_eq!(
            orgs::list_organisations(db, &q, Page::first(50))
                .await
                .unwrap()
                .1,
            30
        );
        let q = ListQuery {
            zone_id: Some(zone),
            text: "x%".into(),
            ..Default::default()
        };
        assert_eq!(
            orgs::list_organisations(db, &q, Page::first(50))
                .await
                .unwrap()
                .1,
            0
        );
        let q = ListQuery {
            zone_id: Some(zone),
            kind: Some("third_sector_body".into()),
            ..Default::default()
        };
        assert_eq!(
            orgs::list_organisations(db, &q, Page::first(50))
                .await
                .unwrap()
                .1,
            10
        );
        let q = ListQuery {
            zone_id: Some(zone + 1),
            ..Default::default()
        };
        assert_eq!(
            orgs::list_organisations(db, &q, Page::first(50))
                .await
                .unwrap()
                .1,
            0
        );
    }
}

/// Both migration folders must describe the same tables and columns.
#[tokio::test]
async fn both_backends_reach_the_same_schema() {
    let sqlite = TestDb::new(Backend::Sqlite).await;
    let pg = TestDb::new(Backend::Postgres).await;
    let Db::Sqlite(sp) = &sqlite.db else {
        unreachable!()
    };
    let Db::Postgres(pp) = &pg.db else {
        unreachable!()
    };
    let mut s: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
    )
    .fetch_all(sp)
    .await
    .unwrap();
    let mut p: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(pp)
    .await
    .unwrap();
    s.sort();
    p.sort();
    assert!(s.len() > 50);
    assert_eq!(s, p);
}

#[tokio::test]
async fn soc26_forms_are_saved_as_drafts_and_versioned() {
    use zona_store::soc26;
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let livorno = territory::create_municipality(
            db,
            &actor(),
            &MunicipalityInput {
                zone_id: zone,
                istat_code: "049009".into(),
                name: "Livorno".into(),
                inner_area: None,
                patron_day: None,
            },
        )
        .await
        .unwrap();
        assert!(soc26::get(db, livorno, 2025).await.unwrap().is_none());
        let draft = r#"{"year":2025,"current_year":{"M12":"-3"}}"#;
        let id = soc26::save(db, &actor(), livorno, 2025, draft, false, None)
            .await
            .unwrap();
        // A second "first save" (two people opening an empty form) is a conflict.
        let again = soc26::save(db, &actor(), livorno, 2025, draft, false, None).await;
        assert!(
            matches!(again, Err(StoreError::Conflict)),
            "{backend:?}: {again:?}"
        );
        let f = soc26::get(db, livorno, 2025).await.unwrap().unwrap();
        assert_eq!(
            (
                f.id,
                f.version,
                f.complete,
                f.data.as_str(),
                f.municipality_name.as_str()
            ),
            (id, 1, false, draft, "Livorno")
        );
        soc26::save(
            db,
            &actor(),
            livorno,
            2025,
            r#"{"year":2025}"#,
            true,
            Some(1),
        )
        .await
        .unwrap();
        let stale = soc26::save(db, &actor(), livorno, 2025, "{}", true, Some(1)).await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{backend:?}");
        let f = soc26::get(db, livorno, 2025).await.unwrap().unwrap();
        assert_eq!((f.version, f.complete), (2, true));
        assert_eq!(
            soc26::list(db, territory::Within::Zone(zone), 2025)
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            soc26::list(db, territory::Within::Zone(zone), 2024)
                .await
                .unwrap()
                .len(),
            0
        );
        let (entries, _) = audit::list(
            db,
            &AuditQuery {
                entity: Some("soc26_form".into()),
                ..Default::default()
            },
            Page::first(5),
        )
        .await
        .unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].summary, "Scheda SOC26 2025 del comune Livorno");
        assert!(entries[1].summary.ends_with("(bozza)"));
        assert!(entries[0].before_json.as_deref().unwrap().contains("-3"));
    }
}

#[tokio::test]
async fn the_planning_tree_reads_back_in_order() {
    use zona_core::planning::{SheetContent, SheetStatus};
    use zona_store::planning;
    use zona_store::sheets::{self, NewSheet};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let pis = planning::create_health_plan(
            db,
            &actor(),
            zone,
            "PIS 2020-2022",
            2020,
            2022,
            zona_core::planning::HealthPlanStatus::InForce,
        )
        .await
        .unwrap();
        let o2 = planning::add_health_objective(db, &actor(), zone, pis, 2, "Prevenzione")
            .await
            .unwrap();
        let o1 = planning::add_health_objective(db, &actor(), zone, pis, 1, "Inclusione")
            .await
            .unwrap();
        let dup = planning::add_health_objective(db, &actor(), zone, pis, 3, "inclusione").await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate { field: "title" })),
            "{backend:?}: {dup:?}"
        );
        let poa = planning::create_annual_plan(db, &actor(), zone, 2024, pis)
            .await
            .unwrap();
        let dup = planning::create_annual_plan(db, &actor(), zone, 2024, pis).await;
        assert!(matches!(dup, Err(StoreError::Duplicate { field: "year" })));
        let prog = |o: i64, position: i64, title: &str| planning::NewProgramme {
            health_objective_id: o,
            position,
            title: title.into(),
            previous_id: None,
        };
        let p_b = planning::add_programme(
            db,
            &actor(),
            zone,
            poa,
            &prog(o2, 1, "Scuole che promuovono salute"),
        )
        .await
        .unwrap();
        let p_a = planning::add_programme(db, &actor(), zone, poa, &prog(o1, 2, "Senza dimora"))
            .await
            .unwrap();
        let empty =
            planning::add_programme(db, &actor(), zone, poa, &prog(o1, 3, "Programma vuoto"))
                .await
                .unwrap();
        let item = |p: i64, code: &str| NewSheet {
            code: code.into(),
            demo: false,
            status: SheetStatus::ToFill,
            previous_id: None,
            content: SheetContent {
                title: format!("Attività {code}"),
                description: None,
                programme_id: p,
                sector: None,
                kind: None,
                target_areas: vec![],
                unit_id: None,
                organisation_id: None,
                municipality_ids: vec![],
                start_date: None,
                end_date: None,
                funding: vec![],
                indicators: vec![],
                internal_notes: None,
                integrated_matter: None,
            },
        };
        sheets::add_sheets(
            db,
            &actor(),
            poa,
            &[item(p_a, "A-2"), item(p_a, "A-1"), item(p_b, "B-1")],
        )
        .await
        .unwrap();
        // A duplicate code rolls the whole batch back.
        let bad =
            sheets::add_sheets(db, &actor(), poa, &[item(p_b, "B-2"), item(p_b, "B-1")]).await;
        assert!(
            matches!(bad, Err(StoreError::Duplicate { field: "code" })),
            "{backend:?}: {bad:?}"
        );
        let tree = planning::tree(db, poa).await.unwrap();
        let titles: Vec<&str> = tree.iter().map(|o| o.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Inclusione", "Prevenzione"],
            "by objective position"
        );
        let codes: Vec<&str> = tree[0].programmes[0]
            .activities
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(codes, ["A-1", "A-2"]);
        assert_eq!(tree[0].programmes[1].id, empty);
        assert!(
            tree[0].programmes[1].activities.is_empty(),
            "a programme without activities is listed"
        );
        assert_eq!(
            tree[1].programmes[0].activities.len(),
            1,
            "{backend:?}: B-2 was not kept"
        );
        let plans = planning::annual_plans(db, zone).await.unwrap();
        assert_eq!(
            (
                plans[0].objectives,
                plans[0].programmes,
                plans[0].activities
            ),
            (2, 3, 3)
        );
        assert_eq!(
            planning::annual_plan_id(db, zone, 2024).await.unwrap(),
            Some(poa)
        );
    }
}

#[tokio::test]
async fn sheets_read_back_exactly_and_never_overwrite_each_other() {
    use rust_decimal::Decimal;
    use time::macros::date;
    use zona_core::planning::{
        ActKind, FundingLine, Indicator, SheetContent, SheetEvent, Vocabularies,
    };
    use zona_core::Cents;
    use zona_store::planning;
    use zona_store::sheets::{self, ActInput};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let livorno = territory::create_municipality(
            db,
            &actor(),
            &MunicipalityInput {
                zone_id: zone,
                istat_code: "049009".into(),
                name: "Livorno".into(),
                inner_area: None,
                patron_day: None,
            },
        )
        .await
        .unwrap();
        let comune = orgs::create_organisation(db, &actor(), &org_input(zone, "Comune di Livorno"))
            .await
            .unwrap();
        let pis = planning::create_health_plan(
            db,
            &actor(),
            zone,
            "PIS",
            2020,
            2022,
            zona_core::planning::HealthPlanStatus::InForce,
        )
        .await
        .unwrap();
        let o = planning::add_health_objective(db, &actor(), zone, pis, 1, "Inclusione")
            .await
            .unwrap();
        let poa = planning::create_annual_plan(db, &actor(), zone, 2025, pis)
            .await
            .unwrap();
        let p = planning::add_programme(
            db,
            &actor(),
            zone,
            poa,
            &planning::NewProgramme {
                health_objective_id: o,
                position: 1,
                title: "Senza dimora".into(),
                previous_id: None,
            },
        )
        .await
        .unwrap();
        let content = SheetContent {
            title: "Housing First".into(),
            description: Some("Accoglienza".into()),
            programme_id: p,
            sector: Some("socio_assistenziale".into()),
            kind: Some("progetto".into()),
            target_areas: vec!["poverta".into()],
            unit_id: None,
            organisation_id: Some(comune),
            municipality_ids: vec![livorno],
            start_date: Some(date!(2025 - 01 - 01)),
            end_date: Some(date!(2025 - 12 - 31)),
            funding: vec![
                FundingLine {
                    source: "pnrr".into(),
                    year: 2025,
                    amount: Cents(146_124_592),
                },
                FundingLine {
                    source: "comuni".into(),
                    year: 2025,
                    amount: Cents(1),
                },
            ],
            indicators: vec![Indicator {
                name: "Persone accolte".into(),
                unit: "persone".into(),
                baseline: Some(Decimal::new(125, 1)),
                target: Some(Decimal::from(20)),
                actual: None,
            }],
            internal_notes: None,
            integrated_matter: None,
        };
        let id = sheets::create_sheet(db, &actor(), poa, &content)
            .await
            .unwrap();
        let s = sheets::get_sheet(db, id).await.unwrap().unwrap();
        assert_eq!(s.content, content, "{backend:?}");
        assert_eq!(s.row.code, "2025-01-001");
        assert_eq!(s.row.version, 1);
        assert_eq!(
            sheets::plan_total(db, poa).await.unwrap(),
            Cents(146_124_593)
        );
        let lines = sheets::budget_lines(db, poa, &Vocabularies::seeded())
            .await
            .unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].source, "PNRR");
        assert_eq!(lines[0].sector, "Socio-assistenziale");

        // A save from version 1 wins; a second save from version 1 is a conflict.
        let mut mine = content.clone();
        mine.title = "Housing First e Housing Led".into();
        assert_eq!(
            sheets::update_sheet(db, &actor(), id, 1, &mine, None)
                .await
                .unwrap(),
            2
        );
        let stale = sheets::update_sheet(db, &actor(), id, 1, &content, None).await;
        assert!(
            matches!(stale, Err(StoreError::Conflict)),
            "{backend:?}: {stale:?}"
        );
        assert_eq!(
            sheets::get_sheet(db, id)
                .await
                .unwrap()
                .unwrap()
                .content
                .title,
            "Housing First e Housing Led"
        );

        // Through the workflow to an approved, locked plan.
        sheets::apply_event(db, &actor(), id, 2, SheetEvent::Submit, None)
            .await
            .unwrap();
        let no_comment =
            sheets::apply_event(db, &actor(), id, 3, SheetEvent::Return, Some(" ")).await;
        assert!(matches!(no_comment, Err(StoreError::Refused(_))));
        sheets::apply_event(db, &actor(), id, 3, SheetEvent::Accept, None)
            .await
            .unwrap();
        let act = |kind| ActInput {
            kind,
            issuer: "Conferenza Zonale dei Sindaci Integrata".into(),
            number: "3".into(),
            act_date: date!(2025 - 04 - 30),
            description: None,
        };
        sheets::approve_plan(db, &actor(), poa, &act(ActKind::Approval))
            .await
            .unwrap();
        assert_eq!(
            sheets::plan_info(db, poa).await.unwrap().status,
            zona_core::planning::PlanStatus::Approved
        );
        let locked = sheets::update_sheet(db, &actor(), id, 4, &content, None).await;
        assert!(
            matches!(locked, Err(StoreError::Refused(_))),
            "{backend:?}: {locked:?}"
        );
        assert!(matches!(
            sheets::create_sheet(db, &actor(), poa, &content).await,
            Err(StoreError::Refused(_))
        ));
        sheets::update_sheet(
            db,
            &actor(),
            id,
            4,
            &content,
            Some(&act(ActKind::Amendment)),
        )
        .await
        .unwrap();
        // One resolution amends several sheets, or one sheet twice: the act
        // is recorded once.
        let again = act(ActKind::Amendment);
        sheets::update_sheet(db, &actor(), id, 5, &mine, Some(&again))
            .await
            .unwrap();
        let acts = sheets::acts(db, poa).await.unwrap();
        assert_eq!(
            acts.iter().map(|a| a.kind.code()).collect::<Vec<_>>(),
            ["approval", "amendment"],
            "{backend:?}"
        );
        let (entries, _) = zona_store::audit::list(
            db,
            &zona_store::audit::AuditQuery {
                entity: Some("activity".into()),
                entity_id: Some(id),
                ..Default::default()
            },
            Page::all(),
        )
        .await
        .unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["amend", "amend", "accept", "submit", "update", "create"],
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn the_network_and_projects_round_trip_with_their_rules() {
    use zona_core::network::{CareLevel, FacilityKind, FacilityStatus, HubSpoke, Measure};
    use zona_core::projects::{AmountRange, ProjectStatus};
    use zona_store::network::{self as net, Beds, FacilityInput};
    use zona_store::projects::{self as pr, ProjectAction, ProjectInput};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        // The standards and the PNRR catalogue are loaded with the schema.
        let standards = net::standards(db).await.unwrap();
        assert_eq!(standards.len(), 9);
        assert_eq!(standards[0].standard.measure, Measure::HubCommunityHouses);
        let (investments, targets) = pr::investments(db).await.unwrap();
        assert!(investments.iter().any(|i| i.code == "M5C2-1.3.2"));
        assert!(targets.iter().any(|t| t.description.contains("25.000")));

        let project = ProjectInput {
            zone_id: zone,
            title: "Progetto AMIBUS 4".into(),
            summary: "FSE+".into(),
            service: None,
            zone_note: None,
            duration_text: "36 mesi".into(),
            start_date: None,
            end_date: None,
            resources: Some(zona_core::Cents(146_124_592)),
            funding: None,
            pnrr_code: Some("M6C1-1.1".into()),
            cup: None,
            cup_warning: None,
            responsible_organisation_id: None,
            status: ProjectStatus::Planned,
            published: true,
            actions: vec![ProjectAction {
                title: "AZIONE 1".into(),
                description: None,
                amount: AmountRange::read("800", "3.000").unwrap(),
                basis: Some("per Piano".into()),
            }],
            targets: Vec::new(),
            activity_ids: Vec::new(),
        };
        let pid = pr::create_project(db, &actor(), &project).await.unwrap();
        let back = pr::get_project(db, pid).await.unwrap().unwrap();
        assert_eq!(back.snapshot(), project);
        assert_eq!(back.actions[0].amount.unwrap().max.0, 300_000);

        let input = FacilityInput {
            zone_id: zone,
            kind: FacilityKind::CommunityHouse,
            name: "Casa della Comunità Livorno Nord".into(),
            hub_spoke: Some(HubSpoke::Hub),
            opening_hours: Some("h24 7 giorni su 7".into()),
            catchment: Some(34_000),
            address: None,
            municipality_id: None,
            status: FacilityStatus::Planned,
            focus: None,
            users_min: None,
            users_max: None,
            accesses: None,
            places: None,
            project_id: Some(pid),
            notes: None,
            beds: vec![Beds {
                care_level: CareLevel::Third,
                beds: 20,
                note: None,
            }],
            // The presence of doctors and nurses round-trips.
            hours: zona_core::network::HouseHours {
                doctors: Some(zona_core::network::Presence::new(24, 7).unwrap()),
                nurses: Some(zona_core::network::Presence::new(12, 6).unwrap()),
            },
        };
        let id = net::create_facility(db, &actor(), &input).await.unwrap();
        let f = net::get_facility(db, id).await.unwrap().unwrap();
        assert_eq!(f.snapshot(), input);
        assert_eq!(f.row.project_title.as_deref(), Some("Progetto AMIBUS 4"));
        // Names are unique in a zone, whatever the case.
        let dup = FacilityInput {
            name: "CASA DELLA COMUNITÀ LIVORNO NORD".into(),
            ..input.clone()
        };
        let same = net::create_facility(db, &actor(), &dup).await;
        // SQLite's lower() folds ASCII only: the accented letter keeps the
        // names apart there, so only PostgreSQL is asserted on this one.
        if backend == Backend::Postgres {
            assert!(matches!(same, Err(StoreError::Duplicate { field: "name" })));
        }
        let dup = FacilityInput {
            name: "casa della comunità livorno nord".into(),
            ..input.clone()
        };
        assert!(matches!(
            net::create_facility(db, &actor(), &dup).await,
            Err(StoreError::Duplicate { field: "name" })
        ));
        // Negative beds never reach the table.
        let bad = FacilityInput {
            name: "Altra".into(),
            beds: vec![Beds {
                care_level: CareLevel::First,
                beds: -1,
                note: None,
            }],
            ..input.clone()
        };
        // The table's CHECK refuses it; nothing else could.
        let e = net::create_facility(db, &actor(), &bad)
            .await
            .expect_err("negative beds are refused")
            .to_string()
            .to_lowercase();
        assert!(e.contains("check"), "{e}");
        // Services: saved, audited, read back in catalogue order; the
        // facility moves to its next version.
        let at = |v: i64| std::collections::HashMap::from([(id, v)]);
        let n = net::set_services(
            db,
            &actor(),
            zone,
            &[(id, vec!["pua".into(), "mmg".into()])],
            &at(1),
        )
        .await
        .unwrap();
        assert_eq!(n, 1);
        let f = net::get_facility(db, id).await.unwrap().unwrap();
        assert_eq!(f.services, ["mmg", "pua"]);
        assert_eq!(f.row.version, 2);
        // A grid read before that change cannot undo it.
        assert!(matches!(
            net::set_services(db, &actor(), zone, &[(id, vec!["mmg".into()])], &at(1)).await,
            Err(StoreError::Conflict)
        ));
        // The same grid, unchanged for that column, saves nothing and is fine.
        assert_eq!(
            net::set_services(
                db,
                &actor(),
                zone,
                &[(id, vec!["pua".into(), "mmg".into()])],
                &at(1)
            )
            .await
            .unwrap(),
            0
        );
        assert_eq!(
            net::get_facility(db, id).await.unwrap().unwrap().services,
            ["mmg", "pua"]
        );
        // A stale version is refused.
        let changed = FacilityInput {
            catchment: Some(35_000),
            ..input.clone()
        };
        net::update_facility(db, &actor(), id, 2, &changed)
            .await
            .unwrap();
        assert!(matches!(
            net::update_facility(db, &actor(), id, 2, &changed).await,
            Err(StoreError::Conflict)
        ));
        // Deleting the project unlinks the facility.
        pr::delete_project(db, &actor(), pid, 1).await.unwrap();
        let f = net::get_facility(db, id).await.unwrap().unwrap();
        assert_eq!(f.row.project_id, None);
        net::delete_facility(db, &actor(), id, 3).await.unwrap();
        assert!(net::get_facility(db, id).await.unwrap().is_none());
    }
}

/// A controlled-vocabulary term carries a version: a stale edit is refused.
#[tokio::test]
async fn vocabulary_terms_are_versioned() {
    use zona_core::planning::Vocabulary;
    use zona_store::vocabularies::{self, TermInput};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let term = vocabularies::terms(db, Vocabulary::Sector).await.unwrap()[0].clone();
        assert_eq!(term.version, 1);
        let input = TermInput {
            code: term.code.clone(),
            label: format!("{} (rinominato)", term.label),
            description: None,
            active: true,
        };
        vocabularies::update_term(db, &actor(), term.id, 1, &input)
            .await
            .unwrap();
        assert!(
            matches!(
                vocabularies::update_term(db, &actor(), term.id, 1, &input).await,
                Err(StoreError::Conflict)
            ),
            "{backend:?}"
        );
        let after = vocabularies::terms(db, Vocabulary::Sector).await.unwrap()[0].clone();
        assert_eq!((after.version, after.label), (2, input.label));
    }
}

/// A failed login under a name that matches no user belongs to no zone: a
/// zone's audit view does not list it; the installation's full log does.
#[tokio::test]
async fn failed_logins_of_unknown_names_are_in_no_zone_log() {
    use zona_store::audit::{self, action, entity, Actor, AuditEntry, AuditQuery};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let stranger = Actor {
            user_id: None,
            name: "nessuno".into(),
            ip: Some("192.0.2.1".into()),
        };
        audit::record(
            db,
            &stranger,
            AuditEntry::new(action::LOGIN_FAILED, entity::SESSION, None)
                .summary("Accesso non riuscito per «nessuno» (nome utente inesistente)"),
        )
        .await
        .unwrap();
        let in_zone = audit::list(
            db,
            &AuditQuery {
                zone_id: Some(zone),
                action: Some("login_failed".into()),
                ..Default::default()
            },
            Page::first(10),
        )
        .await
        .unwrap()
        .1;
        assert_eq!(in_zone, 0, "{backend:?}");
        let everywhere = audit::list(
            db,
            &AuditQuery {
                action: Some("login_failed".into()),
                ..Default::default()
            },
            Page::first(10),
        )
        .await
        .unwrap()
        .1;
        assert_eq!(everywhere, 1, "{backend:?}");
        // Summaries are bounded whatever is given.
        let e =
            AuditEntry::new(action::LOGIN_FAILED, entity::SESSION, None).summary("x".repeat(5000));
        assert_eq!(e.summary.chars().count(), audit::MAX_SUMMARY_CHARS + 1);
    }
}

/// A stored code that names no value (a class, a day, a kind written by
/// hand in the database) makes the read fail; it is never shown as absent
/// or as another value.
#[tokio::test]
async fn an_unknown_stored_code_is_an_error_not_a_default() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let id = territory::create_municipality(
            db,
            &actor(),
            &MunicipalityInput {
                zone_id: zone,
                istat_code: "049002".into(),
                name: "Capraia Isola".into(),
                inner_area: None,
                patron_day: None,
            },
        )
        .await
        .unwrap();
        let m = territory::get_municipality(db, id).await.unwrap().unwrap();
        assert_eq!((m.inner_area, m.patron_day), (None, None));
        let org = orgs::create_organisation(db, &actor(), &org_input(zone, "Comune di Capraia"))
            .await
            .unwrap();

        for (sql, what) in [
            (
                "UPDATE municipalities SET inner_area = 'Z'",
                "InnerAreaClass",
            ),
            (
                "UPDATE municipalities SET inner_area = NULL, patron_day = '31/02'",
                "31/02",
            ),
            ("UPDATE organisations SET kind = 'bank'", "OrganisationKind"),
        ] {
            match db {
                Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
                Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            }
            .unwrap();
            let read = if what == "OrganisationKind" {
                orgs::get_organisation(db, org).await.map(|_| ())
            } else {
                territory::get_municipality(db, id).await.map(|_| ())
            };
            let e = read.expect_err(sql).to_string();
            assert!(e.contains(what), "{backend:?}: {e}");
        }
    }
}

#[tokio::test]
async fn an_instant_in_italian_time_compares_as_the_same_moment_on_both_databases() {
    use zona_store::notifications::{self, NewNotification};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await;
        let db = &t.db;
        let (_, zone) = zone_fixture(db).await;
        let user = users::create_user(
            db,
            &actor(),
            &UserInput {
                username: "marco".into(),
                full_name: "Marco Lenzi".into(),
                email: Some("marco@asl.test".into()),
                zone_id: zone,
                organisation_id: None,
            },
            "x",
            false,
        )
        .await
        .unwrap();
        notifications::notify(
            db,
            &[NewNotification {
                user_id: user,
                event_key: "a".into(),
                title: "Notizia".into(),
                link: "/".into(),
            }],
        )
        .await
        .unwrap();
        let far = zona_store::now() + time::Duration::days(1);
        let created = notifications::pending_mail(db, false, far).await.unwrap()[0].created_at;
        // The same moments, written in Italian winter time (+01:00): a
        // cutoff one minute before the notification leaves it out, one
        // minute after takes it, whatever the day the offset shifts to.
        let rome = time::UtcOffset::from_hms(1, 0, 0).unwrap();
        let before = (created - time::Duration::minutes(1)).to_offset(rome);
        let after = (created + time::Duration::minutes(1)).to_offset(rome);
        assert!(
            notifications::pending_mail(db, false, before)
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}"
        );
        assert_eq!(
            notifications::pending_mail(db, false, after)
                .await
                .unwrap()
                .len(),
            1,
            "{backend:?}"
        );
    }
}
