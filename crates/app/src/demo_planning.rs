//! Demo planning: the POA 2024 tree (seed 000: 5 health objectives, 21
//! programmes, 130 activities) and the POA 2025 tree (seed 004: 23
//! programmes, 116 activities). The slides lost their layout: which programme
//! sits under which objective is the reading written in docs/demo-data.md.
//! Activities named in the seeds are demo activities with their names; the
//! rest, up to the counts the seeds give, are plainly marked placeholders.

use anyhow::{Context, Result};
use std::collections::HashMap;
use time::macros::date;
use zona_core::planning::{
    ActKind, FundingLine, HealthPlanStatus, Indicator, SheetContent, SheetStatus,
};
use zona_core::Cents;
use zona_store::planning;
use zona_store::sheets::{self, ActInput, NewSheet};
use zona_store::{Actor, Db};

pub const OBJECTIVES: [&str; 5] = [
    "Inclusione sociale e lotta alla povertà",
    "Contrasto delle disuguaglianze di salute e sociali",
    "Rafforzare integrazione socio-sanitaria",
    "Prevenzione e promozione della salute",
    "Presa in carico globale della persona",
];

/// (objective index, programme) for 2024, in the slide's order within each objective.
const PROGRAMMES_2024: [(usize, &str); 21] = [
    (0, "Contrasto povertà e alte marginalità sociali"),
    (0, "Senza dimora"),
    (0, "PNRR_Missione 5"),
    (0, "Integrazione sociale disabilità"),
    (1, "Contrasto dipendenze"),
    (1, "Tutela infanzia e famiglia"),
    (1, "Tutela salute donna e materno-infantile"),
    (1, "Contrasto violenza di genere"),
    (2, "Servizi non autosufficienza e disabilità"),
    (2, "Salute mentale Infanzia e Adolescenza"),
    (
        2,
        "Contrasto cronicità da fase acuta a presa in carico nei CSM",
    ),
    (2, "Cure palliative"),
    (2, "SEUS"),
    (3, "Scuole che promuovono salute"),
    (3, "Invecchiamento attivo"),
    (3, "Sanità d'iniziativa"),
    (4, "Riorganizzazione sanità territoriale"),
    (4, "PNRR_Missione 6"),
    (4, "ACOT"),
    (4, "Assistenza sanitaria di base"),
    (4, "Assistenza farmaceutica"),
];

/// 2025: Cure palliative no longer a programme; S.TA.R., Progetto SAI and
/// Assegno di Inclusione new; two programmes renamed.
const PROGRAMMES_2025: [(usize, &str); 23] = [
    (0, "Contrasto povertà e marginalità sociali"),
    (0, "Senza dimora"),
    (0, "PNRR_Missione 5"),
    (0, "Integrazione sociale disabilità"),
    (0, "Progetto SAI"),
    (0, "Assegno di Inclusione"),
    (1, "Contrasto dipendenze"),
    (1, "Tutela infanzia e famiglia"),
    (1, "Tutela salute donna e materno-infantile"),
    (1, "Contrasto violenza di genere"),
    (2, "Servizi non autosufficienza e disabilità"),
    (2, "Salute mentale Infanzia e Adolescenza"),
    (2, "Contrasto cronicità"),
    (2, "S.TA.R."),
    (2, "SEUS"),
    (3, "Scuole che promuovono salute"),
    (3, "Invecchiamento attivo"),
    (3, "Sanità d'iniziativa"),
    (4, "Riorganizzazione sanità territoriale"),
    (4, "PNRR_Missione 6"),
    (4, "ACOT"),
    (4, "Assistenza sanitaria di base"),
    (4, "Assistenza farmaceutica"),
];

/// Programmes renamed from 2024 to 2025: their sheets continue.
const RENAMED: [(&str, &str); 2] = [
    (
        "Contrasto povertà e alte marginalità sociali",
        "Contrasto povertà e marginalità sociali",
    ),
    (
        "Contrasto cronicità da fase acuta a presa in carico nei CSM",
        "Contrasto cronicità",
    ),
];

/// How the sheets of a programme are filled in the demo: sector, responsible
/// unit, target areas and funding sources (codes of the vocabularies). A
/// reading of the programme's name, written in docs/demo-data.md.
struct Profile {
    sector: &'static str,
    unit: &'static str,
    areas: &'static [&'static str],
    sources: &'static [&'static str],
}

