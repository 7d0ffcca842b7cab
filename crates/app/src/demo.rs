//! The demo zone: Zona Distretto Livornese, from the source documents
//! (docs/demo-data.md says where each record comes from).

use anyhow::Result;
use zona_core::authz::{Grant, Role};
use zona_core::network::InnerAreaClass;
use zona_core::org::OrganisationKind;
use zona_store::organisations::{self as orgs, OrganisationInput, UnitInput};
use zona_store::territory::{self, MunicipalityInput, Population, RegionInput, ZoneInput};
use zona_store::users::{self, UserInput};
use zona_store::{Actor, Db};

/// The password of every demo account, printed when the demo starts.
pub const DEMO_PASSWORD: &str = "demo-livornese-2026";

/// Municipalities: name, ISTAT code, population at 31/12/2024, its source.
/// The zone's municipalities: name, ISTAT code, population at 31/12/2024
/// and its source, and the national inner-areas class of the "Mappa delle
/// aree interne 2020" (NUVAP/ISTAT, cycle 2021-2027; docs/demo-data.md).
const MUNICIPALITIES: &[(&str, &str, i64, &str, InnerAreaClass)] = &[
    (
        "Livorno",
        "049009",
        153_154,
        "ISTAT, popolazione residente al 31/12/2024 (scheda SOC26 2025, rigo R03)",
        InnerAreaClass::Pole,
    ),
    (
        "Collesalvetti",
        "049008",
        16_383,
        "Dato dimostrativo approssimato: da verificare con ISTAT",
        InnerAreaClass::Belt,
    ),
    (
        "Capraia Isola",
        "049005",
        394,
        "Dato dimostrativo approssimato: da verificare con ISTAT",
        InnerAreaClass::UltraPeripheral,
    ),
];

/// Third Sector bodies named as partners in the co-design table of the POA 2024
/// (seed 000): name, legal form (as the name states it; "other" where it does
/// not) and the other names under which the table writes them.
pub const THIRD_SECTOR_BODIES: &[(&str, &str, &[&str])] = &[
    ("Cooperativa Sociale Il Simbolo", "social_cooperative", &[]),
    ("Cooperativa Sociale Arnera", "social_cooperative", &[]),
    (
        "Fondazione Caritas Livorno ETS",
        "foundation_ets",
        &["Fondazione Caritas Livorno"],
    ),
    (
        "Società Volontaria di Soccorso Pubblica Assistenza Livorno",
        "other",
        &[
            "Pubblica Assistenza SVS Livorno",
            "Società Volontaria di Soccorso Pubblica Assistenza di Livorno",
        ],
    ),
    ("Arci Livorno", "other", &[]),
    ("APS La Solidarietà", "aps", &[]),
    ("Associazione P24 Lila Livorno ODV", "odv", &[]),
    ("Coop. Sociale Cesdi Livorno", "social_cooperative", &[]),
    ("Associazione Il Sestante Solidarietà", "other", &[]),
    (
        "Associazione Diecidicembre - Arci Ragazzi Livorno APS",
        "aps",
        &[],
    ),
    ("Mezclar22", "other", &[]),
    ("CESDI Centro Servizi Donne Immigrate APS", "aps", &[]),
    (
        "Co&So, Consorzio per la Cooperazione e la Solidarietà",
        "consortium",
        &[],
    ),
    ("Odissea Cooperativa Sociale", "social_cooperative", &[]),
    ("Cooperativa Sociale Il Girasole", "social_cooperative", &[]),
    (
        "San Benedetto Cooperativa Sociale Onlus",
        "social_cooperative",
        &[],
    ),
    (
        "Cuore Liburnia Sociale - Coop. soc. onlus",
        "social_cooperative",
        &["Cuore Liburnia Sociale"],
    ),
    (
        "Nuovo Futuro Cooperativa Sociale",
        "social_cooperative",
        &["Nuovo Futuro"],
    ),
    ("Associazione Famiglia Aperta APS", "aps", &[]),
    ("Associazione Chilenos de Sardigna ODV", "odv", &[]),
    ("Associazione Nesi C.O.R.E.A.", "other", &[]),
    ("Fondazione Casa Papa Francesco", "other", &[]),
    ("Associazione Progetto Strada APS", "aps", &[]),
    ("Associazione OAMI", "other", &[]),
    ("Fondazione Luigi Scotto Onlus", "other", &[]),
    ("APODI Livorno Onlus", "other", &[]),
    ("Thisintegra SCS", "social_cooperative", &[]),
    ("Volaresenz'ali ODV", "odv", &[]),
    ("ANFFAS Onlus Livorno", "other", &[]),
    ("Croce Azzurra Livornoaiuta P.A.", "other", &[]),
    (
        "Venerabile Arciconfraternita della Misericordia di Livorno",
        "other",
        &[],
    ),
    ("In Associazione APS", "aps", &["IN ASSOCIAZIONE a.p.s."]),
    ("Pubblica Assistenza di Collesalvetti", "other", &[]),
    ("Auser Filo d'Argento di Livorno ODV", "odv", &[]),
    (
        "Confraternita di Santa Lucia VM e Misericordia di Antignano ODV",
        "odv",
        &[],
    ),
    ("Il Nuovo Millennio APS", "aps", &[]),
    ("Anteas ODV", "odv", &[]),
    ("Auser Collesalvetti ODV", "odv", &[]),
];

