//! The files of a zone bundle, in the order they are loaded: a file comes
//! after every file it points at (except for deferred references).
//!
//! Each text column is bounded at least as widely as the application's form
//! for it, so that whatever a person typed dumps and loads back.

use super::{Field, Fixed, Ref, Rules, Table};
use crate::audit::entity;
use zona_core::bundle::Kind;
use zona_core::bundle::Value;
use zona_core::codes_of;

const ACTIVE: Field = Field::stored(
    "attivo",
    "active",
    Kind::Flag,
    "Whether the record is in use; an inactive one is kept for history but offered nowhere.",
)
.required();

const NAME: Kind = Kind::Text(300);
const LONG_NAME: Kind = Kind::Text(1_000);
const LONG_TEXT: Kind = Kind::Text(30_000);
const EMAIL: Kind = Kind::Checked(email, "indirizzo e-mail (nome@dominio.it)");
const YEAR: Kind = Kind::Whole {
    min: 1900,
    max: 2200,
};
const POSITION: Kind = Kind::Whole {
    min: 0,
    max: 1_000_000,
};

fn email(s: &str) -> Result<String, String> {
    zona_core::validation::optional_email(s).map(Option::unwrap_or_default)
}

fn istat(s: &str) -> Result<String, String> {
    zona_core::org::IstatCode::parse(s).map(|c| c.to_string())
}

fn short_code(s: &str) -> Result<String, String> {
    zona_core::org::parse_code(s)
}

fn time_of_day(s: &str) -> Result<String, String> {
    zona_core::validation::optional_time(s).map(Option::unwrap_or_default)
}

fn patron_day(s: &str) -> Result<String, String> {
    zona_core::calendar::PatronDay::parse_it(s).map(|d| d.to_string())
}

fn tax_code(s: &str) -> Result<String, String> {
    zona_core::org::parse_tax_code(s)
}

fn runts_number(s: &str) -> Result<String, String> {
    zona_core::org::parse_runts_number(s)
}

fn username(s: &str) -> Result<String, String> {
    zona_core::org::parse_username(s)
}

fn term_code(s: &str) -> Result<String, String> {
    zona_core::planning::parse_term_code(s)
}

fn indicator_code(s: &str) -> Result<String, String> {
    zona_core::profile::parse_indicator_code(s)
}

/// The columns of a value of an indicator, in the zone's file and in the
/// reference file alike.
const VALUE_FIELDS: &[Field] = &[
    Field::part("indicatore", Kind::Text(40), "The indicator's code (indicatori_profilo.csv).").required(),
    Field::stored("livello", "level", Kind::Code(codes_of!(zona_core::profile::GeoLevel)), "Where the value is measured.").required(),
    Field::stored("territorio", "territory", Kind::Text(40), "The territory's code: a municipality's ISTAT code, the zone's, the health authority's, the region's.").required(),
    Field::stored("anno_inizio", "period_from", Kind::Whole { min: 1900, max: 2999 }, "First year of the period.").required(),
    Field::stored("anno_fine", "period_to", Kind::Whole { min: 1900, max: 2999 }, "Last year of the period (the first again for one year).").required(),
    Field::stored("sesso", "sex", Kind::Code(codes_of!(zona_core::profile::Sex)), "T for both, M, F.").required(),
    Field::stored("eta", "age_band", Kind::Text(20), "The age band (65+), empty for every age."),
    Field::stored("valore", "value", Kind::Decimal, "The value.").required(),
    Field::stored("numeratore", "numerator", Kind::Decimal, "What the value counts above the line."),
    Field::stored("denominatore", "denominator", Kind::Decimal, "What the value counts below the line; never zero."),
    Field::stored("ic_inf", "ci_low", Kind::Decimal, "Lower bound of the confidence interval."),
    Field::stored("ic_sup", "ci_high", Kind::Decimal, "Upper bound of the confidence interval."),
    Field::stored("dimostrativo", "demo", Kind::Flag, "Made up for the demo: marked wherever it is shown.").required(),
];
const VALUE_KEY: &[&str] = &[
    "indicatore",
    "livello",
    "territorio",
    "anno_inizio",
    "anno_fine",
    "sesso",
    "eta",
];

/// A value's figures follow the long format's rules
/// (`zona_core::profile::check_figures`), its period runs forward, and its
/// level is one of the file's.
fn value_rule(
    t: &Table,
    row: &[Value],
    levels: &[zona_core::profile::GeoLevel],
) -> Result<(), (&'static str, String)> {
    use zona_core::profile::GeoLevel;
    if let Value::Text(level) = t.value(row, "livello") {
        if GeoLevel::from_code(level).is_some_and(|l| !levels.contains(&l)) {
            let allowed: Vec<&str> = levels.iter().map(|l| l.code()).collect();
            return Err((
                "livello",
                format!("in questo file il livello è {}", allowed.join(" o ")),
            ));
        }
    }
    if let (Value::Int(from), Value::Int(to)) =
        (t.value(row, "anno_inizio"), t.value(row, "anno_fine"))
    {
        if to < from {
            return Err((
                "anno_fine",
                "l'anno di fine precede quello di inizio".into(),
            ));
        }
    }
    let decimal = |h: &str| match t.value(row, h) {
        Value::Text(s) => s.parse::<rust_decimal::Decimal>().ok(),
        _ => None,
    };
    zona_core::profile::check_figures(
        decimal("valore"),
        decimal("denominatore"),
        decimal("ic_inf"),
        decimal("ic_sup"),
    )
    .map(|_| ())
    .map_err(|mut problems| problems.swap_remove(0))
}

fn zone_value(t: &Table, row: &[Value], _: &Rules) -> Result<(), (&'static str, String)> {
    use zona_core::profile::GeoLevel;
    value_rule(t, row, &[GeoLevel::Zone, GeoLevel::Municipality])
}

fn reference_value(t: &Table, row: &[Value], _: &Rules) -> Result<(), (&'static str, String)> {
    use zona_core::profile::GeoLevel;
    value_rule(t, row, &[GeoLevel::HealthAuthority, GeoLevel::Region])
}

/// An answer to a critical issue is one health objective (with its PIS),
/// one programme or one sheet (with its POA's year).
fn one_answer(t: &Table, row: &[Value], _: &Rules) -> Result<(), (&'static str, String)> {
    let given = |h: &str| !t.value(row, h).is_null();
    let named = ["obiettivo", "programma", "scheda"]
        .iter()
        .filter(|h| given(h))
        .count();
    if named != 1 {
        return Err((
            "obiettivo",
            "indicare uno solo tra obiettivo, programma e scheda".into(),
        ));
    }
    if given("obiettivo") && !given("pis") {
        return Err((
            "pis",
            "indicare il primo anno del PIS dell'obiettivo".into(),
        ));
    }
    if !given("obiettivo") && !given("anno_poa") {
        return Err((
            "anno_poa",
            "indicare l'anno del POA del programma o della scheda".into(),
        ));
    }
    Ok(())
}

/// A role carries exactly the scope it needs (`Grant::check_scope`): a unit
/// for a Referente, a body for a Third Sector role, neither for the others.
fn role_scope(t: &Table, row: &[Value], _: &Rules) -> Result<(), (&'static str, String)> {
    let Value::Text(code) = t.value(row, "ruolo") else {
        return Ok(());
    };
    let Some(role) = zona_core::authz::Role::from_code(code) else {
        return Ok(());
    };
    let grant = zona_core::authz::Grant {
        role,
        zone_id: 0,
        unit_id: (!t.value(row, "unita").is_null()).then_some(0),
        organisation_id: (!t.value(row, "ente").is_null()).then_some(0),
    };
    grant.check_scope().map_err(|m| ("ruolo", m))
}

/// A SOC26 form is complete exactly when the official rules of its year
/// find no problem, as when it is saved from the web.
fn soc26_complete(t: &Table, row: &[Value], rules: &Rules) -> Result<(), (&'static str, String)> {
    let (Value::Int(year), Value::Text(json), Value::Bool(complete)) = (
        t.value(row, "anno"),
        t.value(row, "dati"),
        t.value(row, "completa"),
    ) else {
        return Ok(());
    };
    let spec = i32::try_from(*year)
        .ok()
        .and_then(|y| rules.soc26.for_year(y))
        .ok_or(("anno", format!("zona non ha il modulo SOC26 del {year}")))?;
    let problems = match zona_core::soc26_json::read(spec, json) {
        Ok((_, problems)) | Err(problems) => problems,
    };
    match (problems.first(), complete) {
        (Some(p), true) => Err((
            "completa",
            format!(
                "«Sì», ma secondo le regole del modulo la scheda ha {} (il primo, {}: {})",
                match problems.len() {
                    1 => "un problema".to_string(),
                    n => format!("{n} problemi"),
                },
                p.field,
                p.message
            ),
        )),
        (None, false) => Err((
            "completa",
            "«No», ma la scheda non ha problemi secondo le regole del modulo: indicare «Sì»".into(),
        )),
        _ => Ok(()),
    }
}

const TERM_CODE: Kind = Kind::Checked(
    term_code,
    "codice: da 2 a 40 caratteri, lettere minuscole, cifre e trattino basso (fondo_poverta)",
);

const USERNAME: Kind = Kind::Checked(
    username,
    "nome utente: da 3 a 40 caratteri, lettere minuscole, cifre, punto, trattino o trattino basso",
);

const ISTAT: Kind = Kind::Checked(istat, "codice ISTAT del comune, 6 cifre (049009)");
const CODE: Kind = Kind::Checked(
    short_code,
    "codice breve: lettere maiuscole, cifre e trattini, da 2 a 20 caratteri (ZD-LIV)",
);

/// The rows of a file of the activity sheets' collections that are the zone's.
const SHEET_SCOPE: &str = "activity_id IN (SELECT x.id FROM activity_sheets x JOIN annual_plans a ON a.id = x.annual_plan_id WHERE a.zone_id = $1)";

/// The activity sheet a row of a sheet's collection belongs to.
const SHEET: Ref = Ref::to("activity_id", "schede", &["anno", "scheda"]);

const GOVERNANCE_SCOPE: &str =
    "agreement_id IN (SELECT id FROM governance_agreements WHERE zone_id = $1)";
const GOVERNANCE: Ref = Ref::to("agreement_id", "convenzioni", &["convenzione"]);

const AGREEMENT_SCOPE: &str =
    "agreement_id IN (SELECT id FROM codesign_agreements WHERE zone_id = $1)";