fn profile(programme: &str) -> Profile {
    let p = |sector, unit, areas, sources| Profile {
        sector,
        unit,
        areas,
        sources,
    };
    const SOCIAL: &str = "Settore Politiche sociali";
    const SSP: &str = "Servizio sociale professionale";
    const DZ: &str = "Direzione di Zona Distretto";
    const CP: &str = "UF Cure primarie";
    match programme {
        "Contrasto povertà e alte marginalità sociali"
        | "Contrasto povertà e marginalità sociali"
        | "Senza dimora" => p(
            "socio_assistenziale",
            SOCIAL,
            &["poverta"],
            &["fondo_poverta", "comuni"],
        ),
        "PNRR_Missione 5" => p("socio_assistenziale", SOCIAL, &["multiutenza"], &["pnrr"]),
        "Integrazione sociale disabilità" => p(
            "socio_assistenziale",
            SSP,
            &["disabili"],
            &["comuni", "fnps"],
        ),
        "Progetto SAI" => p("socio_assistenziale", SOCIAL, &["immigrati"], &["altro"]),
        "Assegno di Inclusione" => p("socio_assistenziale", SSP, &["poverta"], &["fondo_poverta"]),
        "Contrasto dipendenze" => p(
            "socio_sanitario",
            "UF Dipendenze (SerD)",
            &["dipendenze"],
            &["fondo_sanitario"],
        ),
        "Tutela infanzia e famiglia" => p(
            "socio_assistenziale",
            SSP,
            &["famiglia_minori"],
            &["comuni", "fnps"],
        ),
        "Tutela salute donna e materno-infantile" => p(
            "prevenzione_promozione",
            "UF Attività consultoriali",
            &["famiglia_minori"],
            &["fondo_sanitario"],
        ),
        "Contrasto violenza di genere" => p(
            "violenza_genere",
            SOCIAL,
            &["famiglia_minori"],
            &["fondo_sociale_regionale", "comuni"],
        ),
        "Servizi non autosufficienza e disabilità" => p(
            "socio_sanitario",
            DZ,
            &["anziani", "disabili"],
            &["fna", "fondo_sanitario"],
        ),
        "Salute mentale Infanzia e Adolescenza" => p(
            "socio_sanitario",
            "UF Salute mentale infanzia e adolescenza",
            &["salute_mentale", "famiglia_minori"],
            &["fondo_sanitario"],
        ),
        "Contrasto cronicità da fase acuta a presa in carico nei CSM" | "Contrasto cronicità" => {
            p(
                "socio_sanitario",
                "UF Salute mentale adulti",
                &["salute_mentale"],
                &["fondo_sanitario"],
            )
        }
        "Cure palliative" => p(
            "socio_sanitario",
            "Cure palliative",
            &["anziani"],
            &["fondo_sanitario"],
        ),
        "SEUS" => p(
            "socio_assistenziale",
            SOCIAL,
            &["multiutenza"],
            &["fondo_sociale_regionale"],
        ),
        "S.TA.R." => p("socio_sanitario", DZ, &["anziani"], &["fondo_sanitario"]),
        "Scuole che promuovono salute" => p(
            "prevenzione_promozione",
            DZ,
            &["famiglia_minori"],
            &["fondo_sanitario"],
        ),
        "Invecchiamento attivo" => p(
            "prevenzione_promozione",
            DZ,
            &["anziani"],
            &["comuni", "fondo_sanitario"],
        ),
        "Sanità d'iniziativa" => p(
            "prevenzione_promozione",
            CP,
            &["multiutenza"],
            &["fondo_sanitario"],
        ),
        "PNRR_Missione 6" => p("cure_primarie", CP, &["multiutenza"], &["pnrr"]),
        "ACOT" => p(
            "cure_primarie",
            "ACOT - Agenzia di continuità ospedale-territorio",
            &["anziani"],
            &["fondo_sanitario"],
        ),
        _ => p("cure_primarie", CP, &["multiutenza"], &["fondo_sanitario"]),
    }
}