/// Other public bodies named as partners in the co-design table.
const OTHER_PUBLIC_BODIES: &[(&str, &[&str])] = &[
    ("Prefettura di Livorno", &[]),
    (
        "CNR - Istituto di Fisiologia Clinica di Pisa",
        &["CNR- IFC di Pisa"],
    ),
    ("ANCI Toscana", &[]),
];

/// Functional units of the health authority named in the documents (services
/// matrix of the Case della Comunità, programmes of the POA).
const HEALTH_UNITS: &[(&str, &str)] = &[
    (
        "Direzione di Zona Distretto",
        "Direzione della Zona Distretto Livornese.",
    ),
    ("UF Salute mentale adulti", "SMA: salute mentale adulti."),
    (
        "UF Salute mentale infanzia e adolescenza",
        "SMIA: salute mentale infanzia e adolescenza.",
    ),
    ("UF Dipendenze (SerD)", "Servizio per le dipendenze."),
    (
        "UF Attività consultoriali",
        "Consultori della zona (Consultorio Est, Consultorio Centro).",
    ),
    (
        "UF Cure primarie",
        "Medicina generale, infermieri di famiglia e comunità (IFeC), Case della Comunità.",
    ),
    (
        "ACOT - Agenzia di continuità ospedale-territorio",
        "Continuità assistenziale ospedale-territorio e cure intermedie.",
    ),
    ("Cure palliative", "Rete delle cure palliative."),
];

/// Municipal services named in the documents.
const LIVORNO_SERVICES: &[(&str, &str)] = &[
    (
        "Settore Politiche sociali",
        "Capofila della gestione associata socio-assistenziale della zona.",
    ),
    (
        "Servizio sociale professionale",
        "Assistenti sociali del Comune.",
    ),
    (
        "Centro Affidi e Centro Adozioni",
        "Servizio zonale in co-progettazione con il Terzo Settore.",
    ),
    (
        "Ufficio di Piano",
        "Organizza e gestisce la programmazione operativa annuale.",
    ),
];

/// The SOC26 2025 form of Livorno, exactly as seed 003 prints it.
pub const LIVORNO_SOC26_2025: &str = include_str!("../../../examples/soc26/livorno-2025.json");

