//! Demo network of the Zona Livornese (seed 000): the seven future Case della
//! Comunità with their services, the intermediate-care beds, the two main
//! family clinics, the "dopo di noi" apartment; the project cards of SEUS,
//! Pronto Badante and AMIBUS 4; the PNRR projects the co-design table names.
//! Readings are in docs/demo-data.md.

use anyhow::Result;
use time::macros::date;
use time::Date;
use zona_core::network::{CareLevel, FacilityKind, FacilityStatus, HouseHours, HubSpoke, Presence};
use zona_core::projects::{AmountRange, ProjectStatus};
use zona_core::Cents;
use zona_store::network::{self as net, Beds, FacilityInput};
use zona_store::projects::{self as store, ProjectAction, ProjectInput, ProjectTarget};
use zona_store::sheets::{self, SheetQuery};
use zona_store::{Actor, Db, Page};

/// The services of every house (seed 000, "caratteristiche specifiche a
/// regime"): the rows with seven crosses.
const EVERY_HOUSE: &[&str] = &[
    "mmg",
    "specialistica",
    "ifec",
    "ambulatorio_prossimita",
    "pua",
    "sportello_cup",
    "punto_prelievi",
    "consultorio",
    "screening",
];

/// The rows with fewer crosses, and how many: the slide's text keeps the
/// crosses but not their columns, so they are read as filled from the left
/// (the two hubs first), the order of the slide's columns.
const SOME_HOUSES: &[(&str, usize)] = &[
    ("servizio_sociale", 2),
    ("vaccinazioni", 2),
    ("sma", 2),
    ("smia", 3),
    ("serd", 2),
    ("telemedicina", 6),
    ("diagnostica", 2),
    ("partecipazione", 5),
];

/// The seven houses in the order of the slide's columns: name, hub/spoke,
/// users, municipality index (0 Livorno, 1 Collesalvetti: Stagno is a
/// frazione of Collesalvetti).
const HOUSES: &[(&str, HubSpoke, i64, usize)] = &[
    ("Casa della Comunità Livorno Nord", HubSpoke::Hub, 34_000, 0),
    (
        "Casa della Comunità Padiglione 24",
        HubSpoke::Hub,
        34_000,
        0,
    ),
    (
        "Casa della Comunità Via del Mare",
        HubSpoke::Spoke,
        28_000,
        0,
    ),
    (
        "Casa della Comunità Livorno Centro",
        HubSpoke::Spoke,
        26_000,
        0,
    ),
    (
        "Casa della Comunità Livorno Est",
        HubSpoke::Spoke,
        41_200,
        0,
    ),
    ("Casa della Comunità Stagno", HubSpoke::Spoke, 4_300, 1),
    (
        "Casa della Comunità Collesalvetti",
        HubSpoke::Spoke,
        13_000,
        1,
    ),
];

/// The services of the house in column `column` (0-based).
pub fn house_services(column: usize) -> Vec<String> {
    let mut v: Vec<String> = EVERY_HOUSE.iter().map(|s| s.to_string()).collect();
    v.extend(
        SOME_HOUSES
            .iter()
            .filter(|(_, n)| column < *n)
            .map(|(s, _)| s.to_string()),
    );
    v
}

fn facility(zone_id: i64, kind: FacilityKind, name: &str, status: FacilityStatus) -> FacilityInput {
    FacilityInput {
        zone_id,
        kind,
        name: name.into(),
        hub_spoke: None,
        opening_hours: None,
        catchment: None,
        address: None,
        municipality_id: None,
        status,
        focus: None,
        users_min: None,
        users_max: None,
        accesses: None,
        places: None,
        project_id: None,
        notes: None,
        beds: Vec::new(),
        hours: HouseHours::default(),
    }
}

fn beds(care_level: CareLevel, n: i64) -> Vec<Beds> {
    vec![Beds {
        care_level,
        beds: n,
        note: None,
    }]
}

