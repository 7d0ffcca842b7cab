//! The network of services: the seven Case della Comunità and their services
//! matrix against a fixture transcribed from seed 000, the DM 77/2022 check
//! following the population, the three project cards with the seed's figures
//! and their PDF, the PNRR page, bad input refused, the public pages.

use crate::helpers::*;
use reqwest::StatusCode;
use zona_testing::BACKENDS;

const FIXTURE: &str = include_str!("../fixtures/seed000-case-della-comunita.txt");

struct House {
    column: String,
    hub: bool,
    users: String,
    h24: bool,
}

/// The fixture: the houses, and per service code the columns with a cross.
fn fixture() -> (Vec<House>, Vec<(String, Vec<bool>)>) {
    let mut houses = Vec::new();
    let mut rows = Vec::new();
    for line in FIXTURE.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split(" | ").collect();
        if parts.len() == 4 {
            houses.push(House {
                column: parts[0].to_string(),
                hub: parts[1] == "CDC HUB",
                users: parts[2]
                    .trim_start_matches("circa ")
                    .trim_end_matches(" utenti")
                    .to_string(),
                h24: parts[3].contains("h24"),
            });
        } else {
            let crosses = parts[2].matches('×').count();
            // Filled from the left: the reading of docs/demo-data.md.
            rows.push((parts[1].to_string(), (0..7).map(|i| i < crosses).collect()));
        }
    }
    (houses, rows)
}

fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

async fn bytes(app: &TestApp, path: &str) -> Vec<u8> {
    let r = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn the_houses_and_their_services_match_seed_000_cell_by_cell() {
    let (houses, matrix) = fixture();
    assert_eq!(houses.len(), 7);
    assert_eq!(matrix.len(), 17);
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("consultazione").await;

        // The facilities export: the seven houses in the matrix's order.
        let rows = records(&bytes(&app, "/servizi/esporta?format=csv&tipo=community_house").await);
        assert_eq!(rows[0][0], "Struttura");
        let data = &rows[1..];
        assert_eq!(data.len(), 7, "{backend:?}");
        for (h, r) in houses.iter().zip(data) {
            let name = r[0].to_uppercase();
            let column = h.column.replace("PAD ", "PADIGLIONE ");
            assert!(name.ends_with(&column), "{} vs {}", r[0], h.column);
            assert_eq!(r[2], if h.hub { "Hub" } else { "Spoke" }, "{}", r[0]);
            assert_eq!(r[3].contains("h24"), h.h24, "{}", r[0]);
            assert_eq!(
                r[3],
                if h.h24 {
                    "h24 7 giorni su 7"
                } else {
                    "h12 6 giorni su 7"
                }
            );
            assert_eq!(r[4], h.users.replace('.', ""), "{}", r[0]);
        }
        // Stagno is a frazione of Collesalvetti.
        assert_eq!(data[5][5], "Collesalvetti");
        assert_eq!(data[0][5], "Livorno");

        // The matrix export: one row per service, a cross per column.
        let m = records(&bytes(&app, "/servizi/matrice/esporta?format=csv").await);
        let header = &m[0];
        for (i, h) in houses.iter().enumerate() {
            assert!(
                header[i + 1]
                    .to_uppercase()
                    .ends_with(&h.column.replace("PAD ", "PADIGLIONE ")),
                "{header:?}"
            );
        }
        let labels: std::collections::HashMap<String, String> =
            zona_store::vocabularies::terms(&app.db.db, zona_core::planning::Vocabulary::Service)
                .await
                .unwrap()
                .into_iter()
                .map(|t| (t.code, t.label))
                .collect();
        assert_eq!(m.len(), 1 + labels.len());
        for (code, expected) in &matrix {
            let row = m
                .iter()
                .find(|r| r[0] == labels[code])
                .unwrap_or_else(|| panic!("no row {code}"));
            let got: Vec<bool> = row[1..].iter().map(|c| c == "×").collect();
            assert_eq!(&got, expected, "{code} ({backend:?})");
        }

        // The grid page shows the same crosses (read-only for a viewer).
        let page = app.get("/servizi/matrice").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body.matches(">×<").count(), 9 * 7 + 2 * 5 + 3 + 6 + 5);
        assert!(!page.body.contains("type=\"checkbox\""));
        // A kind of facility the address names wrongly is refused, not
        // replaced by the Case della Comunità.
        let unknown = app.get("/servizi/matrice?tipo=ospedale").await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        assert!(unknown.body.contains("Tipo di struttura non valido."));

        // Beds: 60 intermediate care (20 + 40) and 34 low care.
        let overview = flat(&app.get("/servizi").await.body);
        assert!(
            overview.contains("III livello</th><td class=\"text-end\">20"),
            "{overview}"
        );
        assert!(overview.contains("I e II livello</th><td class=\"text-end\">40"));
        assert!(overview.contains("Low care (I livello)</th><td class=\"text-end\">34"));
        assert!(overview.contains("Totale</th><td class=\"text-end\">94"));
        assert!(overview.contains("Servizio sociale professionale: <strong>2</strong> su 7"));

        // The family clinics, with their focus and yearly figures.
        let all = records(&bytes(&app, "/servizi/esporta?format=csv&tipo=family_clinic").await);
        assert_eq!(all.len(), 3);
        let centro = all.iter().find(|r| r[0] == "Consultorio Centro").unwrap();
        assert_eq!(centro[12], "11.000–12.000");
        assert_eq!(centro[13], "30000");
        assert!(centro[11].contains("Codice Rosa"));
        let est = all.iter().find(|r| r[0] == "Consultorio Est").unwrap();
        assert!(est[11].contains("UVMi"));
    }
}