/// Resources the seed gives for a named activity: (title prefix, source,
/// amount in cents, start, end). The seed states the project's whole
/// resources, which the demo records as one line of the first year.
fn named_resources(
    title: &str,
) -> Option<(&'static str, i64, Option<time::Date>, Option<time::Date>)> {
    if title.starts_with("SEUS") {
        Some((
            "fondo_sociale_regionale",
            35_624_000,
            Some(date!(2024 - 01 - 01)),
            Some(date!(2026 - 06 - 30)),
        ))
    } else if title.starts_with("Pronto Badante") {
        Some((
            "fondo_sociale_regionale",
            29_348_158,
            Some(date!(2023 - 07 - 01)),
            Some(date!(2026 - 06 - 30)),
        ))
    } else if title.starts_with("Progetto AMIBUS 4") {
        Some(("fse_plus", 146_124_592, None, None))
    } else {
        None
    }
}

/// Activities the seeds name, by programme: (programme, title, description).
const NAMED: &[(&str, &str, &str)] = &[
    ("SEUS", "SEUS – Servizio di Emergenza Urgenza Sociale", "Servizio di secondo livello con numero verde regionale h24, 365 giorni l'anno; dal 1/1/2024 al 30/6/2026, € 356.240,00."),
    ("Servizi non autosufficienza e disabilità", "Pronto Badante", "Sostegno alla persona anziana alla prima fragilità; numero unico regionale 055 4383000; dal 1/7/2023 al 30/6/2026, € 293.481,58."),
    ("Servizi non autosufficienza e disabilità", "Progetto AMIBUS 4 – FSE+ permanenza a domicilio", "Buoni servizio su piani individualizzati, 4 azioni; 36 mesi dalla convenzione (2024), € 1.461.245,92."),
    ("PNRR_Missione 5", "PNRR M5C2 1.1.1 – Sostegno capacità genitoriali (P.I.P.P.I.)", ""),
    ("PNRR_Missione 5", "PNRR M5C2 1.1.2 – Autonomia degli anziani non autosufficienti", ""),
    ("PNRR_Missione 5", "PNRR M5C2 1.1.3 – Servizi sociali a favore della domiciliarità", ""),
    ("PNRR_Missione 5", "PNRR M5C2 1.1.4 – Rafforzamento servizi sociali e prevenzione burn out", ""),
    ("PNRR_Missione 5", "PNRR M5C2 1.2 – Percorsi di autonomia per persone con disabilità", ""),
    ("PNRR_Missione 5", "PNRR M5C2 1.3.1 – Housing First", ""),
    ("PNRR_Missione 5", "PNRR M5C2 1.3.2 – Stazioni di Posta", ""),
    ("PNRR_Missione 6", "PNRR M6C1 – Case della Comunità secondo il DM 77", ""),
    ("PNRR_Missione 6", "PNRR M6C1 – Centrali Operative Territoriali", ""),
    ("PNRR_Missione 6", "PNRR M6C1 – Infermiere di Famiglia e Comunità", ""),
    ("Contrasto povertà e alte marginalità sociali", "Passaggio dal Reddito di Cittadinanza all'Assegno di Inclusione", ""),
    ("Assegno di Inclusione", "Assegno di Inclusione – presa in carico e Patto per l'inclusione sociale (PAIS)", ""),
    ("Progetto SAI", "SAI – accoglienza richiedenti asilo e rifugiati, categoria ordinari 2023-2025", ""),
    ("Progetto SAI", "SAI – minori stranieri non accompagnati", ""),
    ("Senza dimora", "Pronto intervento sociale e povertà estrema", ""),
    ("Senza dimora", "Housing First e Housing Led", ""),
    ("Tutela infanzia e famiglia", "Centro Affidi e Centro Adozioni", ""),
    ("Tutela infanzia e famiglia", "Incontri protetti ed osservati", ""),
    ("Integrazione sociale disabilità", "Centri diurni di aggregazione e socializzazione per persone con disabilità", ""),
    ("Integrazione sociale disabilità", "Trasporto collettivo di persone con disabilità", ""),
    ("Invecchiamento attivo", "Servizi integrativi domiciliari per anziani (prossimità e trasporto)", ""),
    ("Contrasto dipendenze", "Progetto #SaiAssai", ""),
    ("Contrasto dipendenze", "MIG SerD – riduzione del danno", ""),
];

/// One year of the demo: the programmes and how many activities the seed counts.
struct DemoYear<'a> {
    year: i64,
    programmes: &'a [(usize, &'a str)],
    total: usize,
    /// The year before, which this one continues.
    previous: Option<&'a YearIds>,
}

/// What the demo sheets refer to.
pub struct DemoRefs<'a> {
    pub zone: i64,
    /// (unit name, unit id, organisation id)
    pub units: &'a [(&'a str, i64, i64)],
    pub municipalities: &'a [i64],
}