fn euros(s: &str) -> Option<Cents> {
    Some(Cents::parse_it(s).expect("demo amount"))
}

fn range(min: &str, max: &str) -> Option<AmountRange> {
    AmountRange::read(min, max).expect("demo range")
}

#[allow(clippy::too_many_arguments)]
fn project(
    zone_id: i64,
    title: &str,
    summary: &str,
    duration: &str,
    period: Option<(Date, Date)>,
    status: ProjectStatus,
    responsible: i64,
) -> ProjectInput {
    ProjectInput {
        zone_id,
        title: title.into(),
        summary: summary.into(),
        service: None,
        zone_note: None,
        duration_text: duration.into(),
        start_date: period.map(|p| p.0),
        end_date: period.map(|p| p.1),
        resources: None,
        funding: None,
        pnrr_code: None,
        cup: None,
        cup_warning: None,
        responsible_organisation_id: Some(responsible),
        status,
        published: true,
        actions: Vec::new(),
        targets: Vec::new(),
        activity_ids: Vec::new(),
    }
}

fn action(
    title: &str,
    description: &str,
    amount: Option<AmountRange>,
    basis: &str,
) -> ProjectAction {
    ProjectAction {
        title: title.into(),
        description: Some(description.into()),
        amount,
        basis: Some(basis.into()),
    }
}

/// The three cards of seed 000, word for word.
fn cards(zone_id: i64, ausl: i64) -> Vec<(&'static str, ProjectInput)> {
    let seus = ProjectInput {
        service: Some("Raccoglie segnalazioni da soggetti pubblici (servizi sociali territoriali, forze dell'ordine, dipartimento dell'emergenza urgenza sanitaria e altri servizi sanitari) e da altri soggetti del territorio che si trovino di fronte ad una situazione di emergenza-urgenza sociale personale o familiare (Rete Codice Rosa, abbandono, non autosufficienza, abusi e maltrattamenti e condizioni di povertà), evento calamitoso emergenza climatica, che richiedano un pronto intervento.\nA seguito della segnalazione, la Centrale operativa del Seus interessata effettua la valutazione professionale e fornisce una assistenza immediata per la fase emergenziale attraverso l'attivazione delle professionalità necessarie.".into()),
        zone_note: Some("È uno dei 16 su 28 Ambiti territoriali toscani nei quali il SEUS è attivo in sperimentazione".into()),
        resources: euros("356.240,00"),
        ..project(
            zone_id,
            "SEUS – Servizio di Emergenza Urgenza Sociale",
            "Sistema-servizio di secondo livello dedicato e specifico che dispone di un numero verde unico regionale gratuito attivo h24 e 365 giorni all'anno.",
            "Dal 1 gennaio 2024 al 30 giugno 2026",
            Some((date!(2024 - 01 - 01), date!(2026 - 06 - 30))),
            ProjectStatus::Ongoing,
            ausl,
        )
    };
    let badante = ProjectInput {
        service: Some("Una volta contattato il numero unico regionale 055 4383000, qualora sussistano tutte queste condizioni, la richiesta viene inoltrata ad operatori autorizzati che si recheranno presso l'abitazione della persona anziana e/o attraverso l'utilizzo di nuove tecnologie, compreso quelle digitali (per es. video-chiamata).\nLa persona anziana, inoltre, è beneficiaria di una erogazione attraverso il libretto famiglia per il lavoro occasionale accessorio, per un importo complessivo di euro 300,00, una tantum, pari alla copertura di massimo 30 ore, da utilizzare per le prime necessità.".into()),
        resources: euros("293.481,58"),
        ..project(
            zone_id,
            "Pronto Badante",
            "Servizio di sostegno rivolto alla persona anziana nel momento in cui si presenta, per la prima volta, una situazione di fragilità.",
            "Dal 1 luglio 2023 al 30 giugno 2026",
            Some((date!(2023 - 07 - 01), date!(2026 - 06 - 30))),
            ProjectStatus::Ongoing,
            ausl,
        )
    };
    let amibus = ProjectInput {
        service: Some("In coerenza con quanto previsto dall'attività precedenti saranno realizzati interventi attraverso l'erogazione di Buoni servizio alle persone aventi diritto sulla base di Piani individualizzati.\nSi distribuisce su 4 AZIONI.".into()),
        resources: euros("1.461.245,92"),
        funding: Some("FSE+ 2021-2027".into()),
        actions: vec![
            action(
                "AZIONE 1 – Servizi di continuità assistenziale ospedale-territorio",
                "Attraverso un Piano individualizzato con la combinazione di più tipologie di intervento.",
                range("800", "3.000"),
                "per Piano individualizzato",
            ),
            action(
                "AZIONE 2 – Percorsi di cura e di assistenza a persone affette da demenza e ai loro familiari",
                "Attraverso un Piano individualizzato con la combinazione di più tipologie di intervento.",
                range("3.000", "8.000"),
                "per Piano individualizzato",
            ),
            action(
                "AZIONE 3 – Ampliamento del servizio di assistenza familiare",
                "È rivolta a persone anziane ultra 65enni attraverso un Buono servizio il cui ammontare mensile può variare in base all'ISEE.",
                range("200", "800"),
                "al mese, in base all'ISEE",
            ),
            action(
                "AZIONE 4 – Percorsi di assistenza ai minori disabili e ai loro familiari",
                "Attraverso l'accesso a servizi di carattere socio-assistenziale ai minori disabili e servizi di sostegno alle loro famiglie.",
                range("2.000", "8.000"),
                "buono erogato",
            ),
        ],
        ..project(
            zone_id,
            "Progetto AMIBUS 4",
            "Progetto con risorse 2021-2027 del FSE+ finalizzato a sostenere la permanenza al proprio domicilio delle persone non autosufficienti o a rischio di non autosufficienza.",
            "36 mesi dalla sottoscrizione Convenzione (nel 2024)",
            None,
            ProjectStatus::Planned,
            ausl,
        )
    };
    vec![
        ("SEUS", seus),
        ("Pronto Badante", badante),
        ("Progetto AMIBUS 4", amibus),
    ]
}

