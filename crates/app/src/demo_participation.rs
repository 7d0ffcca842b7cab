//! Demo participation: the three meetings of February 2024 that presented the
//! POA 2024 (seed 000), and the co-programming path of the PIS 2026-2028 with
//! its four working tables and workshops (seed 004). Readings are in
//! docs/demo-data.md.

use anyhow::{anyhow, Result};
use time::macros::date;
use time::Date;
use zona_core::coprogramming::{
    AdmissionDecision, ApplicantKind, ContributionKind, MeetingKind, NoticeTerms,
};
use zona_store::participation::{
    self as store, ApplicationInput, ContributionInput, MeetingInput, ProcedureChange,
};
use zona_store::{Actor, Db};

/// What the three meetings of February 2024 shared (seed 000, the slides).
const POA_2024_AGENDA: &str = "Presentazione del percorso POA 2024:\n\
- il percorso della programmazione (PSSIR, Piano Integrato di Salute, Programmazione operativa annuale, Profilo di salute);\n\
- la programmazione operativa 2024: 5 obiettivi di salute, 21 programmi, 130 attività;\n\
- sintesi del profilo di salute;\n\
- novità e sfide 2024;\n\
- i progetti PNRR;\n\
- le Case della Comunità e i loro servizi, le cure intermedie, i consultori;\n\
- SEUS, Pronto Badante, il progetto FSE+ per la permanenza a domicilio.";

const WORKSHOP_AGENDA: &str = "I parte in plenaria;\nII parte sui 4 tavoli di lavoro separati.";

fn meeting(kind: MeetingKind, subject: &str, held_on: Date, place: &str) -> MeetingInput {
    MeetingInput {
        kind,
        group_id: None,
        procedure_id: None,
        subject: subject.to_string(),
        held_on,
        starts_at: None,
        place: Some(place.to_string()),
        online_url: None,
        agenda: None,
        minutes: None,
        public: true,
        minutes_published: false,
    }
}