/// A deterministic demo amount with cents, so that sums are exercised.
fn demo_amount(p: usize, k: usize) -> i64 {
    let euros = 8_000 + ((k * 7_919 + p * 104_729) % 190) as i64 * 1_000;
    euros * 100 + ((k * 37 + p * 11) % 100) as i64
}

async fn load_year(
    db: &Db,
    demo: &Actor,
    refs: &DemoRefs<'_>,
    pis: i64,
    objectives: &[i64],
    y: DemoYear<'_>,
) -> Result<YearIds> {
    let DemoYear {
        year,
        programmes,
        total,
        previous,
    } = y;
    let none = YearIds {
        plan: 0,
        sheets: HashMap::new(),
        programmes: HashMap::new(),
    };
    let previous = previous.unwrap_or(&none);
    let zone = refs.zone;
    let plan = planning::create_annual_plan(db, demo, zone, year, pis).await?;
    let mut ids = Vec::new();
    for (i, (o, title)) in programmes.iter().enumerate() {
        let old_title = RENAMED
            .iter()
            .find(|(_, new)| new == title)
            .map_or(*title, |(old, _)| old);
        let p = planning::NewProgramme {
            health_objective_id: objectives[*o],
            position: i as i64 + 1,
            title: title.to_string(),
            previous_id: previous.programmes.get(old_title).copied(),
        };
        ids.push(planning::add_programme(db, demo, zone, plan, &p).await?);
    }
    // (programme index, title, description, is placeholder)
    let mut wanted: Vec<(usize, String, Option<String>, bool)> = Vec::new();
    for (programme, title, description) in NAMED {
        if let Some(p) = programmes.iter().position(|(_, t)| t == programme) {
            let d = (!description.is_empty()).then(|| description.to_string());
            wanted.push((p, title.to_string(), d, false));
        }
    }
    // Fill up to the count the seed gives, spreading placeholders evenly.
    let mut per_programme = vec![0usize; programmes.len()];
    let mut n = 0;
    while wanted.len() < total {
        let p = n % programmes.len();
        n += 1;
        per_programme[p] += 1;
        wanted.push((
            p,
            format!("Attività dimostrativa n. {}", per_programme[p]),
            Some(
                "Dato dimostrativo: la fonte indica il numero delle attività, non il loro nome."
                    .into(),
            ),
            true,
        ));
    }
    wanted.sort_by_key(|w| w.0);
    let mut counter = vec![0usize; programmes.len()];
    let mut items = Vec::new();
    let mut keys = Vec::new();
    for (p, title, description, placeholder) in wanted {
        counter[p] += 1;
        let k = counter[p];
        let programme = programmes[p].1;
        let prof = profile(programme);
        let (unit_id, organisation_id) = refs
            .units
            .iter()
            .find(|(name, _, _)| *name == prof.unit)
            .map(|(_, u, o)| (*u, *o))
            .with_context(|| format!("demo unit {}", prof.unit))?;
        let (funding, start_date, end_date, indicators) = match named_resources(&title) {
            Some((source, cents, start, end)) => (
                vec![FundingLine {
                    source: source.into(),
                    year,
                    amount: Cents(cents),
                }],
                start,
                end,
                Vec::new(),
            ),
            None => {
                let amount = demo_amount(p, k);
                let funding = if prof.sources.len() > 1 {
                    // 70 / 30, exact to the cent: the second line takes the remainder.
                    let first = amount * 7 / 10;
                    vec![
                        FundingLine {
                            source: prof.sources[0].into(),
                            year,
                            amount: Cents(first),
                        },
                        FundingLine {
                            source: prof.sources[1].into(),
                            year,
                            amount: Cents(amount - first),
                        },
                    ]
                } else {
                    vec![FundingLine {
                        source: prof.sources[0].into(),
                        year,
                        amount: Cents(amount),
                    }]
                };
                let indicators = if placeholder {
                    let base = 40 + (k as i64 * 13 + p as i64 * 7) % 160;
                    vec![Indicator {
                        name: "Persone prese in carico (dato dimostrativo)".into(),
                        unit: "persone".into(),
                        baseline: Some(base.into()),
                        target: Some((base + base / 10 + 1).into()),
                        actual: None,
                    }]
                } else {
                    Vec::new()
                };
                (
                    funding,
                    Some(time::Date::from_calendar_date(
                        year as i32,
                        time::Month::January,
                        1,
                    )?),
                    Some(time::Date::from_calendar_date(
                        year as i32,
                        time::Month::December,
                        31,
                    )?),
                    indicators,
                )
            }
        };
        let kind = if title.starts_with("PNRR")
            || title.contains("Progetto")
            || title.starts_with("SAI")
        {
            "progetto"
        } else if placeholder && k % 3 == 0 {
            "intervento"
        } else {
            "servizio"
        };
        // Sheets continue from last year when the programme (or its new name)
        // and the title match.
        let old_programme = RENAMED
            .iter()
            .find(|(_, new)| *new == programme)
            .map_or(programme, |(old, _)| old);
        let previous_id = previous
            .sheets
            .get(&(old_programme.to_string(), title.clone()))
            .copied();
        keys.push((programme.to_string(), title.clone()));
        let content = SheetContent {
            title,
            description,
            programme_id: ids[p],
            sector: Some(prof.sector.into()),
            kind: Some(kind.into()),
            target_areas: prof.areas.iter().map(|a| a.to_string()).collect(),
            unit_id: Some(unit_id),
            organisation_id: Some(organisation_id),
            municipality_ids: refs.municipalities.to_vec(),
            start_date,
            end_date,
            funding,
            indicators,
            internal_notes: None,
        };
        let status = if year >= 2025 && prof.unit == "UF Salute mentale adulti" {
            SheetStatus::ToFill
        } else {
            SheetStatus::Accepted
        };
        items.push(NewSheet {
            code: format!("{year}-{:02}-{:03}", p + 1, k),
            demo: placeholder,
            status,
            previous_id,
            content,
        });
    }
    let new_ids = sheets::add_sheets(db, demo, plan, &items).await?;
    Ok(YearIds {
        plan,
        sheets: keys.into_iter().zip(new_ids).collect(),
        programmes: programmes
            .iter()
            .map(|(_, t)| t.to_string())
            .zip(ids)
            .collect(),
    })
}

