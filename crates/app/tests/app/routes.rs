//! Every route with every role: deny by default, enforced on the server.

use crate::helpers::*;
use reqwest::{Client, StatusCode};
use zona_store::organisations as orgs;
use zona_store::territory::{self, ListQuery};
use zona_store::users::{self, UserInput};
use zona_store::{Actor, Backend, Page as DbPage};

const S200: u16 = 200;
const S303: u16 = 303;
const S403: u16 = 403;
const S422: u16 = 422;

/// Roles in this order: anonymous, planning office, unit editor, third sector, viewer.
const WHO: [Option<&str>; 5] = [
    None,
    Some("ufficio.piano"),
    Some("referente.sma"),
    Some("ets.simbolo"),
    Some("consultazione"),
];

struct Ids {
    region: i64,
    zone: i64,
    municipality: i64,
    organisation: i64,
    simbolo: i64,
    other_body: i64,
    unit: i64,
    user: i64,
    audit: i64,
    /// 2025 sheets: one of the SMA unit (to fill), one of another unit; a 2024 sheet.
    sma_sheet: i64,
    other_sheet: i64,
    old_sheet: i64,
    pis: i64,
    agreement: i64,
    /// Applications to the demo co-programming path: Il Simbolo's, and another body's.
    own_application: i64,
    other_application: i64,
    facility: i64,
    project: i64,
}

async fn ids(app: &TestApp) -> Ids {
    let db = &app.db.db;
    let all = DbPage::all();
    let q = ListQuery::default();
    let orgs_list = orgs::list_organisations(db, &q, all).await.unwrap().0;
    let org = |name: &str| orgs_list.iter().find(|o| o.name == name).unwrap().id;
    let units = orgs::list_units(db, &q, all).await.unwrap().0;
    let zone = territory::list_zones(db, &q, all).await.unwrap().0[0].id;
    // A user who exists only to be switched off.
    let target = users::create_user(
        db,
        &Actor::system("test"),
        &UserInput {
            username: "bersaglio".into(),
            full_name: "Utente di prova".into(),
            email: None,
            zone_id: zone,
            organisation_id: None,
        },
        "x",
        false,
    )
    .await
    .unwrap();
    let sheets_of = |year: i64| async move {
        let plan = zona_store::planning::annual_plan_id(db, zone, year)
            .await
            .unwrap()
            .unwrap();
        zona_store::sheets::list_sheets(db, plan, &Default::default(), all)
            .await
            .unwrap()
            .0
    };
    let y2025 = sheets_of(2025).await;
    let apps = zona_store::participation::applications(db, 1, None)
        .await
        .unwrap();
    let unit_sheet = |unit: &str| {
        y2025
            .iter()
            .find(|s| s.unit_name.as_deref() == Some(unit))
            .unwrap()
            .id
    };
    Ids {
        facility: zona_store::network::list_facilities(db, zone)
            .await
            .unwrap()[0]
            .row
            .id,
        project: zona_store::projects::list_projects(db, zone).await.unwrap()[0]
            .row
            .id,
        pis: zona_store::pis::health_plans(db, zone).await.unwrap()[0].id,
        own_application: apps
            .iter()
            .find(|a| a.organisation_name == "Cooperativa Sociale Il Simbolo")
            .unwrap()
            .id,
        other_application: apps
            .iter()
            .find(|a| a.organisation_name != "Cooperativa Sociale Il Simbolo")
            .unwrap()
            .id,
        agreement: zona_store::codesign::list_agreements(db, zone, &Default::default())
            .await
            .unwrap()[0]
            .row
            .id,
        sma_sheet: unit_sheet("UF Salute mentale adulti"),
        other_sheet: unit_sheet("Settore Politiche sociali"),
        old_sheet: sheets_of(2024).await[0].id,
        region: territory::list_regions(db, &q, all).await.unwrap().0[0].id,
        zone,
        municipality: territory::list_municipalities(db, &q, all).await.unwrap().0[0].id,
        organisation: org("Prefettura di Livorno"),
        simbolo: org("Cooperativa Sociale Il Simbolo"),
        other_body: org("Arci Livorno"),
        unit: units
            .iter()
            .find(|u| u.name == "Cure palliative")
            .unwrap()
            .id,
        user: target,
        audit: zona_store::audit::list(db, &Default::default(), DbPage::first(1))
            .await
            .unwrap()
            .0[0]
            .id,
    }
}