/// Demo SOC26 forms for the two smaller municipalities: invented figures,
/// said so in their report (R16). Collesalvetti's spending is below its
/// standard need, so its form shows Quadro 3.
fn demo_soc26(name: &str, r03: u64) -> String {
    let scale = |n: u64| (n * r03 / 153_154).max(1);
    serde_json::json!({
        "form": "SOC26",
        "year": 2025,
        "name": name.to_uppercase(),
        "reference_year": {
            "M12": scale(559), "M15": scale(820), "M21": scale(1910), "M24": scale(900), "M27": scale(1470), "M30": scale(4050),
            "M35": scale(134), "M36": scale(173), "M38": scale(281), "M40": scale(2106), "M41": scale(533),
            "M44": scale(121), "M47": scale(77), "M53": scale(397), "M59": scale(253),
            "R01": if r03 > 1000 { "3,00" } else { "0,00" }, "R02": "2,00", "R07": format!("{},00", r03 * 110)
        },
        "current_year": {
            "M12": scale(2031), "M15": scale(1036), "M21": scale(3199), "M24": scale(700), "M27": scale(2684), "M30": scale(2298),
            "M35": scale(208), "M36": scale(463), "M38": scale(477), "M40": scale(2196), "M41": scale(1562),
            "M44": scale(247), "M47": scale(126), "M53": scale(456), "M59": scale(981),
            "R0C": "LIVORNESE", "R0D": "COMUNE DI LIVORNO", "R0E": 2071,
            "R01": if r03 > 1000 { "4,00" } else { "0,00" }, "R01A": "1,00",
            "R02": "3,00", "R02X": "0,00", "R02Y": "2,00", "R02A": "0,00",
            "R03": r03, "R05": "11,63",
            "R06": format!("{},00", r03 * 125), "R07": format!("{},00", r03 * 118), "R08": format!("{},00", r03 * 9), "R09": format!("{},00", r03 * 7),
            "R16": "Dati dimostrativi, non ufficiali: questa scheda serve a provare l'applicazione."
        },
        "hours": {
            "M12": scale(2031) * 50, "M15": scale(1036) * 100, "M21": scale(3199) * 33, "M24": scale(700), "M27": scale(2684) * 7,
            "M44": scale(247) * 1800, "M47": scale(126) * 800, "M53": scale(456) * 4800, "M59": scale(981) * 2700
        },
        "quadro3": {
            "R10": { "number": "1,00", "method": "Costo annuo di un assistente sociale", "spending": format!("{},00", r03 * 3) },
            "R13": { "spending": format!("{},00", r03 * 2) }
        }
    })
    .to_string()
}