/// What the next year links to: the plan, its sheets by (programme, title),
/// its programmes by title.
struct YearIds {
    plan: i64,
    sheets: HashMap<(String, String), i64>,
    programmes: HashMap<String, i64>,
}

pub async fn load(
    db: &Db,
    demo: &Actor,
    zone: i64,
    units: &[(&str, i64, i64)],
    municipalities: &[i64],
) -> Result<()> {
    let refs = DemoRefs {
        zone,
        units,
        municipalities,
    };
    let pis = planning::create_health_plan(
        db,
        demo,
        zone,
        "Piano Integrato di Salute 2020-2022",
        2020,
        2022,
        HealthPlanStatus::InForce,
    )
    .await?;
    let mut objectives = Vec::new();
    for (i, title) in OBJECTIVES.iter().enumerate() {
        objectives
            .push(planning::add_health_objective(db, demo, zone, pis, i as i64 + 1, title).await?);
    }
    let y2024 = load_year(
        db,
        demo,
        &refs,
        pis,
        &objectives,
        DemoYear {
            year: 2024,
            programmes: &PROGRAMMES_2024,
            total: 130,
            previous: None,
        },
    )
    .await?;
    sheets::approve_plan(
        db,
        demo,
        y2024.plan,
        &ActInput {
            kind: ActKind::Approval,
            issuer: "Conferenza Zonale dei Sindaci Integrata".into(),
            number: "1 (dimostrativo)".into(),
            act_date: date!(2024 - 04 - 30),
            description: Some(
                "Atto dimostrativo: le fonti non riportano gli estremi dell'approvazione.".into(),
            ),
        },
    )
    .await?;
    load_year(
        db,
        demo,
        &refs,
        pis,
        &objectives,
        DemoYear {
            year: 2025,
            programmes: &PROGRAMMES_2025,
            total: 116,
            previous: Some(&y2024),
        },
    )
    .await?;
    load_frame(db, demo, zone, pis, &objectives).await
}