#[tokio::test]
async fn every_route_with_every_role() {
    let app = spawn_app(Backend::Sqlite).await;
    let i = ids(&app).await;
    let mut clients: Vec<Client> = Vec::new();
    for who in WHO {
        clients.push(match who {
            None => new_client(),
            Some(u) => app.other_client_logged_in(u).await,
        });
    }
    let login = S303; // anonymous visitors are sent to the login page
    let gets: Vec<(String, [u16; 5])> = vec![
        ("/".into(), [S200, S200, S200, S200, S200]),
        ("/healthz".into(), [S200; 5]),
        ("/regione".into(), [S200; 5]),
        // Only the region compares zones.
        ("/regione/confronto".into(), [login, S403, S403, S403, S403]),
        (
            "/regione/confronto/esporta?format=csv".into(),
            [login, S403, S403, S403, S403],
        ),
        ("/regione/dm77".into(), [login, S403, S403, S403, S403]),
        (
            "/regione/dm77/esporta?format=csv".into(),
            [login, S403, S403, S403, S403],
        ),
        (
            "/regione/obiettivi-servizio".into(),
            [login, S403, S403, S403, S403],
        ),
        ("/regione/profilo".into(), [login, S403, S403, S403, S403]),
        (
            "/regione/profilo/esporta?format=csv".into(),
            [login, S403, S403, S403, S403],
        ),
        (
            "/regione/obiettivi-servizio/esporta?format=xlsx".into(),
            [login, S403, S403, S403, S403],
        ),
        // The public chooses a zone; a person of a zone stays in it.
        (
            "/regione/zone/ZD-LIV".into(),
            [S303, S403, S403, S403, S403],
        ),
        (
            "/regione/scegli?zona=ZD-LIV".into(),
            [S303, S403, S403, S403, S403],
        ),
        ("/login".into(), [S200, S303, S303, S303, S303]),
        ("/account".into(), [login, S200, S200, S200, S200]),
        ("/account/password".into(), [login, S200, S200, S200, S200]),
        ("/admin".into(), [login, S200, S403, S403, S200]),
        ("/admin/regioni".into(), [login, S200, S403, S403, S200]),
        (
            format!("/admin/regioni/{}", i.region),
            [login, S200, S403, S403, S200],
        ),
        (
            "/admin/regioni/nuovo".into(),
            [login, S403, S403, S403, S403],
        ),
        (
            format!("/admin/regioni/{}/stato", i.region),
            [login, S403, S403, S403, S403],
        ),
        ("/admin/zone".into(), [login, S200, S403, S403, S200]),
        (
            format!("/admin/zone/{}", i.zone),
            [login, S200, S403, S403, S200],
        ),
        ("/admin/zone/nuovo".into(), [login, S200, S403, S403, S403]),
        (
            format!("/admin/zone/{}/stato", i.zone),
            [login, S200, S403, S403, S403],
        ),
        ("/admin/comuni".into(), [login, S200, S403, S403, S200]),
        (
            format!("/admin/comuni/{}", i.municipality),
            [login, S200, S403, S403, S200],
        ),
        (
            "/admin/comuni/nuovo".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            format!("/admin/comuni/{}/stato", i.municipality),
            [login, S200, S403, S403, S403],
        ),
        ("/admin/enti".into(), [login, S200, S403, S403, S200]),
        (
            format!("/admin/enti/{}", i.organisation),
            [login, S200, S403, S403, S200],
        ),
        ("/admin/enti/nuovo".into(), [login, S200, S403, S403, S403]),
        (
            format!("/admin/enti/{}/stato", i.organisation),
            [login, S200, S403, S403, S403],
        ),
        ("/admin/unita".into(), [login, S200, S403, S403, S200]),
        (
            format!("/admin/unita/{}", i.unit),
            [login, S200, S403, S403, S200],
        ),
        ("/admin/unita/nuovo".into(), [login, S200, S403, S403, S403]),
        (
            format!("/admin/unita/{}/stato", i.unit),
            [login, S200, S403, S403, S403],
        ),
        ("/admin/utenti".into(), [login, S200, S403, S403, S403]),
        (
            format!("/admin/utenti/{}", i.user),
            [login, S200, S403, S403, S403],
        ),
        (
            "/admin/utenti/nuovo".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            format!("/admin/utenti/{}/stato", i.user),
            [login, S200, S403, S403, S403],
        ),
        ("/admin/registro".into(), [login, S200, S403, S403, S403]),
        (
            format!("/admin/registro/{}", i.audit),
            [login, S200, S403, S403, S403],
        ),
        (
            "/admin/regioni/export?format=csv".into(),
            [login, S200, S403, S403, S200],
        ),
        (
            "/admin/zone/export?format=csv".into(),
            [login, S200, S403, S403, S200],
        ),
        (
            "/admin/comuni/export?format=csv".into(),
            [login, S200, S403, S403, S200],
        ),
        (
            "/admin/enti/export?format=xlsx".into(),
            [login, S200, S403, S403, S200],
        ),
        (
            "/admin/unita/export?format=json".into(),
            [login, S200, S403, S403, S200],
        ),
        (
            "/admin/utenti/export?format=csv".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/admin/registro/export?format=csv".into(),
            [login, S200, S403, S403, S403],
        ),
        ("/ente".into(), [login, S403, S403, S303, S403]),
        (
            format!("/ente/{}", i.simbolo),
            [login, S200, S403, S200, S403],
        ),
        (
            format!("/ente/{}", i.other_body),
            [login, S200, S403, S403, S403],
        ),
        ("/static/css/zona.css".into(), [S200; 5]),
        (
            "/obiettivi-servizio".into(),
            [login, S200, S200, S403, S200],
        ),
        ("/moduli-soc26".into(), [login, S200, S200, S403, S200]),
        ("/moduli-soc26/2025".into(), [login, S200, S200, S403, S200]),
        // Only the region changes the forms.
        (
            "/moduli-soc26/2025/elimina".into(),
            [login, S403, S403, S403, S403],
        ),
        (
            format!("/obiettivi-servizio/{}/2025", i.municipality),
            [login, S200, S200, S403, S200],
        ),
        (
            format!("/obiettivi-servizio/{}/2025/scheda.json", i.municipality),
            [login, S200, S200, S403, S200],
        ),
        (
            format!("/obiettivi-servizio/{}/2024", i.municipality),
            [404; 5],
        ),
        ("/pianificazione".into(), [login, S200, S200, S403, S200]),
        (
            "/pianificazione/mie-schede".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2025".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2025/schede".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2025/schede/esporta?format=csv".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2025/bilancio".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2025/bilancio/esporta?per=ente&format=xlsx".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2025/esporta".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2030".into(),
            [login, 404, 404, S403, 404],
        ),
        (
            "/pianificazione/poa/2025/nuova-scheda".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/pianificazione/poa/2025/approvazione".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/pianificazione/poa/2024/approvazione".into(),
            [login, 400, S403, S403, S403],
        ),
        (
            format!("/pianificazione/attivita/{}", i.sma_sheet),
            [login, S200, S200, S403, S200],
        ),
        (
            format!("/pianificazione/attivita/{}/modifica", i.sma_sheet),
            [login, S200, S200, S403, S403],
        ),
        (
            format!("/pianificazione/attivita/{}/modifica", i.other_sheet),
            [login, S200, S403, S403, S403],
        ),
        (
            "/pianificazione/poa/2025/confronto".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/nuovo-anno".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/pianificazione/poa/2024/documento.pdf".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2025/monitoraggio".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/poa/2025/monitoraggio/esporta?format=xlsx".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            format!("/pianificazione/attivita/{}/monitoraggio", i.sma_sheet),
            [login, S200, S200, S403, S403],
        ),
        (
            format!("/pianificazione/attivita/{}/monitoraggio", i.other_sheet),
            [login, S200, S403, S403, S403],
        ),
        (
            "/pianificazione/pis".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/pssir".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/profilo".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/pianificazione/profilo?anno=1999".into(),
            [login, 404, 404, S403, 404],
        ),
        (
            "/pianificazione/profilo/temi/999999/elimina".into(),
            [login, 404, S403, S403, S403],
        ),
        (
            "/pianificazione/profilo/voci/999999/elimina".into(),
            [login, 404, S403, S403, S403],
        ),
        (
            format!("/pianificazione/pis/{}", i.pis),
            [login, S200, S200, S403, S200],
        ),
        ("/partecipazione".into(), [login, S200, S200, S403, S200]),
        (
            "/partecipazione/co-progettazione".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/partecipazione/co-progettazione/esporta?format=csv".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/partecipazione/co-progettazione/esporta?format=pdf".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/partecipazione/co-progettazione/nuova".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/partecipazione/co-progettazione/importa".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            format!("/partecipazione/co-progettazione/{}", i.agreement),
            [login, S200, S200, S403, S200],
        ),
        (
            format!("/partecipazione/co-progettazione/{}/modifica", i.agreement),
            [login, S200, S403, S403, S403],
        ),
        (
            format!("/partecipazione/co-progettazione/{}/elimina", i.agreement),
            [login, S200, S403, S403, S403],
        ),
        ("/servizi".into(), [login, S200, S200, S403, S200]),
        (
            "/servizi/esporta?format=csv".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/servizi/strutture/nuova".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            format!("/servizi/strutture/{}", i.facility),
            [login, S200, S200, S403, S200],
        ),
        (
            format!("/servizi/strutture/{}/modifica", i.facility),
            [login, S200, S403, S403, S403],
        ),
        (
            format!("/servizi/strutture/{}/elimina", i.facility),
            [login, S200, S403, S403, S403],
        ),
        ("/servizi/matrice".into(), [login, S200, S200, S403, S200]),
        (
            "/servizi/matrice/esporta?format=xlsx".into(),
            [login, S200, S200, S403, S200],
        ),
        ("/servizi/dm77".into(), [login, S200, S200, S403, S200]),
        (
            "/servizi/dm77/esporta?format=pdf".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/servizi/dm77/family_nurses".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/servizi/dm77/nessuno".into(),
            [login, 404, S403, S403, S403],
        ),
        ("/servizi/progetti".into(), [login, S200, S200, S403, S200]),
        (
            "/servizi/progetti/esporta?format=json".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/servizi/progetti/nuovo".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            format!("/servizi/progetti/{}", i.project),
            [login, S200, S200, S403, S200],
        ),
        (
            format!("/servizi/progetti/{}/scheda.pdf", i.project),
            [login, S200, S200, S403, S200],
        ),
        (
            format!("/servizi/progetti/{}/modifica", i.project),
            [login, S200, S403, S403, S403],
        ),
        (
            format!("/servizi/progetti/{}/elimina", i.project),
            [login, S200, S403, S403, S403],
        ),
        ("/servizi/pnrr".into(), [login, S200, S200, S403, S200]),
        ("/strutture".into(), [S200; 5]),
        (format!("/strutture/{}", i.facility), [S200; 5]),
        ("/progetti".into(), [S200; 5]),
        (format!("/progetti/{}", i.project), [S200; 5]),
        (format!("/progetti/{}/scheda.pdf", i.project), [S200; 5]),
        ("/progetti/999999".into(), [404; 5]),
        ("/co-progettazione".into(), [S200; 5]),
        (
            "/partecipazione/co-programmazione".into(),
            [login, S200, S200, S200, S200],
        ),
        (
            "/partecipazione/co-programmazione/1".into(),
            [login, S200, S200, S200, S200],
        ),
        (
            "/partecipazione/co-programmazione/1/relazione.pdf".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            format!(
                "/partecipazione/co-programmazione/1/domande/{}",
                i.own_application
            ),
            [login, S200, S403, S200, S403],
        ),
        (
            format!(
                "/partecipazione/co-programmazione/1/domande/{}",
                i.other_application
            ),
            [login, S200, S403, S403, S403],
        ),
        (
            "/partecipazione/co-programmazione/1/contributi/1".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/partecipazione/incontri".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/partecipazione/incontri/1".into(),
            [login, S200, S200, S403, S200],
        ),
        (
            "/partecipazione/incontri/nuovo".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/partecipazione/incontri/1/modifica".into(),
            [login, S200, S403, S403, S403],
        ),
        (
            "/partecipazione/allegati/999999".into(),
            [login, 404, 404, S403, 404],
        ),
        ("/partecipa".into(), [S200; 5]),
        ("/partecipa/avvisi/1".into(), [S200; 5]),
        ("/partecipa/avvisi/1/relazione.pdf".into(), [404; 5]),
        ("/partecipa/incontri/1".into(), [S200; 5]),
        ("/partecipa/allegati/999999".into(), [404; 5]),
        ("/co-progettazione/esporta?format=xlsx".into(), [S200; 5]),
        ("/co-progettazione/esporta?format=doc".into(), [400; 5]),
        // An approved plan: the office opens the amendment form, nobody else.
        (
            format!("/pianificazione/attivita/{}/modifica", i.old_sheet),
            [login, S200, S403, S403, S403],
        ),
    ];
    let mut failures = Vec::new();
    for (path, expected) in &gets {
        for (k, who) in WHO.iter().enumerate() {
            let p = app.get_with(&clients[k], path).await;
            if p.status.as_u16() != expected[k] {
                failures.push(format!(
                    "GET {path} as {who:?}: {} (expected {})",
                    p.status, expected[k]
                ));
            }
        }
    }

    // State-changing routes, posted with the client's own valid CSRF token and
    // an empty form: the allowed role gets a validation error (422), nobody
    // else gets through.
    let posts: Vec<(String, [u16; 5])> = vec![
        ("/moduli-soc26".into(), [login, S403, S403, S403, S403]),
        (
            "/moduli-soc26/2025/elimina".into(),
            [login, S403, S403, S403, S403],
        ),
        (
            "/admin/regioni/nuovo".into(),
            [login, S403, S403, S403, S403],
        ),
        (
            format!("/admin/regioni/{}", i.region),
            [login, S403, S403, S403, S403],
        ),
        ("/admin/zone/nuovo".into(), [login, S422, S403, S403, S403]),
        (
            format!("/admin/zone/{}", i.zone),
            [login, S422, S403, S403, S403],
        ),
        (
            "/admin/comuni/nuovo".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/admin/comuni/{}", i.municipality),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/admin/comuni/{}/popolazione", i.municipality),
            [login, S422, S403, S403, S403],
        ),
        ("/admin/enti/nuovo".into(), [login, S422, S403, S403, S403]),
        (
            format!("/admin/enti/{}", i.organisation),
            [login, S422, S403, S403, S403],
        ),
        ("/admin/unita/nuovo".into(), [login, S422, S403, S403, S403]),
        (
            format!("/admin/unita/{}", i.unit),
            [login, S422, S403, S403, S403],
        ),
        (
            "/admin/utenti/nuovo".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/admin/utenti/{}", i.user),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/admin/utenti/{}/ruoli", i.user),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/admin/utenti/{}/password", i.user),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/admin/utenti/{}/ruoli/999999/revoca", i.user),
            [login, 404, S403, S403, S403],
        ),
        // No version in the empty form: refused as a conflicting save.
        (
            format!("/ente/{}", i.simbolo),
            [login, 409, S403, 409, S403],
        ),
        (
            format!("/ente/{}", i.other_body),
            [login, 409, S403, S403, S403],
        ),
        ("/account/password".into(), [login, S422, S422, S422, S422]),
        // An empty SOC26 form carries no version: refused as a conflicting save.
        (
            format!("/obiettivi-servizio/{}/2025", i.municipality),
            [login, 409, S403, S403, S403],
        ),
        (
            format!("/obiettivi-servizio/{}/2025/calcola", i.municipality),
            [login, S200, S200, S403, S200],
        ),
        // No version in an empty sheet form: refused before anything is read.
        (
            format!("/pianificazione/attivita/{}/modifica", i.sma_sheet),
            [login, 400, 400, S403, S403],
        ),
        (
            format!("/pianificazione/attivita/{}/modifica", i.other_sheet),
            [login, 400, S403, S403, S403],
        ),
        (
            format!("/pianificazione/attivita/{}/stato", i.sma_sheet),
            [login, 400, 400, S403, S403],
        ),
        (
            format!("/pianificazione/attivita/{}/stato", i.other_sheet),
            [login, 400, S403, S403, S403],
        ),
        (
            "/pianificazione/poa/2025/nuova-scheda".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            "/pianificazione/poa/2025/approvazione".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/pianificazione/attivita/{}/monitoraggio", i.sma_sheet),
            [login, 400, 400, S403, S403],
        ),
        (
            "/admin/elenchi/sector/nuova".into(),
            [login, S403, S403, S403, S403],
        ),
        // Empty PIS forms: the office is sent back with a message.
        (
            "/pianificazione/pis/nuovo".into(),
            [login, S303, S403, S403, S403],
        ),
        (
            "/pianificazione/pssir/nuovo".into(),
            [login, S403, S403, S403, S403],
        ),
        (
            format!("/pianificazione/pis/{}/obiettivi", i.pis),
            [login, S303, S403, S403, S403],
        ),
        (
            "/pianificazione/poa/2025/programmi".into(),
            [login, S303, S403, S403, S403],
        ),
        // The health profile: an empty form is sent back with a message;
        // a record that does not exist is not found, for the office only.
        (
            "/pianificazione/profilo/anni".into(),
            [login, S303, S403, S403, S403],
        ),
        (
            "/pianificazione/profilo/2024/temi".into(),
            [login, S303, S403, S403, S403],
        ),
        (
            "/pianificazione/profilo/temi/999999".into(),
            [login, 404, S403, S403, S403],
        ),
        (
            "/pianificazione/profilo/voci/999999/risposte".into(),
            [login, 404, S403, S403, S403],
        ),
        (
            "/pianificazione/profilo/risposte/999999/elimina".into(),
            [login, 404, S403, S403, S403],
        ),
        (
            format!("/pianificazione/pis/{}/linee", i.pis),
            [login, S303, S403, S403, S403],
        ),
        (
            format!("/pianificazione/pis/{}/tappe", i.pis),
            [login, S303, S403, S403, S403],
        ),
        (
            format!("/pianificazione/pis/{}/atti", i.pis),
            [login, S303, S403, S403, S403],
        ),
        // An empty roll-over opens an empty 2026: only the office may.
        (
            "/pianificazione/nuovo-anno".into(),
            [login, S303, S403, S403, S403],
        ),
        // Switching records off last: the allowed role really does it.
        (
            format!("/admin/unita/{}/stato", i.unit),
            [login, S303, S403, S403, S403],
        ),
        (
            format!("/admin/enti/{}/stato", i.organisation),
            [login, S303, S403, S403, S403],
        ),
        (
            format!("/admin/comuni/{}/stato", i.municipality),
            [login, S303, S403, S403, S403],
        ),
        (
            format!("/admin/utenti/{}/stato", i.user),
            [login, S303, S403, S403, S403],
        ),
        (
            format!("/admin/regioni/{}/stato", i.region),
            [login, S403, S403, S403, S403],
        ),
        (
            format!("/admin/zone/{}/stato", i.zone),
            [login, S303, S403, S403, S403],
        ),
        (
            "/partecipazione/co-progettazione/nuova".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/admin/enti/{}/nomi", i.organisation),
            [login, S422, S403, S403, S403],
        ),
        (
            "/partecipazione/co-programmazione".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            "/partecipazione/co-programmazione/1/atto".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            "/partecipazione/co-programmazione/1/avviso".into(),
            [login, S422, S403, S403, S403],
        ),
        // The demo notice closed on 15/12/2025: refused with a message.
        (
            "/partecipazione/co-programmazione/1/domande".into(),
            [login, S303, S403, S303, S403],
        ),
        (
            format!(
                "/partecipazione/co-programmazione/1/domande/{}",
                i.own_application
            ),
            [login, S303, S403, S303, S403],
        ),
        (
            format!(
                "/partecipazione/co-programmazione/1/domande/{}",
                i.other_application
            ),
            [login, S303, S403, S403, S403],
        ),
        (
            format!(
                "/partecipazione/co-programmazione/1/domande/{}/decisione",
                i.own_application
            ),
            [login, S422, S403, S403, S403],
        ),
        (
            "/partecipazione/co-programmazione/1/contributi".into(),
            [login, S422, S403, S422, S403],
        ),
        (
            "/partecipazione/co-programmazione/1/contributi/1".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            "/partecipazione/co-programmazione/1/relazione".into(),
            [login, S422, S403, S403, S403],
        ),
        // No draft yet: refused with a message.
        (
            "/partecipazione/co-programmazione/1/relazione/approva".into(),
            [login, S303, S403, S403, S403],
        ),
        (
            "/partecipazione/gruppi".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            "/partecipazione/incontri/nuovo".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            "/partecipazione/incontri/1/modifica".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            "/partecipazione/incontri/1/presenze".into(),
            [login, S303, S403, S403, S403],
        ),
        (
            "/partecipazione/allegati/999999/elimina".into(),
            [login, 404, S403, S403, S403],
        ),
        (
            format!("/admin/enti/{}/nomi/999999/togli", i.organisation),
            [login, 404, S403, S403, S403],
        ),
        (
            format!("/partecipazione/co-progettazione/{}/modifica", i.agreement),
            [login, S422, S403, S403, S403],
        ),
        // Without the version the deletion is refused as a conflict.
        (
            format!("/partecipazione/co-progettazione/{}/elimina", i.agreement),
            [login, S303, S403, S403, S403],
        ),
        (
            "/servizi/strutture/nuova".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/servizi/strutture/{}/modifica", i.facility),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/servizi/strutture/{}/elimina", i.facility),
            [login, S303, S403, S403, S403],
        ),
        ("/servizi/matrice".into(), [login, S303, S403, S403, S403]),
        (
            "/servizi/dm77/family_nurses".into(),
            [login, S303, S403, S403, S403],
        ),
        (
            "/servizi/progetti/nuovo".into(),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/servizi/progetti/{}/modifica", i.project),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/servizi/progetti/{}/azioni", i.project),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/servizi/progetti/{}/azioni/99/togli", i.project),
            [login, 404, S403, S403, S403],
        ),
        (
            format!("/servizi/progetti/{}/obiettivi", i.project),
            [login, S422, S403, S403, S403],
        ),
        (
            format!("/servizi/progetti/{}/obiettivi/99/togli", i.project),
            [login, 404, S403, S403, S403],
        ),
        (
            format!("/servizi/progetti/{}/elimina", i.project),
            [login, S303, S403, S403, S403],
        ),
    ];
    for (path, expected) in &posts {
        for (k, who) in WHO.iter().enumerate() {
            let token = app.get_with(&clients[k], "/login").await;
            let token = if token.status == StatusCode::OK {
                token.csrf()
            } else {
                app.get_with(&clients[k], "/account").await.csrf()
            };
            let p = app.post_with(&clients[k], path, &token, &[]).await;
            if p.status.as_u16() != expected[k] {
                failures.push(format!(
                    "POST {path} as {who:?}: {} (expected {})",
                    p.status, expected[k]
                ));
            }
        }
    }
    // Logout is open to everyone signed in, and harmless for the others.
    for (k, _) in WHO.iter().enumerate().skip(1) {
        let token = app.get_with(&clients[k], "/account").await.csrf();
        let p = app.post_with(&clients[k], "/logout", &token, &[]).await;
        if p.status != StatusCode::SEE_OTHER {
            failures.push(format!("POST /logout as {:?}: {}", WHO[k], p.status));
        }
    }
    assert!(
        failures.is_empty(),
        "{} unexpected answers:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn a_unit_editor_cannot_reach_other_units_or_administration_by_url() {
    let app = spawn_app(Backend::Postgres).await;
    app.login("referente.sma").await;
    let home = app.get("/").await;
    assert!(home.body.contains("Le mie unità") && home.body.contains("UF Salute mentale adulti"));
    assert!(
        !home.body.contains(r#"href="/admin""#),
        "no administration in the navigation"
    );
    let units = orgs::list_units(&app.db.db, &ListQuery::default(), DbPage::all())
        .await
        .unwrap()
        .0;
    for u in units {
        let p = app.get(&format!("/admin/unita/{}", u.id)).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", u.name);
    }
}

#[tokio::test]
async fn records_of_another_zone_do_not_exist_for_an_office() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = &app.db.db;
    let system = Actor::system("test");
    let region = territory::list_regions(db, &ListQuery::default(), DbPage::all())
        .await
        .unwrap()
        .0[0]
        .id;
    let other = territory::create_zone(
        db,
        &system,
        &territory::ZoneInput {
            region_id: region,
            code: "ZD-PIS".into(),
            name: "Zona Pisana".into(),
            lead_organisation: None,
            seat_municipality_id: None,
        },
    )
    .await
    .unwrap();
    let org = orgs::create_organisation(
        db,
        &system,
        &orgs::OrganisationInput {
            zone_id: other,
            kind: zona_core::org::OrganisationKind::Municipality,
            name: "Comune di Pisa".into(),
            tax_code: None,
            email: None,
            phone: None,
            address: None,
            legal_form: None,
            runts_number: None,
            runts_section: None,
        },
    )
    .await
    .unwrap();
    // A theme of the other zone's health profile.
    let theme = zona_store::profile::add_theme(db, &system, other, 2024, "Demografia")
        .await
        .unwrap();
    app.login("ufficio.piano").await;
    assert_eq!(
        app.get(&format!("/admin/enti/{org}")).await.status,
        StatusCode::NOT_FOUND
    );
    let path = format!("/pianificazione/profilo/temi/{theme}/elimina");
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    for path in [
        format!("/pianificazione/profilo/temi/{theme}"),
        format!("/pianificazione/profilo/temi/{theme}/voci"),
        format!("/pianificazione/profilo/temi/{theme}/elimina"),
    ] {
        let p = app
            .submit(
                "/pianificazione/profilo",
                &path,
                &[
                    ("name", "X"),
                    ("position", "1"),
                    ("kind", "nodo_critico"),
                    ("text", "X"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        scalar(
            db,
            &format!(
                "SELECT count(*) FROM profile_themes WHERE id = {theme} AND name = 'Demografia'"
            )
        )
        .await,
        1
    );
    let list = app.get("/admin/enti?q=comune+di+pisa").await;
    assert!(
        list.body.contains("Nessun elemento trovato"),
        "another zone's bodies are not listed: {}",
        list.body
    );
    // The other zone is neither listed nor readable, and cannot be switched off.
    let list = app.get("/admin/zone").await;
    assert!(!list.body.contains("Zona Pisana"), "{}", list.body);
    let export = app.get("/admin/zone/export?format=csv").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        !export.body.contains("Zona Pisana") && export.body.contains("Zona Distretto Livornese"),
        "{}",
        export.body
    );
    assert!(list.body.contains("Zona Distretto Livornese"));
    let p = app.get(&format!("/admin/zone/{other}")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let token = app.get("/admin/zone").await.csrf();
    let p = app
        .post_with(
            &app.client,
            &format!("/admin/zone/{other}/stato"),
            &token,
            &[],
        )
        .await;
    assert!(
        [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&p.status),
        "{}",
        p.status
    );
}