/// The PNRR projects the co-design table of seed 000 names, with its CUPs,
/// holders, statuses and periods: (activity title start, project).
fn pnrr_projects(zone_id: i64, ausl: i64, livorno: i64) -> Vec<(&'static str, ProjectInput)> {
    let pnrr = |code: &str, cup: Option<&str>, p: ProjectInput| ProjectInput {
        pnrr_code: Some(code.into()),
        cup: cup.map(str::to_string),
        funding: Some("PNRR – NextGenerationEU".into()),
        ..p
    };
    vec![
        (
            "PNRR M5C2 1.1.1",
            pnrr(
                "M5C2-1.1.1",
                Some("J44H22000200006"),
                project(
                    zone_id,
                    "P.I.P.P.I. – Sostegno alle capacità genitoriali e prevenzione della vulnerabilità delle famiglie e dei bambini",
                    "Interventi a valere sulle risorse del PNRR, Missione 5 Componente 2 Sottocomponente 1 Investimento 1.1.1, attuati in co-progettazione.",
                    "Come da convenzione di co-progettazione",
                    None,
                    ProjectStatus::Ongoing,
                    livorno,
                ),
            ),
        ),
        (
            "PNRR M5C2 1.1.3",
            pnrr(
                "M5C2-1.1.3",
                None,
                project(
                    zone_id,
                    "PNRR M5 1.1.3 – Servizi sociali a favore della domiciliarità",
                    "Rafforzamento dei servizi sociali domiciliari per garantire la dimissione anticipata assistita e prevenire l'ospedalizzazione.",
                    "2023-2026",
                    Some((date!(2023 - 01 - 01), date!(2026 - 12 - 31))),
                    ProjectStatus::Ongoing,
                    ausl,
                ),
            ),
        ),
        (
            "PNRR M5C2 1.2",
            ProjectInput {
                targets: vec![ProjectTarget {
                    description: "Persone accolte nell'appartamento «dopo di noi» di via Piave".into(),
                    target: 12,
                    achieved: None,
                    due_date: Some(date!(2026 - 06 - 30)),
                }],
                ..pnrr(
                    "M5C2-1.2",
                    None,
                    project(
                        zone_id,
                        "PNRR M5 1.2 – Percorsi di autonomia per persone con disabilità",
                        "Percorsi di autonomia per persone con disabilità, tra cui l'appartamento «dopo di noi» di via Piave per 12 persone.",
                        "2022-2026",
                        Some((date!(2022 - 01 - 01), date!(2026 - 12 - 31))),
                        ProjectStatus::Ongoing,
                        ausl,
                    ),
                )
            },
        ),
        (
            "PNRR M5C2 1.3.1",
            pnrr(
                "M5C2-1.3.1",
                Some("J44H22000250006"),
                project(
                    zone_id,
                    "Housing First – Sub-investimento 1.3.1",
                    "Appartamenti per persone senza dimora fino a 24 mesi, con percorsi di autonomia.",
                    "Da giugno 2024 a marzo 2026",
                    Some((date!(2024 - 06 - 01), date!(2026 - 03 - 31))),
                    ProjectStatus::Planned,
                    livorno,
                ),
            ),
        ),
        (
            "PNRR M5C2 1.3.2",
            pnrr(
                "M5C2-1.3.2",
                Some("J44H22000260006"),
                project(
                    zone_id,
                    "Stazioni di Posta – Sub-investimento 1.3.2",
                    "Centro di servizi e di inclusione per le persone senza dimora.",
                    "Da giugno 2024 a marzo 2026",
                    Some((date!(2024 - 06 - 01), date!(2026 - 03 - 31))),
                    ProjectStatus::Planned,
                    livorno,
                ),
            ),
        ),
        (
            "PNRR M6C1 – Case della Comunità",
            ProjectInput {
                targets: vec![ProjectTarget {
                    description: "Case della Comunità della zona attive secondo il DM 77/2022".into(),
                    target: 7,
                    achieved: Some(0),
                    due_date: None,
                }],
                ..pnrr(
                    "M6C1-1.1",
                    None,
                    project(
                        zone_id,
                        "Case della Comunità della Zona Distretto Livornese",
                        "Progettare le Case della Comunità secondo le indicazioni del DM 77/2022: due hub e cinque spoke.",
                        "Fino alla messa a regime",
                        None,
                        ProjectStatus::Started,
                        ausl,
                    ),
                )
            },
        ),
    ]
}

