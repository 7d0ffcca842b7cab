//! Demo planning: the POA 2024 tree (seed 000: 5 health objectives, 21
//! programmes, 130 activities) and the POA 2025 tree (seed 004: 23
//! programmes, 116 activities). The slides lost their layout: which programme
//! sits under which objective is the reading written in docs/demo-data.md.
//! Activities named in the seeds are demo activities with their names; the
//! rest, up to the counts the seeds give, are plainly marked placeholders.

use anyhow::Result;
use zona_store::planning::{self, ActivityInput};
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
}

async fn load_year(
    db: &Db,
    demo: &Actor,
    zone: i64,
    pis: i64,
    objectives: &[i64],
    y: DemoYear<'_>,
) -> Result<()> {
    let DemoYear {
        year,
        programmes,
        total,
    } = y;
    let plan = planning::create_annual_plan(db, demo, zone, year, pis).await?;
    let mut ids = Vec::new();
    for (i, (o, title)) in programmes.iter().enumerate() {
        ids.push(
            planning::add_programme(db, demo, zone, plan, objectives[*o], i as i64 + 1, title)
                .await?,
        );
    }
    let mut per_programme = vec![0usize; programmes.len()];
    let mut items = Vec::new();
    let mut push = |p: usize,
                    title: String,
                    description: Option<String>,
                    demo_flag: bool,
                    items: &mut Vec<ActivityInput>| {
        per_programme[p] += 1;
        items.push(ActivityInput {
            programme_id: ids[p],
            code: format!("{year}-{:02}-{:03}", p + 1, per_programme[p]),
            title,
            description,
            demo: demo_flag,
        });
    };
    for (programme, title, description) in NAMED {
        if let Some(p) = programmes.iter().position(|(_, t)| t == programme) {
            let d = (!description.is_empty()).then(|| description.to_string());
            push(p, title.to_string(), d, false, &mut items);
        }
    }
    // Fill up to the count the seed gives, spreading placeholders evenly.
    let mut n = 0;
    while items.len() < total {
        let p = n % programmes.len();
        n += 1;
        push(
            p,
            format!("Attività dimostrativa n. {n}"),
            Some(
                "Dato dimostrativo: la fonte indica il numero delle attività, non il loro nome."
                    .into(),
            ),
            true,
            &mut items,
        );
    }
    planning::add_activities(db, demo, zone, plan, &items).await?;
    Ok(())
}

pub async fn load(db: &Db, demo: &Actor, zone: i64) -> Result<()> {
    let pis = planning::create_health_plan(
        db,
        demo,
        zone,
        "Piano Integrato di Salute 2020-2022",
        2020,
        2022,
    )
    .await?;
    let mut objectives = Vec::new();
    for (i, title) in OBJECTIVES.iter().enumerate() {
        objectives
            .push(planning::add_health_objective(db, demo, zone, pis, i as i64 + 1, title).await?);
    }
    load_year(
        db,
        demo,
        zone,
        pis,
        &objectives,
        DemoYear {
            year: 2024,
            programmes: &PROGRAMMES_2024,
            total: 130,
        },
    )
    .await?;
    load_year(
        db,
        demo,
        zone,
        pis,
        &objectives,
        DemoYear {
            year: 2025,
            programmes: &PROGRAMMES_2025,
            total: 116,
        },
    )
    .await?;
    Ok(())
}