#[tokio::test]
async fn the_dm77_check_follows_the_population_of_the_municipalities() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let page = flat(&app.get("/servizi/dm77").await.body);
        assert!(
            page.contains("Popolazione della zona: 169.931"),
            "{backend:?}"
        );
        // Hub houses: 4–5 required, none active, two planned.
        let row = |label: &str| {
            let start = page
                .find(&format!("<th scope=\"row\">{label}<br>"))
                .unwrap();
            let end = page[start..].find("</tr>").unwrap();
            page[start..start + end].to_string()
        };
        let cells = |label: &str| -> Vec<String> {
            let r = row(label);
            r.split("<td class=\"text-end\">")
                .skip(1)
                .map(|c| {
                    let t = c.split("</td>").next().unwrap();
                    t.replace("<strong>", "").replace("</strong>", "")
                })
                .collect()
        };
        assert_eq!(
            cells("Case della Comunità hub"),
            ["4–5", "0", "2", "4", "2"]
        );
        assert_eq!(
            cells("Posti letto di Ospedale di Comunità"),
            ["34", "20", "0", "14", "14"]
        );
        assert_eq!(cells("Consultori familiari"), ["9", "2", "0", "7", "7"]);
        assert_eq!(
            cells("Centrali Operative Territoriali"),
            ["2", "0", "0", "2", "2"]
        );
        // Counted by hand and not entered: no invented figure.
        assert_eq!(
            cells("Infermieri di Famiglia o Comunità"),
            ["57", "—", "—", "—", "—"]
        );
        assert!(row("Case della Comunità hub").contains("DM 77/2022, All. 1"));

        // The office records the family nurses by hand.
        let form = app.get("/servizi/dm77/family_nurses").await;
        let version = form.input_value("version").unwrap();
        let p = app
            .post_with(
                &app.client,
                "/servizi/dm77/family_nurses",
                &form.csrf(),
                &[
                    ("label", "Infermieri di Famiglia o Comunità"),
                    ("min_amount", "1"),
                    ("min_per", "3.000"),
                    ("max_amount", ""),
                    ("max_per", ""),
                    ("measure", "manual"),
                    ("source", "DM 77/2022, All. 1, «Infermiere di Famiglia o Comunità»: 1 ogni 3.000 abitanti"),
                    ("open_count", "40"),
                    ("planned_count", "-3"),
                    ("count_note", ""),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.field_error("planned_count").unwrap().contains("negativo"));
        let p = app
            .post_with(
                &app.client,
                "/servizi/dm77/family_nurses",
                &form.csrf(),
                &[
                    ("label", "Infermieri di Famiglia o Comunità"),
                    ("min_amount", "1"),
                    ("min_per", "3.000"),
                    ("measure", "manual"),
                    ("source", "DM 77/2022, All. 1, «Infermiere di Famiglia o Comunità»: 1 ogni 3.000 abitanti"),
                    ("open_count", "40"),
                    ("planned_count", "5"),
                    ("count_note", "Dato AUSL, 2026"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = flat(&app.get("/servizi/dm77").await.body);
        assert!(page.contains("Dato AUSL, 2026"));
        // The standard itself is the region's: the office's form left its
        // rates alone. The region renames it; a form it opened before,
        // which renames it again, is refused.
        zona_app::demo::add_regional_account(&app.db.db)
            .await
            .unwrap();
        let region = app
            .other_client_logged_in(zona_app::demo::REGIONAL_ACCOUNT)
            .await;
        let stale = app.get_with(&region, "/servizi/dm77/family_nurses").await;
        let version = stale.input_value("version").unwrap();
        let fields = |label: &'static str, version: String| {
            vec![
                ("label", label.to_string()),
                ("min_amount", "1".into()),
                ("min_per", "3.000".into()),
                ("measure", "manual".into()),
                ("source", "DM 77/2022, All. 1, «Infermiere di Famiglia o Comunità»: 1 ogni 3.000 abitanti".into()),
                ("version", version),
            ]
        };
        let send = |fields: Vec<(&'static str, String)>| {
            let csrf = stale.csrf();
            let app = &app;
            let region = region.clone();
            async move {
                let pairs: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_with(&region, "/servizi/dm77/family_nurses", &csrf, &pairs)
                    .await
            }
        };
        let p = send(fields("Infermieri di famiglia", version.clone())).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let p = send(fields("Infermieri di comunità", version.clone())).await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
        let page = flat(&app.get("/servizi/dm77").await.body);
        assert!(
            page.contains("Infermieri di famiglia") && !page.contains("Infermieri di comunità")
        );
        // The zone's count is the office's, and stays.
        assert_eq!(
            app.get("/servizi/dm77/family_nurses")
                .await
                .input_value("open_count")
                .as_deref(),
            Some("40")
        );
        // The name is put back, from the version now shown.
        let current = app.get_with(&region, "/servizi/dm77/family_nurses").await;
        let v = current.input_value("version").unwrap();
        let p = send(fields("Infermieri di Famiglia o Comunità", v)).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

        // Livorno grows to 200,000 inhabitants: the requirement follows.
        let livorno = zona_store::territory::list_municipalities(
            &app.db.db,
            &Default::default(),
            zona_store::Page::all(),
        )
        .await
        .unwrap()
        .0
        .into_iter()
        .find(|m| m.name == "Livorno")
        .unwrap();
        let path = format!("/admin/comuni/{}", livorno.id);
        let p = app
            .submit(
                &path,
                &format!("{path}/popolazione"),
                &[
                    ("year", "2025"),
                    ("population", "200000"),
                    ("source", "Prova"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = flat(&app.get("/servizi/dm77").await.body);
        assert!(page.contains("Popolazione della zona: 216.777"), "{page}");
        let r = {
            let start = page
                .find("<th scope=\"row\">Case della Comunità hub<br>")
                .unwrap();
            page[start..start + page[start..].find("</tr>").unwrap()].to_string()
        };
        assert!(r.contains("<td class=\"text-end\">5–6</td>"), "{r}");
        let r = {
            let start = page
                .find("<th scope=\"row\">Infermieri di Famiglia o Comunità<br>")
                .unwrap();
            page[start..start + page[start..].find("</tr>").unwrap()].to_string()
        };
        // 216,777 / 3,000 = 72.3 → 73; 40 active, 5 planned.
        assert!(r.contains(">73</td> <td class=\"text-end\">40</td> <td class=\"text-end\">5</td> <td class=\"text-end\"><strong>33</strong></td> <td class=\"text-end\">28</td>"), "{r}");

        // The export carries the same figures and the sources.
        let rows = records(&bytes(&app, "/servizi/dm77/esporta?format=csv").await);
        let hub = rows
            .iter()
            .find(|r| r[0] == "Case della Comunità hub")
            .unwrap();
        assert_eq!(
            &hub[2..9],
            ["216777", "5–6", "0", "2", "5", "3", "Non rispettato"]
        );
        assert!(hub[10].starts_with("DM 77/2022"));
    }
}

/// The DM 77/2022 rules completed: continuity units as doctors and nurses
/// in FTE, family clinics municipality by municipality with the zone's
/// choice for inner areas, the hours of the Case della Comunità, and the
/// verdict on the page, in the CSV and in the PDF.
#[tokio::test]
async fn the_dm77_check_has_fte_inner_areas_hours_and_a_verdict() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let page = flat(&app.get("/servizi/dm77").await.body);
        let row = |page: &str, label: &str| {
            let start = page
                .find(&format!("<th scope=\"row\">{label}<br>"))
                .unwrap_or_else(|| panic!("{label}"));
            page[start..start + page[start..].find("</tr>").unwrap()].to_string()
        };
        // 169,931 inhabitants: 1,70 doctors and 1,70 nurses, not "2 units".
        let doctors = row(&page, "Unità di Continuità Assistenziale: medici");
        assert!(
            doctors.contains(r#"<td class="text-end">1,70</td>"#),
            "{doctors}"
        );
        assert!(doctors.contains("Non verificabile"));
        assert!(row(&page, "Unità di Continuità Assistenziale: infermieri").contains(">1,70<"));
        // The verdict, on the page.
        assert!(
            page.contains("standard non rispettati su 9") && page.contains("per dati mancanti"),
            "{backend:?}"
        );
        // Family clinics, municipality by municipality: Capraia Isola is an
        // ultra-peripheral inner area; the minimum applies until the zone
        // chooses the higher rate.
        assert!(page.contains("<th scope=\"row\">Capraia Isola</th> <td>F – Ultraperiferico (area interna)</td> <td class=\"text-end\">394</td> <td>1 ogni 20.000 abitanti</td> <td class=\"text-end\">0,02</td> <td class=\"text-end\">0,02</td>"), "{page}");
        // Hours: the planned houses show what is recorded, judged at opening.
        assert!(page.contains("Casa della Comunità Livorno Nord</th> <td>Hub</td> <td>medici H24 7/7, infermieri H12 7/7</td> <td>medici H24 7/7, infermieri non registrata</td> <td>Da verificare all'apertura (programmata)</td>"), "{page}");

        // Half a doctor present: a valid FTE, below the 1,70 required.
        let form = app.get("/servizi/dm77/continuity_doctors").await;
        let version = form.input_value("version").unwrap();
        let fields = |attivi: &'static str| {
            vec![
                ("label", "Unità di Continuità Assistenziale: medici"),
                ("min_amount", "1"),
                ("min_per", "100.000"),
                ("measure", "manual"),
                ("source", "DM 77/2022, All. 1, «Unità di Continuità Assistenziale»: 1 medico e 1 infermiere ogni 100.000 abitanti (medici, in unità equivalenti a tempo pieno)"),
                ("open_count", attivi),
                ("planned_count", "1,20"),
                ("count_note", "AUSL, 2026"),
            ]
        };
        let mut bad = fields("0,505");
        bad.push(("version", &version));
        let p = app
            .post_with(
                &app.client,
                "/servizi/dm77/continuity_doctors",
                &form.csrf(),
                &bad,
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p
            .field_error("open_count")
            .unwrap()
            .contains("al massimo 2 decimali"));
        let mut good = fields("0,50");
        good.push(("version", &version));
        let p = app
            .post_with(
                &app.client,
                "/servizi/dm77/continuity_doctors",
                &form.csrf(),
                &good,
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = flat(&app.get("/servizi/dm77").await.body);
        let doctors = row(&page, "Unità di Continuità Assistenziale: medici");
        assert!(doctors.contains(r#"<td class="text-end">1,70</td> <td class="text-end">0,50</td> <td class="text-end">1,20</td> <td class="text-end"><strong>1,20</strong></td> <td class="text-end">0,00</td> <td>Non rispettato</td>"#), "{doctors}");

        // The zone chooses 1 every 10,000 in its inner areas: Capraia Isola's
        // share doubles, the zone's target is shown beside the minimum.
        let p = app
            .submit(
                "/servizi/dm77",
                "/servizi/dm77/consultori",
                &[
                    ("inner_areas", "1"),
                    (
                        "version",
                        &capture(r#"name="version" value="(\d+)""#, &page),
                    ),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = flat(&app.get("/servizi/dm77").await.body);
        assert!(page.contains("<td>1 ogni 10.000 abitanti</td> <td class=\"text-end\">0,02</td> <td class=\"text-end\">0,04</td>"), "{page}");
        assert!(row(&page, "Consultori familiari").contains("9 (obiettivo della zona: 9)"));

        // An active hub whose doctors are there only 12 hours a day: a finding.
        let p = app
            .submit(
                "/servizi/strutture/nuova",
                "/servizi/strutture/nuova",
                &[
                    ("name", "Casa della Comunità di prova"),
                    ("kind", "community_house"),
                    ("hub_spoke", "hub"),
                    ("status", "open"),
                    ("doctor_hours", "12"),
                    ("doctor_days", "7"),
                    ("nurse_hours", "12"),
                    ("nurse_days", "7"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        // Hours beyond a day are refused with the field's message.
        let p = app
            .submit(
                "/servizi/strutture/nuova",
                "/servizi/strutture/nuova",
                &[
                    ("name", "Casa impossibile"),
                    ("kind", "community_house"),
                    ("hub_spoke", "spoke"),
                    ("status", "open"),
                    ("doctor_hours", "25"),
                    ("doctor_days", "7"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("doctor_hours").as_deref(),
            Some("Le ore al giorno vanno da 1 a 24.")
        );
        let page = flat(&app.get("/servizi/dm77").await.body);
        assert!(
            page.contains("Sotto lo standard: presenza medica H12 7/7 invece di H24 7/7"),
            "{page}"
        );
        assert!(page.contains("1 Casa della Comunità con orari sotto lo standard"));

        // The CSV carries the same rows and the verdict last.
        let rows = records(&bytes(&app, "/servizi/dm77/esporta?format=csv").await);
        let doctors = rows
            .iter()
            .find(|r| r[0] == "Unità di Continuità Assistenziale: medici")
            .unwrap();
        assert_eq!(
            &doctors[3..9],
            ["1,70", "0,50", "1,20", "1,20", "0,00", "Non rispettato"]
        );
        assert!(rows
            .iter()
            .any(|r| r[0] == "Consultori familiari – Capraia Isola"
                && r[3] == "quota del minimo 0,02, quota dell'obiettivo 0,04"));
        assert!(rows
            .iter()
            .any(|r| r[0].starts_with("Orari – Casa della Comunità di prova")
                && r[8].starts_with("Sotto lo standard")));
        let last = rows.last().unwrap();
        assert_eq!(last[0], "Esito complessivo");
        assert!(
            last[1].contains("1 Casa della Comunità con orari sotto lo standard"),
            "{last:?}"
        );
        // And the PDF.
        let pdf = pdf_pages(&bytes(&app, "/servizi/dm77/esporta?format=pdf").await).join("\n");
        assert!(
            flat(&pdf).contains("Casa della Comunità con orari sotto lo standard"),
            "{pdf}"
        );
    }
}

#[tokio::test]
async fn the_three_project_cards_show_the_seed_figures_and_print_on_one_page() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("consultazione").await;
        let list = app.get("/servizi/progetti").await;
        assert_eq!(list.status, StatusCode::OK);
        let id_of = |title: &str| -> i64 {
            capture(
                &format!(r#"href="/servizi/progetti/(\d+)">{}"#, regex::escape(title)),
                &list.body,
            )
            .parse()
            .unwrap()
        };
        let cards = [
            (
                id_of("SEUS – Servizio di Emergenza Urgenza Sociale"),
                vec![
                    "€ 356.240,00",
                    "Dal 1 gennaio 2024 al 30 giugno 2026",
                    "numero verde unico regionale gratuito attivo h24 e 365 giorni all'anno",
                    "16 su 28 Ambiti territoriali toscani",
                ],
            ),
            (
                id_of("Pronto Badante"),
                vec![
                    "€ 293.481,58",
                    "Dal 1 luglio 2023 al 30 giugno 2026",
                    "055 4383000",
                    "euro 300,00, una tantum",
                ],
            ),
            (
                id_of("Progetto AMIBUS 4"),
                vec![
                    "€ 1.461.245,92",
                    "36 mesi dalla sottoscrizione Convenzione (nel 2024)",
                    "da € 800,00 a € 3.000,00 per Piano individualizzato",
                    "da € 3.000,00 a € 8.000,00 per Piano individualizzato",
                    "da € 200,00 a € 800,00 al mese, in base all'ISEE",
                    "da € 2.000,00 a € 8.000,00 buono erogato",
                    "FSE+ 2021-2027",
                ],
            ),
        ];
        for (id, figures) in &cards {
            let page = flat(&app.get(&format!("/servizi/progetti/{id}")).await.body);
            for f in figures {
                assert!(page.contains(f), "{f} not on card {id} ({backend:?})");
            }
            let pdf = bytes(&app, &format!("/servizi/progetti/{id}/scheda.pdf")).await;
            let pages = pdf_pages(&pdf);
            assert_eq!(pages.len(), 1, "card {id} on {} pages", pages.len());
            let text = &pages[0];
            // The figures of the card, without the words that wrap in the
            // PDF's table cells (and may be hyphenated there).
            for f in figures
                .iter()
                .filter(|f| {
                    f.starts_with('€')
                        || f.starts_with("da €")
                        || f.starts_with("Dal ")
                        || f.starts_with("36 mesi")
                })
                .map(|f| {
                    f.split(" per ")
                        .next()
                        .unwrap()
                        .split(" al mese")
                        .next()
                        .unwrap()
                        .split(" buono")
                        .next()
                        .unwrap()
                })
            {
                // pdftotext may break long lines; compare without spaces.
                let squeeze = |s: &str| s.replace(' ', "");
                assert!(
                    squeeze(text).contains(&squeeze(f)),
                    "{f} not in PDF: {text}"
                );
            }
            assert!(text.contains("Pagina 1 di 1"));
        }
        // The AMIBUS card has four actions; SEUS links its POA 2024 sheet.
        let amibus = app.get(&format!("/servizi/progetti/{}", cards[2].0)).await;
        assert_eq!(amibus.body.matches("AZIONE ").count(), 4);
        let seus = app.get(&format!("/servizi/progetti/{}", cards[0].0)).await;
        assert!(seus.body.contains("(POA 2024)"));
    }
}

#[tokio::test]
async fn pnrr_investments_show_national_targets_and_the_zone_projects() {
    let app = spawn_app(zona_store::Backend::Sqlite).await;
    app.login("consultazione").await;
    let page = flat(&app.get("/servizi/pnrr").await.body);
    for t in [
        "L'85 % dei distretti sociali deve realizzare interventi in almeno una delle 4 linee.",
        "2022 – Realizzazione di almeno un progetto da parte di un minimo di 500 distretti sociali.",
        "2026 – Almeno 5.000 persone con disabilità",
        "2026 – Almeno 25.000 persone in stato di grave deprivazione materiale",
        "M5C2 1.1.4",
        "M5C2 1.3.2 – Stazioni di posta",
        "M6C1 1.2.2 – Centrali Operative Territoriali",
        "J44H22000250006",
        "J44H22000260006",
        "Case della Comunità della zona attive secondo il DM 77/2022: 0 su 7 (0 %)",
        "Persone accolte nell'appartamento «dopo di noi» di via Piave: — su 12",
    ] {
        assert!(page.contains(t), "{t}");
    }
    // The P.I.P.P.I. project finds the co-design agreement with its CUP.
    let list = app.get("/servizi/progetti?q=J44H22000200006").await;
    let id = capture(r#"href="/servizi/progetti/(\d+)""#, &list.body);
    let card = app.get(&format!("/servizi/progetti/{id}")).await;
    assert!(
        card.body.contains("/partecipazione/co-progettazione/"),
        "{}",
        card.body
    );
    assert!(card.body.contains("1.1.1"));
    // The filter by investment keeps its sub-investments.
    let m5_13 = app.get("/servizi/progetti?pnrr=M5C2-1.3").await;
    assert!(m5_13.body.contains("2 progetti."), "{}", m5_13.body);
}

#[tokio::test]
async fn bad_input_is_refused_with_a_clear_message_and_nothing_is_saved() {
    let remove_re =
        regex::Regex::new(r#"/servizi/progetti/\d+/azioni/\d+/togli\?versione=\d+"#).unwrap();
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        let before = zona_store::network::list_facilities(&app.db.db, 1)
            .await
            .unwrap()
            .len();
        // Negative beds.
        let p = app
            .submit(
                "/servizi/strutture/nuova",
                "/servizi/strutture/nuova",
                &[
                    ("name", "Ospedale di Comunità di prova"),
                    ("kind", "community_hospital"),
                    ("status", "planned"),
                    ("beds_third", "-5"),
                    ("users_min", "12.000"),
                    ("users_max", "11.000"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            p.field_error("beds_third").as_deref(),
            Some("Il numero non può essere negativo.")
        );
        assert!(p.field_error("users_max").unwrap().contains("inferiore"));
        // Nothing lost: the name typed is still there.
        assert_eq!(
            p.input_value("name").as_deref(),
            Some("Ospedale di Comunità di prova")
        );
        // A house needs hub or spoke.
        let p = app
            .submit(
                "/servizi/strutture/nuova",
                "/servizi/strutture/nuova",
                &[
                    ("name", "Casa nuova"),
                    ("kind", "community_house"),
                    ("status", "planned"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.field_error("hub_spoke").unwrap().contains("hub o spoke"));
        // A name already used.
        let p = app
            .submit(
                "/servizi/strutture/nuova",
                "/servizi/strutture/nuova",
                &[
                    ("name", "consultorio centro"),
                    ("kind", "family_clinic"),
                    ("status", "open"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.field_error("name").unwrap().contains("Esiste già"));
        assert_eq!(
            zona_store::network::list_facilities(&app.db.db, 1)
                .await
                .unwrap()
                .len(),
            before
        );

        // An unknown service in the grid: refused, nothing saved.
        let grid = app.get("/servizi/matrice").await;
        let house = capture(r#"name="facility" value="(\d+)""#, &grid.body);
        let ticked_before = grid.body.matches(" checked").count();
        let p = app
            .post_with(
                &app.client,
                "/servizi/matrice",
                &grid.csrf(),
                &[
                    ("kind", "community_house"),
                    ("facility", &house),
                    ("cell", &format!("{house}:mmg")),
                    ("cell", &format!("{house}:chirurgia")),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("Servizio sconosciuto: «chirurgia»"));
        assert_eq!(
            app.get("/servizi/matrice")
                .await
                .body
                .matches(" checked")
                .count(),
            ticked_before
        );

        // A malformed CUP and a reversed range on a project.
        let p = app
            .submit(
                "/servizi/progetti/nuovo",
                "/servizi/progetti/nuovo",
                &[
                    ("title", "Progetto di prova"),
                    ("summary", "Prova."),
                    ("duration", "2026"),
                    ("status", "planned"),
                    ("cup", "J44H2200025000"),
                    ("resources", "-10,00"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.field_error("cup").unwrap().contains("15"),
            "{:?}",
            p.field_error("cup")
        );
        assert!(p.field_error("resources").unwrap().contains("negativo"));
        let list = app.get("/servizi/progetti").await;
        assert!(!list.body.contains("Progetto di prova"));
        // An action whose maximum is below its minimum.
        let id = capture(
            r#"href="/servizi/progetti/(\d+)">Progetto AMIBUS 4"#,
            &list.body,
        );
        let edit = format!("/servizi/progetti/{id}/modifica");
        let form = app.get(&edit).await;
        let version = capture(r#"name="version" value="(\d+)""#, &form.body);
        let p = app
            .post_with(
                &app.client,
                &format!("/servizi/progetti/{id}/azioni"),
                &form.csrf(),
                &[
                    ("action_title", "AZIONE 5"),
                    ("action_min", "8.000"),
                    ("action_max", "3.000"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p
            .body
            .contains("Il massimo (3.000,00 €) è inferiore al minimo (8.000,00 €)."));
        assert!(p.body.contains("value=\"AZIONE 5\""));
        // A good action and a target are saved, the target updated by its
        // description, and the action taken away again from the version shown.
        let p = app
            .post_with(
                &app.client,
                &format!("/servizi/progetti/{id}/azioni"),
                &form.csrf(),
                &[
                    ("action_title", "AZIONE 5"),
                    ("action_min", "3.000"),
                    ("action_max", "8.000"),
                    ("action_basis", "per persona"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        for (achieved, done) in [("", "Obiettivo aggiunto."), ("7", "Obiettivo aggiornato.")] {
            let form = app.get(&edit).await;
            let version = capture(r#"name="version" value="(\d+)""#, &form.body);
            let p = app
                .post_with(
                    &app.client,
                    &format!("/servizi/progetti/{id}/obiettivi"),
                    &form.csrf(),
                    &[
                        ("target_description", "Persone accompagnate"),
                        ("target_value", "20"),
                        ("target_achieved", achieved),
                        ("version", &version),
                    ],
                )
                .await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
            assert!(app.get(&edit).await.body.contains(done));
        }
        let page = flat(&app.get(&edit).await.body);
        assert!(page.contains("AZIONE 5"), "{page}");
        assert!(page.contains("Persone accompagnate"));
        // The new action is the last.
        let remove = remove_re
            .find_iter(&page)
            .last()
            .unwrap()
            .as_str()
            .to_string();
        let form = app.get(&edit).await;
        let p = app.post_with(&app.client, &remove, &form.csrf(), &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let page = flat(&app.get(&edit).await.body);
        assert!(page.contains("Azione tolta."));
        assert!(!page.contains("AZIONE 5"));
    }
}

#[tokio::test]
async fn the_office_edits_the_network_with_audit_conflicts_and_public_pages() {
    let column_re = regex::Regex::new(r#"name="facility" value="(\d+)""#).unwrap();
    let ticked_re = regex::Regex::new(r#"name="cell" value="([^"]+)"[^>]*checked"#).unwrap();
    let version_re = regex::Regex::new(r#"name="version" value="([^"]+:[^"]+)""#).unwrap();
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        app.login("ufficio.piano").await;
        // A new operations centre, open.
        let p = app
            .submit(
                "/servizi/strutture/nuova",
                "/servizi/strutture/nuova",
                &[
                    ("name", "COT Livorno"),
                    ("kind", "operations_centre"),
                    ("status", "open"),
                    ("address", "Via di prova 1"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let id = id_from(p.location.as_deref().unwrap());
        // The DM 77 check counts it.
        let dm = flat(&app.get("/servizi/dm77").await.body);
        let start = dm
            .find("<th scope=\"row\">Centrali Operative Territoriali<br>")
            .unwrap();
        let row = &dm[start..start + dm[start..].find("</tr>").unwrap()];
        assert!(row.contains("<td class=\"text-end\">2</td> <td class=\"text-end\">1</td> <td class=\"text-end\">0</td> <td class=\"text-end\"><strong>1</strong>"), "{row}");

        // Two sessions edit it: the second save is refused, nothing lost.
        let other = app.other_client_logged_in("ufficio.piano").await;
        let edit = format!("/servizi/strutture/{id}/modifica");
        let mine = app.get(&edit).await;
        let theirs = app.get_with(&other, &edit).await;
        let fields = |name: &'static str| {
            vec![
                ("name", name),
                ("kind", "operations_centre"),
                ("status", "open"),
                ("version", "1"),
            ]
        };
        let p = app
            .post_with(&other, &edit, &theirs.csrf(), &fields("COT Livorno Nord"))
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let p = app
            .post_with(
                &app.client,
                &edit,
                &mine.csrf(),
                &fields("COT Zona Livornese"),
            )
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT);
        assert_eq!(p.input_value("name").as_deref(), Some("COT Zona Livornese"));

        // The matrix: Stagno gains the social service, with an audit entry.
        let grid = app.get("/servizi/matrice").await;
        let ids: Vec<String> = column_re
            .captures_iter(&grid.body)
            .map(|c| c[1].to_string())
            .collect();
        assert_eq!(ids.len(), 7);
        let grid_form = |body: &str| {
            let mut form: Vec<(String, String)> = vec![("kind".into(), "community_house".into())];
            for c in column_re.captures_iter(body) {
                form.push(("facility".into(), c[1].to_string()));
            }
            for c in version_re.captures_iter(body) {
                form.push(("version".into(), c[1].to_string()));
            }
            for c in ticked_re.captures_iter(body) {
                form.push(("cell".into(), c[1].to_string()));
            }
            form
        };
        // A second person has the grid open at the same time.
        let stale = app.get_with(&other, "/servizi/matrice").await;
        let mut form = grid_form(&grid.body);
        form.push(("cell".into(), format!("{}:servizio_sociale", ids[5])));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let p = app
            .post_with(&app.client, "/servizi/matrice", &grid.csrf(), &pairs)
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        // Their stale grid, with one more tick elsewhere, would undo Stagno's
        // new service: refused, nothing saved, the grid shown afresh.
        let mut form = grid_form(&stale.body);
        form.push(("cell".into(), format!("{}:telemedicina", ids[6])));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let p = app
            .post_with(&other, "/servizi/matrice", &stale.csrf(), &pairs)
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{backend:?}");
        assert!(p.body.contains("nessuna modifica è stata salvata"));
        assert!(
            flat(&p.body).contains("Le tue modifiche non salvate: Casa della Comunità Stagno: togliere Servizio sociale professionale — Casa della Comunità Collesalvetti: aggiungere Telemedicina"),
            "{}",
            p.body
        );
        assert!(
            p.body
                .contains(&format!(r#"value="{}:servizio_sociale" "#, ids[5]))
                || p.body
                    .contains(&format!(r#"value="{}:servizio_sociale""#, ids[5])),
            "the fresh grid is shown"
        );
        let overview = flat(&app.get("/servizi").await.body);
        assert!(overview.contains("Servizio sociale professionale: <strong>3</strong> su 7"));
        let audit =
            zona_store::audit::list(&app.db.db, &Default::default(), zona_store::Page::first(5))
                .await
                .unwrap()
                .0;
        assert!(audit.iter().any(|a| a.summary
            == "Servizi della struttura «Casa della Comunità Stagno»"
            && a.after_json
                .as_deref()
                .is_some_and(|s| s.contains("servizio_sociale"))));

        // Deletion asks for confirmation, then removes.
        let confirm = app.get(&format!("/servizi/strutture/{id}/elimina")).await;
        assert!(confirm.body.contains("Eliminare la struttura?"));
        let action = capture(
            r#"action="(/servizi/strutture/\d+/elimina\?versione=\d+)""#,
            &confirm.body,
        );
        let p = app
            .post_with(&app.client, &action, &confirm.csrf(), &[])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get(&format!("/servizi/strutture/{id}")).await.status,
            StatusCode::NOT_FOUND
        );

        // Public pages: open facilities with their services; no internal notes.
        let anon = new_client();
        let public = app.get_with(&anon, "/strutture").await;
        assert_eq!(public.status, StatusCode::OK);
        let body = flat(&public.body);
        assert!(body.contains("Consultorio Centro"));
        assert!(body.contains("Casa della Comunità Livorno Nord"));
        assert!(!body.contains("/servizi/"));
        let odc = capture(
            r#"href="/strutture/(\d+)"><strong>Ospedale di Comunità"#,
            &body,
        );
        let card = flat(&app.get_with(&anon, &format!("/strutture/{odc}")).await.body);
        assert!(card.contains("III livello"));
        assert!(!card.contains("Nella Casa della Comunità hub Livorno Nord."));
        assert!(!card.contains("Modifica"));

        // Published projects are public; an internal one is not.
        let p = app
            .submit(
                "/servizi/progetti/nuovo",
                "/servizi/progetti/nuovo",
                &[
                    ("title", "Progetto interno"),
                    ("summary", "Solo per gli uffici."),
                    ("duration", "2027"),
                    ("status", "planned"),
                    ("published", "no"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let internal = id_from(p.location.as_deref().unwrap());
        let list = flat(&app.get_with(&anon, "/progetti").await.body);
        assert!(list.contains("Pronto Badante") && !list.contains("Progetto interno"));
        assert!(!list.contains("/servizi/"));
        assert_eq!(
            app.get_with(&anon, &format!("/progetti/{internal}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let seus = capture(r#"href="/progetti/(\d+)">SEUS"#, &list);
        let card = flat(&app.get_with(&anon, &format!("/progetti/{seus}")).await.body);
        assert!(card.contains("€ 356.240,00") && !card.contains("/servizi/"));
        assert!(card.contains(&format!("/progetti/{seus}/scheda.pdf")));
    }
}