pub async fn load(
    db: &Db,
    demo: &Actor,
    zone_id: i64,
    municipalities: &[i64],
    ausl: i64,
    livorno: i64,
) -> Result<()> {
    let sheets_2024 = match zona_store::planning::annual_plan_id(db, zone_id, 2024).await? {
        Some(plan) => {
            sheets::list_sheets(db, plan, &SheetQuery::default(), Page::all())
                .await?
                .0
        }
        None => Vec::new(),
    };
    let mut ids = std::collections::HashMap::new();
    let all = cards(zone_id, ausl)
        .into_iter()
        .chain(pnrr_projects(zone_id, ausl, livorno));
    for (sheet_title, mut input) in all {
        if let Some(s) = sheets_2024
            .iter()
            .find(|s| s.title.starts_with(sheet_title))
        {
            input.activity_ids.push(s.id);
        }
        let code = input.pnrr_code.clone();
        let id = store::create_project(db, demo, &input).await?;
        if let Some(c) = code {
            ids.insert(c, id);
        }
    }

    let livorno_m = municipalities.first().copied();
    let collesalvetti_m = municipalities.get(1).copied();
    let mut house_ids = Vec::new();
    for (name, hub_spoke, users, m) in HOUSES {
        let input = FacilityInput {
            hub_spoke: Some(*hub_spoke),
            opening_hours: Some(
                match hub_spoke {
                    HubSpoke::Hub => "h24 7 giorni su 7",
                    HubSpoke::Spoke => "h12 6 giorni su 7",
                }
                .into(),
            ),
            // The seed gives each house's opening ("aperte 7 giorni su 7
            // h24" for the hubs, "6 giorni su 7 con orario h12" for the
            // spokes): read as the medical presence. It says nothing of the
            // nurses, so their presence is left unrecorded.
            hours: HouseHours {
                doctors: Some(match hub_spoke {
                    HubSpoke::Hub => Presence::new(24, 7).map_err(anyhow::Error::msg)?,
                    HubSpoke::Spoke => Presence::new(12, 6).map_err(anyhow::Error::msg)?,
                }),
                nurses: None,
            },
            catchment: Some(*users),
            municipality_id: if *m == 0 { livorno_m } else { collesalvetti_m },
            project_id: ids.get("M6C1-1.1").copied(),
            ..facility(
                zone_id,
                FacilityKind::CommunityHouse,
                name,
                FacilityStatus::Planned,
            )
        };
        house_ids.push(net::create_facility(db, demo, &input).await?);
    }
    let grid: Vec<(i64, Vec<String>)> = house_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, house_services(i)))
        .collect();
    // Houses just created are at their first version.
    let versions = house_ids.iter().map(|id| (*id, 1)).collect();
    net::set_services(db, demo, zone_id, &grid, &versions).await?;

    let others = [
        FacilityInput {
            beds: beds(CareLevel::Third, 20),
            municipality_id: livorno_m,
            notes: Some("Nella Casa della Comunità hub Livorno Nord.".into()),
            ..facility(
                zone_id,
                FacilityKind::CommunityHospital,
                "Ospedale di Comunità della CdC Hub Livorno Nord",
                FacilityStatus::Open,
            )
        },
        FacilityInput {
            beds: beds(CareLevel::FirstSecond, 40),
            municipality_id: livorno_m,
            ..facility(
                zone_id,
                FacilityKind::IntermediateCare,
                "Padiglione 5 del Presidio Ospedaliero di Livorno",
                FacilityStatus::Open,
            )
        },
        FacilityInput {
            beds: beds(CareLevel::LowCare, 34),
            municipality_id: livorno_m,
            ..facility(
                zone_id,
                FacilityKind::IntermediateCare,
                "Casa di Cura Villa Tirrena",
                FacilityStatus::Open,
            )
        },
        FacilityInput {
            municipality_id: livorno_m,
            focus: Some("Punto di riferimento per le attività rivolte alla Famiglia, in particolare per i percorsi relativi la genitorialità e la conflittualità familiare compresi quelli a carattere zonale multidisciplinare (UVMi).".into()),
            ..facility(
                zone_id,
                FacilityKind::FamilyClinic,
                "Consultorio Est",
                FacilityStatus::Open,
            )
        },
        FacilityInput {
            municipality_id: livorno_m,
            focus: Some("Attività molto orientata alla continuità H/T (Percorsi Nascita, IVG, Codice Rosa).".into()),
            users_min: Some(11_000),
            users_max: Some(12_000),
            accesses: Some(30_000),
            ..facility(
                zone_id,
                FacilityKind::FamilyClinic,
                "Consultorio Centro",
                FacilityStatus::Open,
            )
        },
        FacilityInput {
            places: Some(12),
            address: Some("Via Piave".into()),
            municipality_id: livorno_m,
            project_id: ids.get("M5C2-1.2").copied(),
            ..facility(
                zone_id,
                FacilityKind::Other,
                "Appartamento «dopo di noi» di via Piave",
                FacilityStatus::Planned,
            )
        },
    ];
    for f in &others {
        net::create_facility(db, demo, f).await?;
    }
    Ok(())
}