const AGREEMENT: Ref = Ref::to("agreement_id", "coprogettazioni", &["accordo"]);

const PROCEDURE_SCOPE: &str =
    "procedure_id IN (SELECT id FROM coprogramming_procedures WHERE zone_id = $1)";
const PROCEDURE: Ref = Ref::to("procedure_id", "coprogrammazioni", &["procedimento"]);

const PROJECT_SCOPE: &str = "project_id IN (SELECT id FROM projects WHERE zone_id = $1)";
const PROJECT: Ref = Ref::to("project_id", "progetti", &["progetto"]);

const FACILITY_SCOPE: &str = "facility_id IN (SELECT id FROM facilities WHERE zone_id = $1)";
const FACILITY: Ref = Ref::to("facility_id", "strutture", &["struttura"]);

const PRECISION: Kind = Kind::Code(|| vec![("day", "giorno"), ("month", "mese"), ("year", "anno")]);
const COUNT: Kind = Kind::Whole {
    min: 0,
    max: 100_000_000,
};

pub static TABLES: &[Table] = &[
    Table {
        file: "regioni",
        title: "Regione",
        doc: "The region the zone belongs to. Shared by the region's zones: loading a zone of a region already stored updates it.",
        entity: entity::REGION,
        sql: "regions",
        scope: "id = (SELECT region_id FROM zones WHERE id = $1)",
        load_scope: Some("1 = 1"),
        fields: &[
            Field::stored("codice", "code", CODE, "The region's code.").required(),
            Field::stored("nome", "name", NAME, "The region's name.").required(),
            ACTIVE,
        ],
        key: &["codice"],
        shared: true,
        ..Table::BASE
    },
    Table {
        file: "zone",
        title: "Zona",
        doc: "The zone of the bundle: exactly one row, whose code is the manifest's.",
        entity: entity::ZONE,
        sql: "zones",
        scope: "id = $1",
        fields: &[
            Field::stored("codice", "code", CODE, "The zone's code.").required(),
            Field::stored("nome", "name", NAME, "The zone's name.").required(),
            Field::part("regione", CODE, "The region's code (regioni.csv).").required(),
            Field::stored(
                "ente_capofila",
                "lead_organisation",
                NAME,
                "The lead body of the zone's associated management, as written in its acts.",
            ),
            Field::part(
                "comune_sede",
                ISTAT,
                "ISTAT code of the municipality where the zone's office sits (comuni.csv): its patron day is a holiday for the zone's deadlines.",
            ),
            Field::stored(
                "consultori_aree_interne",
                "family_clinics_inner_rate",
                Kind::Flag,
                "Whether the zone applies DM 77/2022's family-clinic rate for inner and rural areas (1 every 10.000 inhabitants).",
            )
            .required(),
            Field::stored(
                "codice_asl",
                "health_authority_code",
                CODE,
                "The code of the zone's health authority in the health profile's values (level `asl`, docs/health-profile.md).",
            ),
            ACTIVE,
        ],
        refs: &[
            Ref::to("region_id", "regioni", &["regione"]),
            Ref::deferred("seat_municipality_id", "comuni", &["comune_sede"]),
        ],
        key: &["codice"],
        ..Table::BASE
    },
    Table {
        file: "comuni",
        title: "Comune",
        doc: "The zone's municipalities.",
        entity: entity::MUNICIPALITY,
        sql: "municipalities",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("codice_istat", "istat_code", ISTAT, "ISTAT code of the municipality.").required(),
            Field::stored("nome", "name", NAME, "The municipality's name.").required(),
            Field::stored(
                "area_interna",
                "inner_area",
                Kind::Code(codes_of!(zona_core::network::InnerAreaClass)),
                "Class of the national inner-areas map (SNAI 2021-2027).",
            ),
            Field::stored(
                "festa_patronale",
                "patron_day",
                Kind::Checked(patron_day, "giorno gg/mm (22/05)"),
                "The patron saint's day, a local holiday.",
            ),
            ACTIVE,
        ],
        key: &["codice_istat"],
        ..Table::BASE
    },
    Table {
        file: "popolazioni",
        title: "Popolazione residente",
        doc: "Resident population of each municipality by year, with its source.",
        entity: entity::MUNICIPALITY,
        sql: "municipality_populations",
        id: false,
        scope: "municipality_id IN (SELECT id FROM municipalities WHERE zone_id = $1)",
        fields: &[
            Field::part("comune", ISTAT, "ISTAT code of the municipality (comuni.csv).").required(),
            Field::stored("anno", "year", YEAR, "Year of the figure (population at 31 December).").required(),
            Field::stored(
                "popolazione",
                "population",
                Kind::Whole { min: 0, max: 100_000_000 },
                "Resident population.",
            )
            .required(),
            Field::stored("fonte", "source", Kind::Text(6_000), "Where the figure comes from."),
        ],
        refs: &[Ref::to("municipality_id", "comuni", &["comune"])],
        key: &["comune", "anno"],
        owner: Some("municipality_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "organizzazioni",
        title: "Ente",
        doc: "The bodies of the zone: the health authority, the municipalities as bodies, Third Sector bodies, other public bodies.",
        entity: entity::ORGANISATION,
        sql: "organisations",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("nome", "name", NAME, "The body's name.").required(),
            Field::stored(
                "tipo",
                "kind",
                Kind::Code(codes_of!(zona_core::org::OrganisationKind)),
                "What kind of body it is.",
            )
            .required(),
            Field::stored(
                "codice_fiscale",
                "tax_code",
                Kind::Checked(tax_code, "codice fiscale o partita IVA"),
                "Tax code; unique within the zone.",
            ),
            Field::stored("email", "email", EMAIL, "Contact e-mail."),
            Field::stored("telefono", "phone", Kind::Text(60), "Contact phone."),
            Field::stored("indirizzo", "address", Kind::Text(1_000), "Address."),
            Field::stored(
                "forma_giuridica",
                "legal_form",
                Kind::Code(codes_of!(zona_core::org::LegalForm)),
                "Legal form of a Third Sector body.",
            ),
            Field::stored(
                "numero_runts",
                "runts_number",
                Kind::Checked(runts_number, "numero di iscrizione al RUNTS"),
                "Number in the national Third Sector register (RUNTS).",
            ),
            Field::stored(
                "sezione_runts",
                "runts_section",
                Kind::Code(codes_of!(zona_core::org::RuntsSection)),
                "Section of the RUNTS.",
            ),
            ACTIVE,
        ],
        key: &["nome"],
        ..Table::BASE
    },
    Table {
        file: "alias_enti",
        title: "Altro nome di un ente",
        doc: "Other names under which documents write a body, so that imports find the one record.",
        entity: entity::ORGANISATION,
        sql: "organisation_aliases",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::part("ente", NAME, "The body's name (organizzazioni.csv).").required(),
            Field::stored("alias", "alias", NAME, "The other name; unique within the zone.").required(),
        ],
        refs: &[Ref::to("organisation_id", "organizzazioni", &["ente"])],
        key: &["alias"],
        order: &["ente", "alias"],
        owner: Some("organisation_id"),
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "unita",
        title: "Unità",
        doc: "The units of the bodies: a health authority's functional units, a municipality's services.",
        entity: entity::UNIT,
        sql: "units",
        scope: "organisation_id IN (SELECT id FROM organisations WHERE zone_id = $1)",
        fields: &[
            Field::part("ente", NAME, "The body's name (organizzazioni.csv).").required(),
            Field::stored("nome", "name", NAME, "The unit's name; unique within its body.").required(),
            Field::stored("descrizione", "description", Kind::Text(2000), "What the unit does."),
            Field::stored("email", "email", EMAIL, "Contact e-mail."),
            ACTIVE,
        ],
        refs: &[Ref::to("organisation_id", "organizzazioni", &["ente"])],
        key: &["ente", "nome"],
        ..Table::BASE
    },
    Table {
        file: "utenti",
        title: "Utente",
        doc: "The people who sign in. Passwords never travel: a user loaded from a bundle cannot sign in until they set one through the one-time link `zona user invite` prints, or the office sets a temporary password (Amministrazione → Utenti), or `zona user set-password` sets one.",
        entity: entity::USER,
        sql: "users",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("username", "username", USERNAME, "The sign-in name; unique.").required(),
            Field::stored("nome_completo", "full_name", NAME, "The person's name.").required(),
            Field::stored("email", "email", EMAIL, "E-mail."),
            Field::part("ente", NAME, "The body the person works for (organizzazioni.csv)."),
            ACTIVE,
        ],
        refs: &[Ref::to("organisation_id", "organizzazioni", &["ente"])],
        key: &["username"],
        // No password: no password verifies against this text until one is set.
        fixed: &[
            ("password_hash", Fixed::Text("!")),
            ("must_change_password", Fixed::Bool(true)),
        ],
        ..Table::BASE
    },
    Table {
        file: "ruoli",
        title: "Ruolo",
        doc: "The roles the users hold in the zone: a Referente's role names a unit, a Third Sector role names its body.",
        entity: entity::USER,
        sql: "user_roles",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::part("utente", USERNAME, "The user's sign-in name (utenti.csv).").required(),
            Field::stored(
                "ruolo",
                "role",
                Kind::Code(codes_of!(zona_core::authz::Role)),
                "The role.",
            )
            .required(),
            Field::part("unita_ente", NAME, "For a Referente: the body of the unit (unita.csv)."),
            Field::part("unita", NAME, "For a Referente: the unit's name (unita.csv)."),
            Field::part("ente", NAME, "For a Third Sector role: the body (organizzazioni.csv)."),
        ],
        refs: &[
            Ref::to("user_id", "utenti", &["utente"]),
            Ref::to("unit_id", "unita", &["unita_ente", "unita"]),
            Ref::to("organisation_id", "organizzazioni", &["ente"]).only(
                "tipo",
                "third_sector_body",
                "un Ente del Terzo Settore",
            ),
        ],
        key: &["utente", "ruolo", "unita_ente", "unita", "ente"],
        check: Some(role_scope),
        owner: Some("user_id"),
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "vocabolari",
        title: "Voce di elenco controllato",
        doc: "The controlled vocabularies that make activity sheets comparable across zones (sectors, target areas, funding sources, intervention kinds, indicator units, services). Shared by every zone.",
        entity: entity::VOCABULARY_TERM,
        sql: "vocabulary_terms",
        scope: "1 = 1",
        fields: &[
            Field::stored(
                "vocabolario",
                "vocabulary",
                Kind::Code(codes_of!(zona_core::planning::Vocabulary)),
                "The vocabulary.",
            )
            .required(),
            Field::stored(
                "codice",
                "code",
                TERM_CODE,
                "The term's stable code.",
            ).required(),
            Field::stored("etichetta", "label", NAME, "The term's label; unique within its vocabulary.").required(),
            Field::stored("descrizione", "description", Kind::Text(2000), "What the term covers."),
            Field::stored("posizione", "position", POSITION, "Order within the vocabulary.").required(),
            ACTIVE,
        ],
        key: &["vocabolario", "codice"],
        order: &["vocabolario", "posizione", "codice"],
        shared: true,
        ..Table::BASE
    },
    Table {
        file: "convenzioni",
        title: "Convenzione della zona",
        doc: "How the zone is governed: the social-health agreement between the health authority and the municipalities (art. 70 bis LR 40/2005), the municipalities' agreement for the associated social functions, with the document that organises them.",
        entity: entity::GOVERNANCE_AGREEMENT,
        sql: "governance_agreements",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("titolo", "title", LONG_NAME, "The agreement; unique within the zone.").required(),
            Field::stored("posizione", "position", POSITION, "Order on the zone's page.").required(),
            Field::stored(
                "tipo",
                "kind",
                Kind::Code(codes_of!(zona_core::governance::AgreementKind)),
                "What the agreement is.",
            )
            .required(),
            Field::stored("base_giuridica", "legal_basis", Kind::Text(1_000), "The law it rests on."),
            Field::stored("in_vigore_dal", "in_force_from", YEAR, "The year it came into force."),
            Field::stored(
                "documento_organizzazione",
                "organisation_document",
                Kind::Text(20_000),
                "What the organisation document attached to it provides.",
            ),
            Field::stored("note", "notes", Kind::Text(20_000), "Notes."),
        ],
        key: &["titolo"],
        order: &["posizione", "titolo"],
        ..Table::BASE
    },
    Table {
        file: "convenzioni_enti",
        title: "Ente di una convenzione",
        doc: "The bodies party to each agreement, and its lead body.",
        entity: entity::GOVERNANCE_AGREEMENT,
        sql: "governance_parties",
        id: false,
        scope: GOVERNANCE_SCOPE,
        fields: &[
            Field::part("convenzione", LONG_NAME, "The agreement (convenzioni.csv).").required(),
            Field::part("ente", NAME, "The body (organizzazioni.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the agreement.").required(),
            Field::stored(
                "ruolo",
                "role",
                Kind::Code(codes_of!(zona_core::governance::PartyRole)),
                "Party, or lead body.",
            )
            .required(),
        ],
        refs: &[
            GOVERNANCE,
            Ref::to("organisation_id", "organizzazioni", &["ente"]),
        ],
        key: &["convenzione", "ente"],
        order: &["convenzione", "posizione", "ente"],
        owner: Some("agreement_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "convenzioni_materie",
        title: "Materia di una convenzione",
        doc: "The matters each agreement covers: those run together today, and those its organisation document foresees.",
        entity: entity::GOVERNANCE_AGREEMENT,
        sql: "governance_matters",
        scope: GOVERNANCE_SCOPE,
        fields: &[
            Field::part("convenzione", LONG_NAME, "The agreement (convenzioni.csv).").required(),
            Field::stored("codice", "code", TERM_CODE, "The matter's stable code.").required(),
            Field::stored("posizione", "position", POSITION, "Order within the agreement.").required(),
            Field::stored("materia", "label", NAME, "The matter.").required(),
            Field::stored(
                "stato",
                "status",
                Kind::Code(codes_of!(zona_core::governance::MatterStatus)),
                "Run together today, or foreseen.",
            )
            .required(),
        ],
        refs: &[GOVERNANCE],
        key: &["convenzione", "codice"],
        order: &["convenzione", "posizione", "codice"],
        owner: Some("agreement_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "convenzioni_atti",
        title: "Atto di una convenzione",
        doc: "The acts that approved each agreement.",
        entity: entity::GOVERNANCE_AGREEMENT,
        sql: "governance_acts",
        scope: GOVERNANCE_SCOPE,
        fields: &[
            Field::part("convenzione", LONG_NAME, "The agreement (convenzioni.csv).").required(),
            Field::stored("emanato_da", "issuer", NAME, "Who issued it.").required(),
            Field::stored("numero", "number", Kind::Text(60), "Its number.").required(),
            Field::stored("data", "act_date", Kind::Date, "Its date.").required(),
            Field::stored("descrizione", "description", Kind::Text(2_000), "What it did."),
        ],
        refs: &[GOVERNANCE],
        key: &["convenzione", "emanato_da", "numero", "data"],
        order: &["convenzione", "data", "emanato_da", "numero"],
        owner: Some("agreement_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "piani_regionali",
        title: "Piano regionale (PSSIR)",
        doc: "The regional social and health plan (PSSIR) that frames the zone's PIS. Shared by the region's zones.",
        entity: entity::REGIONAL_PLAN,
        sql: "regional_plans",
        scope: "region_id = (SELECT region_id FROM zones WHERE id = $1)",
        region: Some("region_id"),
        fields: &[
            Field::stored("anno_inizio", "period_start", YEAR, "First year of the plan.").required(),
            Field::stored("anno_fine", "period_end", YEAR, "Last year of the plan.").required(),
            Field::stored("titolo", "title", LONG_NAME, "The plan's title.").required(),
        ],
        key: &["anno_inizio"],
        updated: None,
        versioned: false,
        shared: true,
        ..Table::BASE
    },
    Table {
        file: "obiettivi_regionali",
        title: "Obiettivo del piano regionale",
        doc: "The general objectives of the regional plan, which the PIS's health objectives follow.",
        entity: entity::REGIONAL_PLAN,
        sql: "regional_objectives",
        scope: "regional_plan_id IN (SELECT id FROM regional_plans WHERE region_id = (SELECT region_id FROM zones WHERE id = $1))",
        fields: &[
            Field::part("piano_regionale", YEAR, "First year of the regional plan (piani_regionali.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the plan.").required(),
            Field::stored("titolo", "title", LONG_NAME, "The objective.").required(),
        ],
        refs: &[Ref::to("regional_plan_id", "piani_regionali", &["piano_regionale"])],
        key: &["piano_regionale", "titolo"],
        order: &["piano_regionale", "posizione", "titolo"],
        updated: None,
        versioned: false,
        shared: true,
        audited_as: Some("regional_plan_id"),
        ..Table::BASE
    },
    Table {
        file: "pis",
        title: "Piano Integrato di Salute",
        doc: "The zone's triennial integrated health plans (PIS), with their knowledge section.",
        entity: entity::HEALTH_PLAN,
        sql: "health_plans",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("anno_inizio", "period_start", YEAR, "First year of the plan.").required(),
            Field::stored("anno_fine", "period_end", YEAR, "Last year of the plan.").required(),
            Field::stored("titolo", "title", LONG_NAME, "The plan's title.").required(),
            Field::stored(
                "stato",
                "status",
                Kind::Code(codes_of!(zona_core::planning::HealthPlanStatus)),
                "Where the plan is in its life.",
            )
            .required(),
            Field::part("piano_regionale", YEAR, "First year of the regional plan it follows (piani_regionali.csv)."),
            Field::stored("profilo_salute", "health_profile", LONG_TEXT, "Knowledge section: the health profile."),
            Field::stored("profilo_servizi", "services_profile", LONG_TEXT, "Knowledge section: the services profile."),
            Field::stored("documenti", "documents", LONG_TEXT, "Documents the plan rests on."),
        ],
        refs: &[Ref::to("regional_plan_id", "piani_regionali", &["piano_regionale"])],
        key: &["anno_inizio"],
        ..Table::BASE
    },
    Table {
        file: "obiettivi_salute",
        title: "Obiettivo di salute",
        doc: "The health objectives of a PIS: the top of the objective → programme → activity sheet tree.",
        entity: entity::HEALTH_OBJECTIVE,
        sql: "health_objectives",
        scope: "health_plan_id IN (SELECT id FROM health_plans WHERE zone_id = $1)",
        fields: &[
            Field::part("pis", YEAR, "First year of the PIS (pis.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the PIS.").required(),
            Field::stored("titolo", "title", LONG_NAME, "The objective; unique within its PIS.").required(),
        ],
        refs: &[Ref::to("health_plan_id", "pis", &["pis"])],
        key: &["pis", "titolo"],
        order: &["pis", "posizione", "titolo"],
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "linee_strategiche",
        title: "Linea strategica",
        doc: "The strategic lines of a PIS.",
        entity: entity::HEALTH_PLAN,
        sql: "strategic_lines",
        scope: "health_plan_id IN (SELECT id FROM health_plans WHERE zone_id = $1)",
        fields: &[
            Field::part("pis", YEAR, "First year of the PIS (pis.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the PIS.").required(),
            Field::stored("titolo", "title", LONG_NAME, "The line; unique within its PIS.").required(),
            Field::stored("descrizione", "description", Kind::Text(20_000), "What the line means."),
        ],
        refs: &[Ref::to("health_plan_id", "pis", &["pis"])],
        key: &["pis", "titolo"],
        order: &["pis", "posizione", "titolo"],
        updated: None,
        versioned: false,
        audited_as: Some("health_plan_id"),
        ..Table::BASE
    },
    Table {
        file: "collegamenti_obiettivi",
        title: "Collegamento di un obiettivo di salute",
        doc: "What a health objective follows: an objective of the regional plan, or a strategic line of its PIS (one of the two on each row).",
        entity: entity::HEALTH_OBJECTIVE,
        sql: "health_objective_links",
        id: false,
        scope: "health_objective_id IN (SELECT o.id FROM health_objectives o JOIN health_plans p ON p.id = o.health_plan_id WHERE p.zone_id = $1)",
        fields: &[
            Field::part("pis", YEAR, "First year of the PIS (pis.csv).").required(),
            Field::part("obiettivo", LONG_NAME, "The health objective (obiettivi_salute.csv).").required(),
            Field::part("piano_regionale", YEAR, "The regional plan of the regional objective (obiettivi_regionali.csv)."),
            Field::part("obiettivo_regionale", LONG_NAME, "The regional objective (obiettivi_regionali.csv)."),
            Field::part("linea_strategica", LONG_NAME, "The strategic line of the PIS (linee_strategiche.csv)."),
        ],
        refs: &[
            Ref::to("health_objective_id", "obiettivi_salute", &["pis", "obiettivo"]),
            Ref::to("regional_objective_id", "obiettivi_regionali", &["piano_regionale", "obiettivo_regionale"]),
            Ref::to("strategic_line_id", "linee_strategiche", &["pis", "linea_strategica"]),
        ],
        key: &["pis", "obiettivo", "piano_regionale", "obiettivo_regionale", "linea_strategica"],
        owner: Some("health_objective_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "calendario_pis",
        title: "Tappa del PIS",
        doc: "The timeline of a PIS: its steps, public or internal.",
        entity: entity::HEALTH_PLAN,
        sql: "plan_milestones",
        scope: "health_plan_id IN (SELECT id FROM health_plans WHERE zone_id = $1)",
        fields: &[
            Field::part("pis", YEAR, "First year of the PIS (pis.csv).").required(),
            Field::stored("etichetta", "label", LONG_NAME, "The step.").required(),
            Field::stored("inizio", "starts_on", Kind::Date, "When it starts.").required(),
            Field::stored("fine", "ends_on", Kind::Date, "When it ends, if it lasts."),
            Field::stored("pubblica", "public", Kind::Flag, "Whether the public site shows it.").required(),
        ],
        refs: &[Ref::to("health_plan_id", "pis", &["pis"])],
        key: &["pis", "etichetta", "inizio"],
        order: &["pis", "inizio", "etichetta"],
        owner: Some("health_plan_id"),
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "indicatori_profilo",
        title: "Indicatore del profilo di salute",
        doc: "The health profile's indicators, as the region's health agency defines them (docs/health-profile.md). Shared by every zone: `zona indicators import` replaces a definition, a bundle only adds the missing ones.",
        entity: entity::HEALTH_INDICATOR,
        sql: "health_indicators",
        scope: "1 = 1",
        fields: &[
            Field::stored("codice", "code", Kind::Checked(indicator_code, "codice dell'indicatore: lettere, cifre, `.`, `-`, `_`, al più 40 caratteri"), "The indicator's code.").required(),
            Field::stored("nome", "name", NAME, "The indicator's name.").required(),
            Field::stored("tema", "theme", Kind::Text(200), "The theme of the profile it belongs to.").required(),
            Field::stored("definizione", "definition", Kind::Text(4_000), "What it measures.").required(),
            Field::stored("numeratore", "numerator", LONG_NAME, "What is counted above the line."),
            Field::stored("denominatore", "denominator", LONG_NAME, "What is counted below the line."),
            Field::stored("moltiplicatore", "multiplier", Kind::Whole { min: 1, max: 1_000_000_000 }, "100 for a percentage, 1.000 or 100.000 for a rate."),
            Field::stored("unita", "unit", Kind::Text(100), "The unit values are read in.").required(),
            Field::stored("polarita", "polarity", Kind::Code(codes_of!(zona_core::profile::Polarity)), "Which direction is good news.").required(),
            Field::stored("fonte", "source", LONG_NAME, "The source.").required(),
            Field::stored("licenza", "licence", NAME, "The source's licence."),
            Field::stored("dimostrativo", "demo", Kind::Flag, "Made up for the demo: marked wherever it is shown.").required(),
        ],
        key: &["codice"],
        versioned: false,
        shared: true,
        ..Table::BASE
    },
    Table {
        file: "indicatori_profilo_valori",
        title: "Valore di un indicatore della zona",
        doc: "The values of the health profile's indicators for the zone and its municipalities (levels `zona` and `comune`), one per indicator, territory, period and breakdown. The same figures as the long format of `zona indicators import`, with the period in two columns.",
        entity: entity::HEALTH_INDICATOR,
        sql: "indicator_values",
        scope: "((level = 'zona' AND territory = (SELECT code FROM zones WHERE id = $1)) \
                OR (level = 'comune' AND territory IN (SELECT istat_code FROM municipalities WHERE zone_id = $1)))",
        fields: VALUE_FIELDS,
        refs: &[Ref::to("indicator_id", "indicatori_profilo", &["indicatore"])],
        key: VALUE_KEY,
        updated: None,
        versioned: false,
        audited_as: Some("indicator_id"),
        check: Some(zone_value),
        ..Table::BASE
    },
    Table {
        file: "indicatori_profilo_riferimenti",
        title: "Valore di riferimento di un indicatore",
        doc: "The values the zone is compared with: its health authority's (level `asl`, the zone's `codice_asl`) and its region's (level `regione`). Shared with the other zones of the same health authority and region.",
        entity: entity::HEALTH_INDICATOR,
        sql: "indicator_values",
        scope: "((level = 'asl' AND territory = (SELECT health_authority_code FROM zones WHERE id = $1)) \
                OR (level = 'regione' AND territory = (SELECT r.code FROM regions r JOIN zones z ON z.region_id = r.id WHERE z.id = $1)))",
        fields: VALUE_FIELDS,
        refs: &[Ref::to("indicator_id", "indicatori_profilo", &["indicatore"])],
        key: VALUE_KEY,
        updated: None,
        versioned: false,
        shared: true,
        audited_as: Some("indicator_id"),
        check: Some(reference_value),
        ..Table::BASE
    },
    Table {
        file: "profilo_temi",
        title: "Tema del profilo di salute",
        doc: "The themes of the zone's health profile, by profile year (seed 000: the column TEMATICA).",
        entity: entity::HEALTH_PROFILE,
        sql: "profile_themes",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("anno", "year", YEAR, "The profile's year.").required(),
            Field::stored("posizione", "position", POSITION, "Order within the profile.").required(),
            Field::stored("tema", "name", Kind::Text(200), "The theme; unique within its year.").required(),
        ],
        key: &["anno", "tema"],
        order: &["anno", "posizione", "tema"],
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "profilo_voci",
        title: "Nodo critico o aspetto positivo",
        doc: "What each theme of the profile says: its critical issues and its strengths, in order.",
        entity: entity::HEALTH_PROFILE,
        sql: "profile_findings",
        scope: "theme_id IN (SELECT id FROM profile_themes WHERE zone_id = $1)",
        fields: &[
            Field::part("anno", YEAR, "The profile's year (profilo_temi.csv).").required(),
            Field::part("tema", Kind::Text(200), "The theme (profilo_temi.csv).").required(),
            Field::stored(
                "tipo",
                "kind",
                Kind::Code(codes_of!(zona_core::profile::FindingKind)),
                "A critical issue, or a strength.",
            )
            .required(),
            Field::stored("posizione", "position", POSITION, "Order within the theme and kind.").required(),
            Field::stored("testo", "text", Kind::Text(2_000), "What it says, as written in the profile.").required(),
        ],
        refs: &[Ref::to("theme_id", "profilo_temi", &["anno", "tema"])],
        key: &["anno", "tema", "tipo", "posizione"],
        updated: None,
        versioned: false,
        audited_as: Some("theme_id"),
        ..Table::BASE
    },
    Table {
        file: "poa",
        title: "Programmazione Operativa Annuale",
        doc: "The zone's annual operating plans (POA), one per year, each under a PIS.",
        entity: entity::ANNUAL_PLAN,
        sql: "annual_plans",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("anno", "year", YEAR, "The plan's year.").required(),
            Field::part("pis", YEAR, "First year of the PIS it implements (pis.csv).").required(),
            Field::stored(
                "stato",
                "status",
                Kind::Code(codes_of!(zona_core::planning::PlanStatus)),
                "Open for compilation, or approved.",
            )
            .required(),
            Field::stored("approvata_il", "approved_at", Kind::Instant, "When it was approved."),
        ],
        refs: &[Ref::to("health_plan_id", "pis", &["pis"])],
        key: &["anno"],
        ..Table::BASE
    },
    Table {
        file: "scadenze_poa",
        title: "Scadenza di un POA",
        doc: "The deadlines the office sets on a POA: when the sheets are due, each monitoring round.",
        entity: entity::ANNUAL_PLAN,
        sql: "plan_deadlines",
        scope: "annual_plan_id IN (SELECT id FROM annual_plans WHERE zone_id = $1)",
        fields: &[
            Field::part("anno", YEAR, "The POA's year (poa.csv).").required(),
            Field::stored(
                "tipo",
                "kind",
                Kind::Code(codes_of!(zona_core::planning::DeadlineKind)),
                "Compilation of the sheets, or a monitoring round.",
            )
            .required(),
            Field::stored("descrizione", "label", Kind::Text(200), "What is due; unique within its POA.").required(),
            Field::stored("data", "due_on", Kind::Date, "The day it is due.").required(),
        ],
        refs: &[Ref::to("annual_plan_id", "poa", &["anno"])],
        key: &["anno", "descrizione"],
        order: &["anno", "data", "descrizione"],
        updated: None,
        versioned: false,
        audited_as: Some("annual_plan_id"),
        ..Table::BASE
    },
    Table {
        file: "programmi",
        title: "Programma",
        doc: "The programmes of a POA, each under a health objective of the PIS.",
        entity: entity::PROGRAMME,
        sql: "programmes",
        scope: "annual_plan_id IN (SELECT id FROM annual_plans WHERE zone_id = $1)",
        fields: &[
            Field::part("anno", YEAR, "The POA's year (poa.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the POA.").required(),
            Field::stored("titolo", "title", LONG_NAME, "The programme; unique within its POA.").required(),
            Field::part("pis", YEAR, "First year of the PIS of the health objective (obiettivi_salute.csv).").required(),
            Field::part("obiettivo", LONG_NAME, "The health objective (obiettivi_salute.csv).").required(),
            Field::part("anno_precedente", YEAR, "The year of the same programme in an earlier POA, if it continues one."),
            Field::part("titolo_precedente", LONG_NAME, "Its title there."),
        ],
        refs: &[
            Ref::to("annual_plan_id", "poa", &["anno"]),
            Ref::to("health_objective_id", "obiettivi_salute", &["pis", "obiettivo"]),
            Ref::deferred("previous_id", "programmi", &["anno_precedente", "titolo_precedente"]),
        ],
        key: &["anno", "titolo"],
        order: &["anno", "posizione", "titolo"],
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "schede",
        title: "Scheda attività",
        doc: "The activity sheets of each POA.",
        entity: entity::ACTIVITY,
        sql: "activity_sheets",
        scope: "annual_plan_id IN (SELECT id FROM annual_plans WHERE zone_id = $1)",
        fields: &[
            Field::part("anno", YEAR, "The POA's year (poa.csv).").required(),
            Field::stored("codice", "code", Kind::Text(60), "The sheet's code; unique within its POA.").required(),
            Field::part("programma", LONG_NAME, "The programme (programmi.csv).").required(),
            Field::stored("titolo", "title", LONG_NAME, "The activity.").required(),
            Field::stored("descrizione", "description", Kind::Text(20_000), "What it does."),
            Field::stored(
                "segnaposto",
                "demo",
                Kind::Flag,
                "A placeholder counted in a plan whose sources give the number of sheets but not their content.",
            )
            .required(),
            Field::stored("settore", "sector", Kind::Term("sector"), "Sector."),
            Field::stored("tipologia", "kind", Kind::Term("intervention_kind"), "Kind of intervention."),
            Field::part("unita_ente", NAME, "The body of the responsible unit (unita.csv)."),
            Field::part("unita", NAME, "The responsible unit (unita.csv)."),
            Field::part("ente", NAME, "The responsible body (organizzazioni.csv)."),
            Field::stored("inizio", "start_date", Kind::Date, "Start."),
            Field::stored("fine", "end_date", Kind::Date, "End."),
            Field::stored(
                "stato",
                "status",
                Kind::Code(codes_of!(zona_core::planning::SheetStatus)),
                "Where the sheet is in the compilation of the year.",
            )
            .required(),
            Field::stored("commento_revisione", "review_comment", Kind::Text(20_000), "The office's comment when it returned the sheet."),
            Field::stored("avanzamento", "progress", Kind::Whole { min: 0, max: 100 }, "Progress in per cent (monitoring)."),
            Field::stored("data_rilevazione", "survey_date", Kind::Date, "When the monitoring was surveyed."),
            Field::stored("note_monitoraggio", "monitoring_notes", Kind::Text(20_000), "Monitoring notes."),
            Field::stored("note_interne", "internal_notes", Kind::Text(20_000), "Internal notes, never published."),
            Field::stored(
                "materia_integrata",
                "integrated_matter",
                Kind::CodeOf("convenzioni_materie"),
                "The integrated matter of the zone's agreements it belongs to: a matter's code (convenzioni_materie.csv), so that the integrated budget reads by matter.",
            ),
            Field::part("anno_precedente", YEAR, "The year of the same activity in an earlier POA, if it continues one."),
            Field::part("codice_precedente", Kind::Text(60), "Its code there."),
        ],
        refs: &[
            Ref::to("annual_plan_id", "poa", &["anno"]),
            Ref::to("programme_id", "programmi", &["anno", "programma"]),
            Ref::to("unit_id", "unita", &["unita_ente", "unita"]),
            Ref::to("organisation_id", "organizzazioni", &["ente"]),
            Ref::deferred("previous_id", "schede", &["anno_precedente", "codice_precedente"]),
        ],
        key: &["anno", "codice"],
        ..Table::BASE
    },
    Table {
        file: "profilo_voci_indicatori",
        title: "Indicatore a sostegno di una voce del profilo",
        doc: "The indicators a critical issue or a strength rests on.",
        entity: entity::HEALTH_PROFILE,
        sql: "profile_finding_indicators",
        id: false,
        scope: "finding_id IN (SELECT f.id FROM profile_findings f JOIN profile_themes t ON t.id = f.theme_id WHERE t.zone_id = $1)",
        fields: &[
            Field::part("anno", YEAR, "The profile's year (profilo_voci.csv).").required(),
            Field::part("tema", Kind::Text(200), "The theme (profilo_voci.csv).").required(),
            Field::part("tipo", Kind::Text(20), "The line's kind (profilo_voci.csv).").required(),
            Field::part("posizione", POSITION, "The line's position (profilo_voci.csv).").required(),
            Field::part("indicatore", Kind::Text(40), "The indicator's code (indicatori_profilo.csv).").required(),
        ],
        refs: &[
            Ref::to("finding_id", "profilo_voci", &["anno", "tema", "tipo", "posizione"]),
            Ref::to("indicator_id", "indicatori_profilo", &["indicatore"]),
        ],
        key: &["anno", "tema", "tipo", "posizione", "indicatore"],
        owner: Some("finding_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "profilo_risposte",
        title: "Risposta a un nodo critico",
        doc: "The programmes and activity sheets that answer a critical issue of the health profile, with the evidence that links them (seed 000: «conoscere per programmare»). One of `obiettivo`, `programma` and `scheda`.",
        entity: entity::HEALTH_PROFILE,
        sql: "profile_answers",
        scope: "finding_id IN (SELECT f.id FROM profile_findings f JOIN profile_themes t ON t.id = f.theme_id WHERE t.zone_id = $1)",
        fields: &[
            Field::part("anno", YEAR, "The profile's year (profilo_voci.csv).").required(),
            Field::part("tema", Kind::Text(200), "The theme (profilo_voci.csv).").required(),
            Field::part("tipo", Kind::Text(20), "The line's kind (profilo_voci.csv): nodo_critico.").required(),
            Field::part("posizione", POSITION, "The line's position (profilo_voci.csv).").required(),
            Field::part("pis", YEAR, "For an answering health objective: the first year of its PIS (pis.csv)."),
            Field::part("obiettivo", LONG_NAME, "The health objective that answers (obiettivi_salute.csv), or empty."),
            Field::part("anno_poa", YEAR, "For an answering programme or sheet: the POA's year (poa.csv)."),
            Field::part("programma", LONG_NAME, "The programme that answers (programmi.csv), or empty."),
            Field::part("scheda", Kind::Text(60), "The code of the activity sheet that answers (schede.csv), or empty."),
            Field::stored("evidenza", "evidence", Kind::Text(2_000), "What shows the need: a survey, a datum, a remark."),
        ],
        refs: &[
            Ref::to("finding_id", "profilo_voci", &["anno", "tema", "tipo", "posizione"]),
            Ref::to("objective_id", "obiettivi_salute", &["pis", "obiettivo"]),
            Ref::to("programme_id", "programmi", &["anno_poa", "programma"]),
            Ref::to("activity_id", "schede", &["anno_poa", "scheda"]),
        ],
        key: &["anno", "tema", "tipo", "posizione", "pis", "obiettivo", "anno_poa", "programma", "scheda"],
        check: Some(one_answer),
        updated: None,
        versioned: false,
        audited_as: Some("finding_id"),
        ..Table::BASE
    },
    Table {
        file: "schede_aree",
        title: "Area di intervento di una scheda",
        doc: "The target areas of each activity sheet.",
        entity: entity::ACTIVITY,
        sql: "activity_target_areas",
        id: false,
        scope: SHEET_SCOPE,
        fields: &[
            Field::part("anno", YEAR, "The POA's year (schede.csv).").required(),
            Field::part("scheda", Kind::Text(60), "The sheet's code (schede.csv).").required(),
            Field::stored("area", "area", Kind::Term("target_area"), "Target area.").required(),
        ],
        refs: &[SHEET],
        key: &["anno", "scheda", "area"],
        owner: Some("activity_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "schede_comuni",
        title: "Comune servito da una scheda",
        doc: "The municipalities each activity sheet serves (none: the whole zone).",
        entity: entity::ACTIVITY,
        sql: "activity_municipalities",
        id: false,
        scope: SHEET_SCOPE,
        fields: &[
            Field::part("anno", YEAR, "The POA's year (schede.csv).").required(),
            Field::part("scheda", Kind::Text(60), "The sheet's code (schede.csv).").required(),
            Field::part("comune", ISTAT, "ISTAT code of the municipality (comuni.csv).").required(),
        ],
        refs: &[
            SHEET,
            Ref::to("municipality_id", "comuni", &["comune"]),
        ],
        key: &["anno", "scheda", "comune"],
        owner: Some("activity_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "finanziamenti",
        title: "Riga di finanziamento",
        doc: "The funding lines of each activity sheet: the integrated budget.",
        entity: entity::ACTIVITY,
        sql: "funding_lines",
        scope: SHEET_SCOPE,
        fields: &[
            Field::part("anno", YEAR, "The POA's year (schede.csv).").required(),
            Field::part("scheda", Kind::Text(60), "The sheet's code (schede.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the sheet.").required(),
            Field::stored("fonte", "source", Kind::Term("funding_source"), "Funding source.").required(),
            Field::stored("anno_risorse", "year", YEAR, "The year the amount is for.").required(),
            Field::stored("importo", "amount_cents", Kind::Amount, "Amount in euros.").required(),
        ],
        refs: &[SHEET],
        key: &["anno", "scheda", "posizione"],
        owner: Some("activity_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "indicatori",
        title: "Indicatore di una scheda",
        doc: "The indicators of each activity sheet, with baseline, target and surveyed value.",
        entity: entity::ACTIVITY,
        sql: "indicators",
        scope: SHEET_SCOPE,
        fields: &[
            Field::part("anno", YEAR, "The POA's year (schede.csv).").required(),
            Field::part("scheda", Kind::Text(60), "The sheet's code (schede.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the sheet.").required(),
            Field::stored("nome", "name", LONG_NAME, "The indicator.").required(),
            Field::stored("unita_misura", "unit", Kind::Term("indicator_unit"), "Unit of measure.").required(),
            Field::stored("valore_base", "baseline", Kind::Decimal, "Baseline value."),
            Field::stored("obiettivo", "target", Kind::Decimal, "Target value."),
            Field::stored("rilevato", "actual", Kind::Decimal, "Surveyed value."),
        ],
        refs: &[SHEET],
        key: &["anno", "scheda", "posizione"],
        owner: Some("activity_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "atti",
        title: "Atto di un piano",
        doc: "The acts of the plans: the start of a PIS's procedure, approvals, amendments. Each row names a PIS or a POA.",
        entity: entity::ANNUAL_PLAN,
        sql: "plan_acts",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::part("pis", YEAR, "First year of the PIS (pis.csv), for an act of a PIS."),
            Field::part("poa", YEAR, "Year of the POA (poa.csv), for an act of a POA."),
            Field::stored(
                "tipo",
                "kind",
                Kind::Code(codes_of!(zona_core::planning::ActKind)),
                "What the act does.",
            )
            .required(),
            Field::stored("emanato_da", "issuer", NAME, "Who issued it (Conferenza dei Sindaci, Giunta…).").required(),
            Field::stored("numero", "number", Kind::Text(60), "Its number.").required(),
            Field::stored("data", "act_date", Kind::Date, "Its date.").required(),
            Field::stored("descrizione", "description", Kind::Text(20_000), "What it says."),
        ],
        refs: &[
            Ref::to("health_plan_id", "pis", &["pis"]),
            Ref::to("annual_plan_id", "poa", &["poa"]),
        ],
        key: &["pis", "poa", "tipo", "numero", "data"],
        updated: None,
        versioned: false,
        audited_as: Some("annual_plan_id"),
        ..Table::BASE
    },
    Table {
        file: "coprogettazioni",
        title: "Accordo di co-progettazione",
        doc: "The co-design registry (art. 55-56 D.lgs 117/2017): one row per agreement, in the registry's order.",
        entity: entity::CODESIGN_AGREEMENT,
        sql: "codesign_agreements",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("numero", "position", POSITION, "The row's number in the registry.").required(),
            Field::stored(
                "titolare_tipo",
                "holder_kind",
                Kind::Code(codes_of!(zona_core::codesign::HolderKind)),
                "Who holds the agreement.",
            )
            .required(),
            Field::part("titolare_ente", NAME, "The holding body, when it is one (organizzazioni.csv)."),
            Field::stored("titolare", "holder_text", NAME, "The holder as the registry writes it.").required(),
            Field::stored("oggetto", "subject", LONG_NAME, "What the agreement is for.").required(),
            Field::stored("codice_locale", "local_code", Kind::Text(60), "The zone's own code of the agreement."),
            Field::stored(
                "stato",
                "status",
                Kind::Code(codes_of!(zona_core::codesign::AgreementStatus)),
                "Where the agreement is.",
            )
            .required(),
            Field::stored("nota_stato", "status_note", Kind::Text(20_000), "A note on the status."),
            Field::stored("periodo", "period_text", Kind::Text(200), "The period as the registry writes it."),
            Field::stored("inizio", "start_date", Kind::Date, "First day of the period."),
            Field::stored("precisione_inizio", "start_precision", PRECISION, "How precise the start is."),
            Field::stored("fine", "end_date", Kind::Date, "Last day of the period."),
            Field::stored("precisione_fine", "end_precision", PRECISION, "How precise the end is."),
            Field::stored("risorse", "resources_cents", Kind::Amount, "Resources in euros."),
            Field::stored("nota_partner", "partners_note", Kind::Text(20_000), "A note on the partners."),
            Field::stored("pubblicato", "published", Kind::Flag, "Whether the public site shows it.").required(),
        ],
        refs: &[
            Ref::to("holder_organisation_id", "organizzazioni", &["titolare_ente"]),
        ],
        key: &["numero"],
        ..Table::BASE
    },
    Table {
        file: "coprogettazioni_codici",
        title: "Codice CUP o CIG di un accordo",
        doc: "The CUP and CIG codes of each co-design agreement.",
        entity: entity::CODESIGN_AGREEMENT,
        sql: "codesign_codes",
        scope: AGREEMENT_SCOPE,
        fields: &[
            Field::part("accordo", POSITION, "The agreement's number (coprogettazioni.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the agreement.").required(),
            Field::stored("tipo", "kind", Kind::Code(codes_of!(zona_core::codesign::CodeKind)), "CUP or CIG.").required(),
            Field::stored("codice", "code", Kind::Text(60), "The code as written.").required(),
            Field::stored("avviso", "warning", Kind::Text(6_000), "Why the code looks wrong, if it does."),
        ],
        refs: &[AGREEMENT],
        key: &["accordo", "tipo", "codice"],
        order: &["accordo", "posizione", "tipo", "codice"],
        owner: Some("agreement_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "coprogettazioni_partner",
        title: "Partner di un accordo",
        doc: "The partners of each co-design agreement.",
        entity: entity::CODESIGN_AGREEMENT,
        sql: "codesign_partners",
        scope: AGREEMENT_SCOPE,
        fields: &[
            Field::part("accordo", POSITION, "The agreement's number (coprogettazioni.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the agreement.").required(),
            Field::part("ente", NAME, "The partner (organizzazioni.csv).").required(),
            Field::stored("nome_scritto", "written_name", NAME, "The partner's name as the registry writes it.").required(),
        ],
        refs: &[
            AGREEMENT,
            Ref::to("organisation_id", "organizzazioni", &["ente"]),
        ],
        key: &["accordo", "ente"],
        order: &["accordo", "posizione", "ente"],
        owner: Some("agreement_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "coprogettazioni_schede",
        title: "Scheda collegata a un accordo",
        doc: "The activity sheets each co-design agreement carries out.",
        entity: entity::CODESIGN_AGREEMENT,
        sql: "codesign_activities",
        id: false,
        scope: AGREEMENT_SCOPE,
        fields: &[
            Field::part("accordo", POSITION, "The agreement's number (coprogettazioni.csv).").required(),
            Field::part("anno", YEAR, "The POA's year (schede.csv).").required(),
            Field::part("scheda", Kind::Text(60), "The sheet's code (schede.csv).").required(),
        ],
        refs: &[AGREEMENT, SHEET],
        key: &["accordo", "anno", "scheda"],
        owner: Some("agreement_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "gruppi_interesse",
        title: "Gruppo di portatori di interesse",
        doc: "The stakeholder groups the zone meets.",
        entity: entity::STAKEHOLDER_GROUP,
        sql: "stakeholder_groups",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("nome", "name", NAME, "The group.").required(),
            Field::stored("descrizione", "description", Kind::Text(20_000), "Who is in it."),
        ],
        key: &["nome"],
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "coprogrammazioni",
        title: "Procedimento di co-programmazione",
        doc: "The co-programming procedures with the Third Sector (art. 55 D.lgs 117/2017, LR Toscana 65/2020): act, notice, final report.",
        entity: entity::PROCEDURE,
        sql: "coprogramming_procedures",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("oggetto", "subject", LONG_NAME, "What the procedure is about; unique within the zone.").required(),
            Field::part("pis", YEAR, "First year of the PIS it feeds (pis.csv)."),
            Field::stored("atto_emanato_da", "act_issuer", NAME, "Who issued the initiation act."),
            Field::stored("atto_numero", "act_number", Kind::Text(60), "The act's number."),
            Field::stored("atto_data", "act_date", Kind::Date, "The act's date."),
            Field::stored("linee_strategiche", "strategic_lines", Kind::Text(20_000), "The strategic lines it works on."),
            Field::stored("avviso_finalita", "notice_purpose", Kind::Text(20_000), "Notice: purpose."),
            Field::stored("avviso_oggetto", "notice_subject", Kind::Text(20_000), "Notice: subject."),
            Field::stored("avviso_requisiti", "notice_requirements", Kind::Text(20_000), "Notice: requirements."),
            Field::stored("avviso_termini", "notice_terms", Kind::Text(20_000), "Notice: terms."),
            Field::stored("avviso_partecipazione", "notice_participation", Kind::Text(20_000), "Notice: how to take part."),
            Field::stored("avviso_apertura", "notice_opens", Kind::Date, "Notice: applications open."),
            Field::stored("avviso_chiusura", "notice_closes", Kind::Date, "Notice: applications close."),
            Field::stored("avviso_pubblicato_il", "notice_published_on", Kind::Date, "Notice: published on."),
            Field::stored("avviso_riferimento_esterno", "notice_external_ref", Kind::Text(6_000), "Notice: where else it is published (Albo pretorio…)."),
            Field::stored("avviso_esterno_il", "notice_external_on", Kind::Date, "Notice: published there on."),
            Field::stored("avviso_in_pubblicazione_fino_al", "notice_runs_to", Kind::Date, "Notice: stays published until."),
            Field::stored("relazione", "report_text", LONG_TEXT, "The final report."),
            Field::stored(
                "relazione_stato",
                "report_status",
                Kind::Code(codes_of!(zona_core::coprogramming::ReportStatus)),
                "Draft or approved.",
            ),
            Field::stored("relazione_approvata_il", "report_approved_on", Kind::Date, "When the report was approved."),
        ],
        refs: &[
            Ref::to("health_plan_id", "pis", &["pis"]),
        ],
        key: &["oggetto"],
        ..Table::BASE
    },
    Table {
        file: "tavoli",
        title: "Tavolo di lavoro",
        doc: "The working tables of each co-programming procedure.",
        entity: entity::PROCEDURE,
        sql: "working_tables",
        scope: PROCEDURE_SCOPE,
        fields: &[
            Field::part("procedimento", LONG_NAME, "The procedure (coprogrammazioni.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the procedure.").required(),
            Field::stored("nome", "name", NAME, "The table; unique within its procedure.").required(),
        ],
        refs: &[PROCEDURE],
        key: &["procedimento", "nome"],
        order: &["procedimento", "posizione", "nome"],
        created: None,
        updated: None,
        versioned: false,
        audited_as: Some("procedure_id"),
        ..Table::BASE
    },
    Table {
        file: "coprogrammazioni_obiettivi",
        title: "Obiettivo di salute di un procedimento",
        doc: "The PIS's health objectives each co-programming procedure works on.",
        entity: entity::PROCEDURE,
        sql: "procedure_objectives",
        id: false,
        scope: PROCEDURE_SCOPE,
        fields: &[
            Field::part("procedimento", LONG_NAME, "The procedure (coprogrammazioni.csv).").required(),
            Field::part("pis", YEAR, "First year of the PIS (obiettivi_salute.csv).").required(),
            Field::part("obiettivo", LONG_NAME, "The health objective (obiettivi_salute.csv).").required(),
        ],
        refs: &[
            PROCEDURE,
            Ref::to("health_objective_id", "obiettivi_salute", &["pis", "obiettivo"]),
        ],
        key: &["procedimento", "pis", "obiettivo"],
        owner: Some("procedure_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "avvisi_rettifiche",
        title: "Rettifica di un avviso",
        doc: "The amendments of each procedure's notice, with the closing date before and after.",
        entity: entity::PROCEDURE,
        sql: "notice_amendments",
        scope: PROCEDURE_SCOPE,
        fields: &[
            Field::part("procedimento", LONG_NAME, "The procedure (coprogrammazioni.csv).").required(),
            Field::stored("numero", "seq", Kind::Whole { min: 1, max: 1_000_000 }, "The amendment's number within its procedure: 1, 2, … in order.").required(),
            Field::stored("data", "amended_on", Kind::Date, "When the notice was amended.").required(),
            Field::stored("motivo", "reason", Kind::Text(20_000), "Why.").required(),
            Field::stored("modifiche", "changes", Kind::Text(20_000), "What changed.").required(),
            Field::stored("chiusura_prima", "closes_before", Kind::Date, "Closing date before.").required(),
            Field::stored("chiusura_dopo", "closes_after", Kind::Date, "Closing date after.").required(),
        ],
        refs: &[PROCEDURE],
        key: &["procedimento", "numero"],
        updated: None,
        versioned: false,
        audited_as: Some("procedure_id"),
        ..Table::BASE
    },
    Table {
        file: "incontri",
        title: "Incontro",
        doc: "The meetings: participation, and the co-programming workshops.",
        entity: entity::MEETING,
        sql: "meetings",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("data", "held_on", Kind::Date, "The day.").required(),
            Field::stored("oggetto", "subject", LONG_NAME, "The subject; with the day, it names the meeting.").required(),
            Field::stored("tipo", "kind", Kind::Code(codes_of!(zona_core::coprogramming::MeetingKind)), "What kind of meeting.").required(),
            Field::part("gruppo", NAME, "The stakeholder group met (gruppi_interesse.csv)."),
            Field::part("procedimento", LONG_NAME, "The co-programming procedure (coprogrammazioni.csv)."),
            Field::stored("ora", "starts_at", Kind::Checked(time_of_day, "ora hh:mm (15:30)"), "Start time."),
            Field::stored("luogo", "place", Kind::Text(1_000), "Where."),
            Field::stored("link", "online_url", Kind::Text(6_000), "The online meeting's address."),
            Field::stored("ordine_del_giorno", "agenda", Kind::Text(20_000), "The agenda."),
            Field::stored("verbale", "minutes", LONG_TEXT, "The minutes."),
            Field::stored("pubblico", "public", Kind::Flag, "Whether the public site shows it.").required(),
            Field::stored("verbale_pubblicato", "minutes_published", Kind::Flag, "Whether the minutes are published.").required(),
        ],
        refs: &[
            Ref::to("group_id", "gruppi_interesse", &["gruppo"]),
            PROCEDURE,
        ],
        key: &["data", "oggetto"],
        ..Table::BASE
    },
    Table {
        file: "presenze",
        title: "Presenza a un incontro",
        doc: "Who attended each meeting: a body, a person, or both, and at which working table.",
        entity: entity::MEETING,
        sql: "meeting_attendance",
        scope: "meeting_id IN (SELECT id FROM meetings WHERE zone_id = $1)",
        fields: &[
            Field::part("data", Kind::Date, "The meeting's day (incontri.csv).").required(),
            Field::part("incontro", LONG_NAME, "The meeting's subject (incontri.csv).").required(),
            Field::part("ente", NAME, "The body present (organizzazioni.csv)."),
            Field::stored("persona", "person_name", NAME, "The person present."),
            Field::part("procedimento", LONG_NAME, "The procedure of the working table (tavoli.csv)."),
            Field::part("tavolo", NAME, "The working table (tavoli.csv)."),
        ],
        refs: &[
            Ref::to("meeting_id", "incontri", &["data", "incontro"]),
            Ref::to("organisation_id", "organizzazioni", &["ente"]),
            Ref::to("working_table_id", "tavoli", &["procedimento", "tavolo"]),
        ],
        key: &["data", "incontro", "ente", "persona", "procedimento", "tavolo"],
        owner: Some("meeting_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "domande",
        title: "Domanda di partecipazione",
        doc: "The applications to take part in each co-programming procedure, and the decisions on them.",
        entity: entity::APPLICATION,
        sql: "coprogramming_applications",
        scope: PROCEDURE_SCOPE,
        fields: &[
            Field::part("procedimento", LONG_NAME, "The procedure (coprogrammazioni.csv).").required(),
            Field::part("ente", NAME, "The applicant (organizzazioni.csv).").required(),
            Field::stored("tipo", "applicant_kind", Kind::Code(codes_of!(zona_core::coprogramming::ApplicantKind)), "What kind of applicant.").required(),
            Field::stored("motivazione", "justification", Kind::Text(20_000), "For another subject: its connected and essential contribution."),
            Field::stored("referente", "contact_name", NAME, "The contact person.").required(),
            Field::stored("email_referente", "contact_email", EMAIL, "The contact's e-mail.").required(),
            Field::stored("tavoli", "tables", Kind::Text(20_000), "The working tables it asks to join."),
            Field::stored("decisione", "decision", Kind::Code(codes_of!(zona_core::coprogramming::AdmissionDecision)), "The office's decision.").required(),
            Field::stored("motivo_decisione", "decision_reason", Kind::Text(20_000), "Why."),
            Field::stored("presentata_il", "submitted_on", Kind::Date, "When it was submitted.").required(),
        ],
        refs: &[
            PROCEDURE,
            Ref::to("organisation_id", "organizzazioni", &["ente"]),
        ],
        key: &["procedimento", "ente"],
        ..Table::BASE
    },
    Table {
        file: "contributi",
        title: "Contributo",
        doc: "The contributions to each working table: needs, objectives, priorities.",
        entity: entity::CONTRIBUTION,
        sql: "contributions",
        scope: PROCEDURE_SCOPE,
        fields: &[
            Field::part("procedimento", LONG_NAME, "The procedure (coprogrammazioni.csv).").required(),
            Field::part("tavolo", NAME, "The working table (tavoli.csv).").required(),
            Field::part("data_incontro", Kind::Date, "The day of the meeting it came from (incontri.csv)."),
            Field::part("incontro", LONG_NAME, "The meeting's subject (incontri.csv)."),
            Field::part("ente", NAME, "The body that gave it (organizzazioni.csv)."),
            Field::stored("tipo", "kind", Kind::Code(codes_of!(zona_core::coprogramming::ContributionKind)), "Need, objective or priority.").required(),
            Field::stored("contenuto", "content", Kind::Text(20_000), "The contribution.").required(),
        ],
        refs: &[
            PROCEDURE,
            Ref::to("working_table_id", "tavoli", &["procedimento", "tavolo"]),
            Ref::to("meeting_id", "incontri", &["data_incontro", "incontro"]),
            Ref::to("organisation_id", "organizzazioni", &["ente"]),
        ],
        key: &["procedimento", "tavolo", "data_incontro", "incontro", "ente", "tipo", "contenuto"],
        ..Table::BASE
    },
    Table {
        file: "pnrr_investimenti",
        title: "Investimento PNRR",
        doc: "The PNRR missions, components and investments projects refer to. Shared by every zone.",
        entity: entity::PROJECT,
        sql: "pnrr_investments",
        id: false,
        scope: "1 = 1",
        fields: &[
            Field::stored("codice", "code", Kind::Text(60), "The investment's code (M6C1I1.1).").required(),
            Field::stored("missione", "mission", Kind::Text(200), "The mission.").required(),
            Field::stored("componente", "component", Kind::Text(200), "The component.").required(),
            Field::stored("investimento_padre", "parent", Kind::KeyOf("pnrr_investimenti"), "The investment it is part of."),
            Field::stored("titolo", "title", LONG_NAME, "The investment.").required(),
            Field::stored("posizione", "position", POSITION, "Order.").required(),
        ],
        key: &["codice"],
        order: &["posizione", "codice"],
        created: None,
        updated: None,
        versioned: false,
        shared: true,
        ..Table::BASE
    },
    Table {
        file: "pnrr_target",
        title: "Target PNRR",
        doc: "The targets of each PNRR investment.",
        entity: entity::PROJECT,
        sql: "pnrr_targets",
        scope: "1 = 1",
        fields: &[
            Field::stored("investimento", "investment_code", Kind::KeyOf("pnrr_investimenti"), "The investment (pnrr_investimenti.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the investment.").required(),
            Field::stored("anno", "year", YEAR, "The target's year."),
            Field::stored("descrizione", "description", Kind::Text(20_000), "The target.").required(),
        ],
        key: &["investimento", "posizione"],
        created: None,
        updated: None,
        versioned: false,
        shared: true,
        // Filed under its investment, which has no history page of its own.
        audited_as: Some("investment_code"),
        ..Table::BASE
    },
    Table {
        file: "progetti",
        title: "Progetto",
        doc: "The zone's projects, PNRR and others.",
        entity: entity::PROJECT,
        sql: "projects",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("titolo", "title", LONG_NAME, "The project; unique within the zone.").required(),
            Field::stored("sintesi", "summary", Kind::Text(20_000), "What it does.").required(),
            Field::stored("servizio", "service", Kind::Text(6_000), "The service it builds or runs."),
            Field::stored("nota_zona", "zone_note", Kind::Text(20_000), "What it means for the zone."),
            Field::stored("durata", "duration_text", Kind::Text(200), "Its duration as the sources write it.").required(),
            Field::stored("inizio", "start_date", Kind::Date, "Start."),
            Field::stored("fine", "end_date", Kind::Date, "End."),
            Field::stored("risorse", "resources_cents", Kind::Amount, "Resources in euros."),
            Field::stored("finanziamento", "funding", Kind::Text(6_000), "Who funds it."),
            Field::stored("investimento_pnrr", "pnrr_code", Kind::KeyOf("pnrr_investimenti"), "The PNRR investment (pnrr_investimenti.csv)."),
            Field::stored("cup", "cup", Kind::Text(60), "The CUP as written."),
            Field::stored("avviso_cup", "cup_warning", Kind::Text(6_000), "Why the CUP looks wrong, if it does."),
            Field::part("ente_responsabile", NAME, "The responsible body (organizzazioni.csv)."),
            Field::stored("stato", "status", Kind::Code(codes_of!(zona_core::projects::ProjectStatus)), "Where it is.").required(),
            Field::stored("pubblicato", "published", Kind::Flag, "Whether the public site shows it.").required(),
        ],
        refs: &[
            Ref::to("responsible_organisation_id", "organizzazioni", &["ente_responsabile"]),
        ],
        key: &["titolo"],
        ..Table::BASE
    },
    Table {
        file: "progetti_azioni",
        title: "Azione di un progetto",
        doc: "The actions of each project, with their amounts.",
        entity: entity::PROJECT,
        sql: "project_actions",
        scope: PROJECT_SCOPE,
        fields: &[
            Field::part("progetto", LONG_NAME, "The project (progetti.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the project.").required(),
            Field::stored("titolo", "title", LONG_NAME, "The action.").required(),
            Field::stored("descrizione", "description", Kind::Text(20_000), "What it does."),
            Field::stored("importo_minimo", "amount_min_cents", Kind::Amount, "Lowest amount, in euros."),
            Field::stored("importo_massimo", "amount_max_cents", Kind::Amount, "Highest amount, in euros."),
            Field::stored("base_importo", "amount_basis", Kind::Text(6_000), "What the amount is based on."),
        ],
        refs: &[PROJECT],
        key: &["progetto", "posizione"],
        owner: Some("project_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "progetti_target",
        title: "Target di un progetto",
        doc: "The targets of each project, with what was achieved.",
        entity: entity::PROJECT,
        sql: "project_targets",
        scope: PROJECT_SCOPE,
        fields: &[
            Field::part("progetto", LONG_NAME, "The project (progetti.csv).").required(),
            Field::stored("posizione", "position", POSITION, "Order within the project.").required(),
            Field::stored("descrizione", "description", Kind::Text(20_000), "The target.").required(),
            Field::stored("target", "target", COUNT, "The number to reach.").required(),
            Field::stored("raggiunto", "achieved", COUNT, "The number reached."),
            Field::stored("scadenza", "due_date", Kind::Date, "When it is due."),
        ],
        refs: &[PROJECT],
        key: &["progetto", "posizione"],
        owner: Some("project_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "progetti_schede",
        title: "Scheda collegata a un progetto",
        doc: "The activity sheets each project carries out.",
        entity: entity::PROJECT,
        sql: "project_activities",
        id: false,
        scope: PROJECT_SCOPE,
        fields: &[
            Field::part("progetto", LONG_NAME, "The project (progetti.csv).").required(),
            Field::part("anno", YEAR, "The POA's year (schede.csv).").required(),
            Field::part("scheda", Kind::Text(60), "The sheet's code (schede.csv).").required(),
        ],
        refs: &[PROJECT, SHEET],
        key: &["progetto", "anno", "scheda"],
        owner: Some("project_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "strutture",
        title: "Struttura della rete",
        doc: "The facilities of the zone's network (DM 77/2022): Case della Comunità, Ospedali di Comunità, COT, family clinics, hospices.",
        entity: entity::FACILITY,
        sql: "facilities",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("nome", "name", NAME, "The facility; unique within the zone.").required(),
            Field::stored("posizione", "position", POSITION, "Order in the lists.").required(),
            Field::stored("tipo", "kind", Kind::Code(codes_of!(zona_core::network::FacilityKind)), "What kind of facility.").required(),
            Field::stored("hub_spoke", "hub_spoke", Kind::Code(codes_of!(zona_core::network::HubSpoke)), "Hub or spoke, for a Casa della Comunità."),
            Field::stored("orari", "opening_hours", Kind::Text(6_000), "Opening hours."),
            Field::stored("bacino", "catchment", COUNT, "Inhabitants served."),
            Field::stored("indirizzo", "address", Kind::Text(1_000), "Address."),
            Field::part("comune", ISTAT, "ISTAT code of its municipality (comuni.csv)."),
            Field::stored("stato", "status", Kind::Code(codes_of!(zona_core::network::FacilityStatus)), "Open, planned…").required(),
            Field::stored("vocazione", "focus", Kind::Text(6_000), "Its focus."),
            Field::stored("utenti_min", "users_min", COUNT, "Users per year, lowest estimate."),
            Field::stored("utenti_max", "users_max", COUNT, "Users per year, highest estimate."),
            Field::stored("accessi", "accesses", COUNT, "Accesses per year."),
            Field::stored("posti", "places", COUNT, "Places."),
            Field::part("progetto", LONG_NAME, "The project that builds it (progetti.csv)."),
            Field::stored("note", "notes", Kind::Text(20_000), "Notes."),
            Field::stored("ore_medici", "doctor_hours", COUNT, "Doctors' hours a day."),
            Field::stored("giorni_medici", "doctor_days", COUNT, "Doctors' days a week."),
            Field::stored("ore_infermieri", "nurse_hours", COUNT, "Nurses' hours a day."),
            Field::stored("giorni_infermieri", "nurse_days", COUNT, "Nurses' days a week."),
        ],
        refs: &[
            Ref::to("municipality_id", "comuni", &["comune"]),
            Ref::to("project_id", "progetti", &["progetto"]),
        ],
        key: &["nome"],
        order: &["posizione", "nome"],
        ..Table::BASE
    },
    Table {
        file: "strutture_posti_letto",
        title: "Posti letto di una struttura",
        doc: "The beds of each facility, by care level.",
        entity: entity::FACILITY,
        sql: "facility_beds",
        scope: FACILITY_SCOPE,
        fields: &[
            Field::part("struttura", NAME, "The facility (strutture.csv).").required(),
            Field::stored("livello", "care_level", Kind::Code(codes_of!(zona_core::network::CareLevel)), "The care level.").required(),
            Field::stored("posti_letto", "beds", COUNT, "Beds.").required(),
            Field::stored("nota", "note", Kind::Text(6_000), "A note."),
        ],
        refs: &[FACILITY],
        key: &["struttura", "livello"],
        owner: Some("facility_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "strutture_servizi",
        title: "Servizio di una struttura",
        doc: "The services each facility offers (the services matrix).",
        entity: entity::FACILITY,
        sql: "facility_services",
        id: false,
        scope: FACILITY_SCOPE,
        fields: &[
            Field::part("struttura", NAME, "The facility (strutture.csv).").required(),
            Field::stored("servizio", "service_code", Kind::Term("service"), "The service.").required(),
        ],
        refs: &[FACILITY],
        key: &["struttura", "servizio"],
        owner: Some("facility_id"),
        created: None,
        updated: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "standard_dm77",
        title: "Standard DM 77/2022",
        doc: "The DM 77/2022 standards of the territorial network, with their source. Shared by every zone.",
        entity: entity::CARE_STANDARD,
        sql: "care_standards",
        id: false,
        scope: "1 = 1",
        fields: &[
            Field::stored("codice", "code", Kind::Text(60), "The standard's code.").required(),
            Field::stored("etichetta", "label", LONG_NAME, "The standard.").required(),
            Field::stored("misura", "measure", Kind::Code(codes_of!(zona_core::network::Measure)), "How the existing count is found.").required(),
            Field::stored("unita", "unit", Kind::Code(codes_of!(zona_core::network::Unit)), "What is counted.").required(),
            Field::stored("minimo_quantita", "min_amount", COUNT, "At least this many…").required(),
            Field::stored("minimo_ogni", "min_per", Kind::Whole { min: 1, max: 100_000_000 }, "…every this many inhabitants.").required(),
            Field::stored("massimo_quantita", "max_amount", COUNT, "At most this many…"),
            Field::stored("massimo_ogni", "max_per", Kind::Whole { min: 1, max: 100_000_000 }, "…every this many inhabitants."),
            Field::stored("aree_interne_quantita", "inner_amount", COUNT, "In inner and rural areas, this many…"),
            Field::stored("aree_interne_ogni", "inner_per", Kind::Whole { min: 1, max: 100_000_000 }, "…every this many inhabitants."),
            Field::stored("fonte", "source", Kind::Text(20_000), "The text of the law it comes from.").required(),
            Field::stored("posizione", "position", POSITION, "Order.").required(),
        ],
        key: &["codice"],
        order: &["posizione", "codice"],
        created: None,
        shared: true,
        ..Table::BASE
    },
    Table {
        file: "conteggi_rete",
        title: "Dotazione della zona per uno standard",
        doc: "The zone's own counts for the standards measured by hand (family nurses, care teams), existing and planned.",
        entity: entity::CARE_STANDARD,
        sql: "network_counts",
        id: false,
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("standard", "standard_code", Kind::KeyOf("standard_dm77"), "The standard (standard_dm77.csv).").required(),
            Field::stored(
                "esistenti",
                "open_count",
                COUNT,
                "Existing; for a standard counted in full-time equivalents (`unita` = `fte` in standard_dm77.csv), in hundredths: 170 is 1,70.",
            )
            .required(),
            Field::stored("programmati", "planned_count", COUNT, "Planned, in the same unit.").required(),
            Field::stored("nota", "note", Kind::Text(20_000), "A note."),
        ],
        key: &["standard"],
        created: None,
        versioned: false,
        ..Table::BASE
    },
    Table {
        file: "soc26",
        title: "Scheda SOC26",
        doc: "The SOC26 service-objectives forms of the municipalities, one per municipality and year, as the JSON of docs/soc26.md.",
        entity: entity::SOC26_FORM,
        sql: "soc26_forms",
        scope: "municipality_id IN (SELECT id FROM municipalities WHERE zone_id = $1)",
        fields: &[
            Field::part("comune", ISTAT, "ISTAT code of the municipality (comuni.csv).").required(),
            Field::stored("anno", "year", YEAR, "The form's year.").required(),
            Field::stored("dati", "data", Kind::Json(32_000), "The form, as JSON (docs/soc26.md).").required(),
            Field::stored("completa", "complete", Kind::Flag, "Whether the form is complete and valid.").required(),
        ],
        refs: &[
            Ref::to("municipality_id", "comuni", &["comune"]),
        ],
        key: &["comune", "anno"],
        check: Some(soc26_complete),
        ..Table::BASE
    },
    Table {
        file: "assistenti_sociali",
        title: "Assistenti sociali a tempo indeterminato",
        doc: "Permanent social workers by year, for the zone or a municipality, in full-time equivalents (the LEPS of L. 178/2020).",
        entity: entity::PERMANENT_SOCIAL_WORKERS,
        sql: "permanent_social_workers",
        scope: "zone_id = $1",
        zone: Some("zone_id"),
        fields: &[
            Field::stored("anno", "year", YEAR, "The year.").required(),
            Field::part("comune", ISTAT, "ISTAT code of the municipality; empty for the zone as a whole (comuni.csv)."),
            Field::stored("equivalenti_tempo_pieno", "fte_hundredths", Kind::Hundredths, "Full-time equivalents."),
        ],
        refs: &[
            Ref::to("municipality_id", "comuni", &["comune"]),
        ],
        key: &["anno", "comune"],
        created: None,
        ..Table::BASE
    },
];