/// The nine general objectives of the PSSIR of Regione Toscana (seed 004).
const PSSIR_OBJECTIVES: [&str; 9] = [
    "Promuovere la salute in tutte le politiche: \"Health in all policies\"",
    "L'assistenza territoriale",
    "Rafforzare l'integrazione sociale e sociosanitaria e le politiche di inclusione",
    "Promuovere e realizzare la circolarità tra i servizi territoriali in rete, le cure di transizione, la riabilitazione, la rete specialistica ospedaliera e il sistema integrato delle reti",
    "Appropriatezza delle cure e governo della domanda",
    "La trasformazione digitale nel sistema sanitario, sociosanitario e sociale",
    "Transizione ecologica e politiche territoriali",
    "Contrasto alle diseguaglianze di salute e sociali",
    "Integrazione socio sanitaria per la presa in carico globale della persona",
];

/// Which PSSIR objectives each of the five health objectives serves: a
/// reading by subject (docs/demo-data.md).
const LINKS: [&[usize]; 5] = [&[2], &[7], &[2, 3], &[0], &[1, 8]];

/// The regional frame, its links to the PIS in force, and the PIS 2026-2028
/// in preparation with the timeline of seed 004.
async fn load_frame(
    db: &Db,
    demo: &Actor,
    zone: i64,
    pis_id: i64,
    objectives: &[i64],
) -> Result<()> {
    use zona_store::pis;
    let region = zona_store::territory::get_zone(db, zone)
        .await?
        .context("demo zone")?
        .region_id;
    let pssir = pis::create_regional_plan(
        db,
        demo,
        region,
        "Piano sanitario e sociale integrato regionale 2024-2026",
        (2024, 2026),
        &PSSIR_OBJECTIVES,
    )
    .await?;
    let regional = &pis::regional_plans(db, region).await?[0].1;
    pis::update_knowledge(
        db,
        demo,
        pis_id,
        1,
        &pis::KnowledgeInput {
            status: HealthPlanStatus::InForce,
            regional_plan_id: Some(pssir),
            health_profile: None,
            services_profile: None,
            documents: None,
        },
    )
    .await?;
    for (o, links) in objectives.iter().zip(LINKS) {
        let ids: Vec<i64> = links.iter().map(|i| regional[*i].id).collect();
        pis::set_objective_links(db, demo, zone, *o, &ids, &[]).await?;
    }
    let next = planning::create_health_plan(
        db,
        demo,
        zone,
        "Piano Integrato di Salute 2026-2028",
        2026,
        2028,
        HealthPlanStatus::InPreparation,
    )
    .await?;
    pis::update_knowledge(
        db,
        demo,
        next,
        1,
        &pis::KnowledgeInput {
            status: HealthPlanStatus::InPreparation,
            regional_plan_id: Some(pssir),
            health_profile: Some(
                "Profilo di salute 2024 (seed 000): inverno demografico, con il rapporto giovani/anziani ribaltato; \
                 mortalità e speranza di vita sotto la media regionale; disagio economico, lavorativo e abitativo \
                 crescente; comportamenti a rischio diffusi tra i giovani; minori a rischio e instabilità familiare in aumento; \
                 la cronicità come una delle sfide maggiori."
                    .into(),
            ),
            services_profile: None,
            documents: Some("Relazione di accompagnamento\nRelazione sullo stato di salute".into()),
        },
    )
    .await?;
    let d = |y, m, day| time::Date::from_calendar_date(y, m, day);
    use time::Month::*;
    let milestones = [
        ("Avvio del procedimento del PIS con le linee strategiche (Conferenza zonale dei Sindaci Integrata), ottobre 2025", d(2025, October, 1)?, Some(d(2025, October, 31)?), true),
        ("Co-programmazione con gli Enti del Terzo Settore: avviso pubblico, incontri e laboratori", d(2025, November, 1)?, Some(d(2026, February, 24)?), true),
        ("Laboratorio di definizione dei bisogni di salute – Cisternino di Città", d(2026, January, 13)?, None, true),
        ("Laboratorio di definizione degli obiettivi di salute – Cisternino di Città", d(2026, January, 27)?, None, true),
        ("Laboratorio di definizione delle priorità e degli interventi – Cisternino di Città", d(2026, February, 10)?, None, true),
        ("Incontro di restituzione degli esiti del percorso – Cisternino di Città", d(2026, February, 24)?, None, true),
        ("Approvazione del PIS (Conferenza zonale dei Sindaci Integrata), prevista dopo il percorso", d(2026, February, 25)?, Some(d(2026, March, 31)?), true),
    ];
    for (label, from, to, public) in milestones {
        pis::add_milestone(db, demo, next, label, (from, to), public).await?;
    }
    Ok(())
}