pub async fn load(db: &Db) -> Result<Vec<(String, String)>> {
    let demo = Actor::system("demo");
    let region = territory::create_region(
        db,
        &demo,
        &RegionInput {
            code: "RT".into(),
            name: "Regione Toscana".into(),
        },
    )
    .await?;
    let mut zone_input = ZoneInput {
        region_id: region,
        code: "ZD-LIV".into(),
        name: "Zona Distretto Livornese".into(),
        lead_organisation: Some("Comune di Livorno".into()),
        seat_municipality_id: None,
    };
    let zone = territory::create_zone(db, &demo, &zone_input).await?;

    let spec = zona_core::soc26::Soc26Spec::form_2025();
    let mut municipalities = Vec::new();
    for (name, istat, population, source, class) in MUNICIPALITIES {
        let id = territory::create_municipality(
            db,
            &demo,
            &MunicipalityInput {
                zone_id: zone,
                istat_code: istat.to_string(),
                name: name.to_string(),
                inner_area: Some(*class),
                // Livorno's patron saint, Santa Giulia, on 22 May; the
                // other two are not recorded in the demo.
                patron_day: (*name == "Livorno")
                    .then(|| zona_core::calendar::PatronDay::new(5, 22).expect("a real day")),
            },
        )
        .await?;
        municipalities.push(id);
        territory::set_population(
            db,
            &demo,
            id,
            &Population {
                year: 2024,
                population: *population,
                source: Some(source.to_string()),
            },
        )
        .await?;
        let form = if *name == "Livorno" {
            LIVORNO_SOC26_2025.to_string()
        } else {
            demo_soc26(name, *population as u64)
        };
        let complete = zona_core::soc26_json::parse(&spec, &form).is_ok();
        zona_store::soc26::save(db, &demo, id, 2025, &form, complete, None).await?;
    }
    // The office of the zone sits in Livorno, the lead municipality.
    zone_input.seat_municipality_id = municipalities.first().copied();
    territory::update_zone(db, &demo, zone, 1, &zone_input).await?;

    let org = |kind: OrganisationKind, name: &str, tax: Option<&str>| OrganisationInput {
        zone_id: zone,
        kind,
        name: name.into(),
        tax_code: tax.map(str::to_string),
        email: None,
        phone: None,
        address: None,
        legal_form: None,
        runts_number: None,
        runts_section: None,
    };
    let ausl = orgs::create_organisation(
        db,
        &demo,
        &org(
            OrganisationKind::HealthAuthority,
            "Azienda USL Toscana Nord-Ovest",
            Some("02198590503"),
        ),
    )
    .await?;
    let livorno = orgs::create_organisation(
        db,
        &demo,
        &org(
            OrganisationKind::Municipality,
            "Comune di Livorno",
            Some("00104330493"),
        ),
    )
    .await?;
    let collesalvetti = orgs::create_organisation(
        db,
        &demo,
        &org(
            OrganisationKind::Municipality,
            "Comune di Collesalvetti",
            None,
        ),
    )
    .await?;
    let capraia = orgs::create_organisation(
        db,
        &demo,
        &org(
            OrganisationKind::Municipality,
            "Comune di Capraia Isola",
            None,
        ),
    )
    .await?;

    let unit = |organisation_id: i64, name: &str, description: &str| UnitInput {
        organisation_id,
        name: name.into(),
        description: Some(description.into()),
        email: None,
    };
    let mut sma = 0;
    let mut units = Vec::new();
    for (name, description) in HEALTH_UNITS {
        let id = orgs::create_unit(db, &demo, &unit(ausl, name, description)).await?;
        if name.starts_with("UF Salute mentale adulti") {
            sma = id;
        }
        units.push((*name, id, ausl));
    }
    for (name, description) in LIVORNO_SERVICES {
        let id = orgs::create_unit(db, &demo, &unit(livorno, name, description)).await?;
        units.push((*name, id, livorno));
    }
    orgs::create_unit(
        db,
        &demo,
        &unit(
            collesalvetti,
            "Servizi sociali",
            "Servizi sociali del Comune di Collesalvetti.",
        ),
    )
    .await?;
    orgs::create_unit(
        db,
        &demo,
        &unit(
            capraia,
            "Servizi sociali",
            "Servizi sociali del Comune di Capraia Isola.",
        ),
    )
    .await?;

    let mut simbolo = 0;
    for (name, legal_form, aliases) in THIRD_SECTOR_BODIES {
        let input = OrganisationInput {
            legal_form: Some(legal_form.to_string()),
            ..org(OrganisationKind::ThirdSectorBody, name, None)
        };
        let id = orgs::create_organisation(db, &demo, &input).await?;
        for a in *aliases {
            orgs::add_alias(db, &demo, id, a).await?;
        }
        if name.contains("Il Simbolo") {
            simbolo = id;
        }
    }
    for (name, aliases) in OTHER_PUBLIC_BODIES {
        let id = orgs::create_organisation(
            db,
            &demo,
            &org(OrganisationKind::OtherPublicBody, name, None),
        )
        .await?;
        for a in *aliases {
            orgs::add_alias(db, &demo, id, a).await?;
        }
    }
    orgs::add_alias(db, &demo, ausl, "AUSL Toscana Nord-Ovest").await?;

    crate::demo_planning::load(db, &demo, zone, &units, &municipalities).await?;
    crate::demo_codesign::load(db, &demo, zone).await?;
    crate::demo_participation::load(db, &demo, zone).await?;
    crate::demo_network::load(db, &demo, zone, &municipalities, ausl, livorno).await?;

    let hash = crate::passwords::hash(DEMO_PASSWORD.to_string()).await?;
    let accounts: [(&str, &str, Option<i64>, Grant); 4] = [
        (
            "ufficio.piano",
            "Giulia Ferri",
            Some(livorno),
            Grant {
                role: Role::PlanningOffice,
                zone_id: zone,
                unit_id: None,
                organisation_id: None,
            },
        ),
        (
            "referente.sma",
            "Marco Lenzi",
            Some(ausl),
            Grant {
                role: Role::UnitEditor,
                zone_id: zone,
                unit_id: Some(sma),
                organisation_id: None,
            },
        ),
        (
            "ets.simbolo",
            "Sara Bini",
            Some(simbolo),
            Grant {
                role: Role::ThirdSector,
                zone_id: zone,
                unit_id: None,
                organisation_id: Some(simbolo),
            },
        ),
        (
            "consultazione",
            "Paolo Neri",
            None,
            Grant {
                role: Role::Viewer,
                zone_id: zone,
                unit_id: None,
                organisation_id: None,
            },
        ),
    ];
    let mut printed = Vec::new();
    for (username, full_name, organisation_id, grant) in accounts {
        let input = UserInput {
            username: username.into(),
            full_name: full_name.into(),
            email: None,
            zone_id: zone,
            organisation_id,
        };
        let id = users::create_user(db, &demo, &input, &hash, false).await?;
        users::add_role(db, &demo, id, &grant).await?;
        printed.push((username.to_string(), grant.role.label().to_string()));
    }
    Ok(printed)
}