pub async fn load(db: &Db, demo: &Actor, zone_id: i64) -> Result<()> {
    let groups = [
        (
            "Comitato di partecipazione zonale",
            "c/o Ospedale di Livorno – Sala Ceccarini",
            date!(2024 - 02 - 20),
        ),
        (
            "Organizzazioni sindacali",
            "c/o Comune di Livorno – Sala Giunta",
            date!(2024 - 02 - 21),
        ),
        (
            "Consulta del Terzo settore",
            "Online",
            date!(2024 - 02 - 22),
        ),
    ];
    for (name, place, day) in groups {
        let g = store::create_group(db, demo, zone_id, name, None).await?;
        let mut m = meeting(
            MeetingKind::Participation,
            "Presentazione del percorso POA 2024",
            day,
            place,
        );
        m.group_id = Some(g);
        m.agenda = Some(POA_2024_AGENDA.to_string());
        store::create_meeting(db, demo, zone_id, &m).await?;
    }

    let pis = zona_store::pis::health_plans(db, zone_id)
        .await?
        .into_iter()
        .find(|p| p.period_start == 2026)
        .ok_or_else(|| anyhow!("demo: the PIS 2026-2028 is missing"))?;
    let tables: Vec<String> = crate::web::DEFAULT_TABLES
        .iter()
        .map(|t| t.to_string())
        .collect();
    let id = store::create_procedure(
        db,
        demo,
        zone_id,
        "Piano Integrato di Salute 2026-2028",
        Some(pis.id),
        &tables,
    )
    .await?;
    let changes = [
        ProcedureChange::Act {
            issuer: "Conferenza zonale dei Sindaci integrata".into(),
            number: None,
            date: date!(2025 - 10 - 31),
            strategic_lines: "Avvio del procedimento del Piano Integrato di Salute 2026-2028 e delle sue linee strategiche pluriennali, \
                nel quadro degli obiettivi generali del PSSIR 2024-2026, con la co-programmazione degli enti del Terzo Settore."
                .into(),
        },
        ProcedureChange::Notice {
            terms: NoticeTerms {
            purpose: "Individuare i bisogni da soddisfare, gli interventi necessari, le modalità di realizzazione e le risorse disponibili \
                (art. 55, comma 2, D.lgs 117/2017; art. 9, comma 2, LR Toscana 65/2020) per il Piano Integrato di Salute 2026-2028."
                .into(),
            subject: "Co-programmazione delle linee strategiche e degli obiettivi di salute del PIS 2026-2028 della Zona Livornese, \
                su quattro tavoli di lavoro."
                .into(),
            requirements: "Enti del Terzo Settore attivi nella Zona Livornese; altri soggetti il cui apporto sia direttamente connesso \
                ed essenziale alle finalità e all'oggetto dell'avviso (art. 10, comma 1, lettera b, LR Toscana 65/2020)."
                .into(),
            terms: "Domande entro il 15/12/2025. Laboratori il 13/1, il 27/1 e il 10/2/2026; incontro di restituzione il 24/2/2026, \
                al Cisternino di Città."
                .into(),
            participation: "Incontro formativo iniziale (obiettivi e regole del gioco); laboratori con una prima parte in plenaria e \
                una seconda sui quattro tavoli; tecniche partecipative, non assembleari; gli enti portano il loro contributo \
                propositivo nei laboratori."
                .into(),
            opens: date!(2025 - 11 - 14),
            closes: date!(2025 - 12 - 15),
            external: None,
            },
            // Public in zona from its opening day; 15/12/2025 is a Monday.
            published_on: date!(2025 - 11 - 14),
            runs_to: date!(2025 - 12 - 15),
            amendment: None,
        },
    ];
    for (version, c) in changes.iter().enumerate() {
        store::change_procedure(db, demo, id, version as i64 + 1, c).await?;
    }
    let bodies = zona_store::organisations::list_organisations(
        db,
        &zona_store::territory::ListQuery {
            zone_id: Some(zone_id),
            ..Default::default()
        },
        zona_store::Page::all(),
    )
    .await?
    .0;
    let body = |name: &str| {
        bodies
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.id)
            .ok_or_else(|| anyhow!("demo: no body {name}"))
    };
    let applicants = [
        (
            "Cooperativa Sociale Il Simbolo",
            "Salute mentale e marginalità",
            date!(2025 - 11 - 20),
        ),
        (
            "Fondazione Caritas Livorno ETS",
            "Salute mentale e marginalità",
            date!(2025 - 11 - 24),
        ),
        ("ANFFAS Onlus Livorno", "Disabilità", date!(2025 - 11 - 28)),
        (
            "Associazione Famiglia Aperta APS",
            "Infanzia e famiglia",
            date!(2025 - 12 - 02),
        ),
        (
            "Auser Filo d'Argento di Livorno ODV",
            "Riorganizzazione sanità territoriale e integrazione con la rete ospedaliera",
            date!(2025 - 12 - 10),
        ),
    ];
    for (name, table, on) in applicants {
        let a = store::submit_application(
            db,
            demo,
            &ApplicationInput {
                procedure_id: id,
                organisation_id: body(name)?,
                applicant_kind: ApplicantKind::ThirdSector,
                justification: None,
                contact_name: "Referente dell'ente (dato dimostrativo)".into(),
                contact_email: "referente@example.org".into(),
                tables: Some(table.into()),
                submitted_on: on,
            },
        )
        .await?;
        store::decide_application(db, demo, a, 1, AdmissionDecision::Admitted, None).await?;
    }
    let workshops = [
        (
            MeetingKind::Needs,
            "Laboratorio di definizione dei bisogni di salute",
            date!(2026 - 01 - 13),
        ),
        (
            MeetingKind::Objectives,
            "Laboratorio di definizione degli obiettivi di salute",
            date!(2026 - 01 - 27),
        ),
        (
            MeetingKind::Areas,
            "Laboratorio di definizione delle priorità e degli interventi",
            date!(2026 - 02 - 10),
        ),
        (
            MeetingKind::Restitution,
            "Incontro di restituzione degli esiti del percorso",
            date!(2026 - 02 - 24),
        ),
    ];
    let mut first = None;
    for (kind, subject, day) in workshops {
        let mut m = meeting(kind, subject, day, "Cisternino di Città");
        m.procedure_id = Some(id);
        if kind != MeetingKind::Restitution {
            m.agenda = Some(WORKSHOP_AGENDA.to_string());
        }
        let mid = store::create_meeting(db, demo, zone_id, &m).await?;
        first.get_or_insert(mid);
    }
    let table_ids = store::working_tables(db, id).await?;
    let table = |n: usize| table_ids[n].id;
    // The materials seed 004 asks the path to build on, as the facilitator's notes.
    let contributions = [
        (2, ContributionKind::Need, "Mettere a sistema i materiali della co-programmazione sperimentale 2025 su infanzia, adolescenza e famiglia."),
        (1, ContributionKind::Need, "Mettere a sistema i materiali della co-programmazione Cesvot sul tema Disabilità."),
        (0, ContributionKind::Priority, "Mettere a sistema i progetti già realizzati sul territorio (Cantieri della salute → Bussola dei servizi)."),
    ];
    for (t, kind, text) in contributions {
        store::add_contribution(
            db,
            demo,
            &ContributionInput {
                procedure_id: id,
                working_table_id: table(t),
                meeting_id: first,
                organisation_id: None,
                kind,
                content: text.into(),
            },
        )
        .await?;
    }
    Ok(())
}
