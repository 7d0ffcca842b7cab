//! Rules of the planning cycle: the activity sheet and its validation, the
//! compilation workflow, the integrated budget and the monitoring roll-up.
//! Sources and readings are in docs/domain.md ("Planning").

use crate::format::parse_date;
use crate::money::Cents;
use crate::org::labelled_enum;
use crate::validation::{optional_text, required_text, FieldErrors};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use time::Date;

labelled_enum! {
    /// The controlled vocabularies. Their terms live in the database so that
    /// an administrator can add to them; [`Vocabulary::seed`] gives the first ones.
    Vocabulary {
        Sector = "sector", "Settori";
        TargetArea = "target_area", "Aree di intervento";
        FundingSource = "funding_source", "Fonti di finanziamento";
        InterventionKind = "intervention_kind", "Tipologie di intervento";
        IndicatorUnit = "indicator_unit", "Unità di misura degli indicatori";
        Service = "service", "Catalogo dei servizi";
    }
}

impl Vocabulary {
    /// The first terms, (code, label). Sectors are the five of the POA 2024
    /// tree (seed 000); target areas follow the "aree di utenza" of the
    /// national survey of municipal social services (ISTAT); funding sources
    /// are the funds named in the seeds and in the regional POA guidelines.
    pub fn seed(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Vocabulary::Sector => &[
                ("socio_sanitario", "Socio-sanitario"),
                ("socio_assistenziale", "Socio-assistenziale"),
                ("prevenzione_promozione", "Prevenzione e promozione"),
                ("cure_primarie", "Cure primarie-sanità territoriale"),
                ("violenza_genere", "Violenza di genere"),
            ],
            Vocabulary::TargetArea => &[
                ("famiglia_minori", "Famiglia e minori"),
                ("disabili", "Persone con disabilità"),
                ("dipendenze", "Dipendenze"),
                ("anziani", "Anziani"),
                ("immigrati", "Immigrati e nomadi"),
                ("poverta", "Povertà, disagio adulti e senza dimora"),
                ("salute_mentale", "Salute mentale"),
                ("multiutenza", "Multiutenza"),
            ],
            Vocabulary::FundingSource => &[
                ("fondo_sanitario", "Fondo sanitario regionale (AUSL)"),
                ("comuni", "Risorse proprie dei Comuni"),
                ("fnps", "Fondo nazionale politiche sociali (FNPS)"),
                ("fna", "Fondo per le non autosufficienze (FNA)"),
                ("fondo_poverta", "Fondo povertà – quota servizi"),
                ("fondo_sociale_regionale", "Fondo sociale regionale"),
                ("dopo_di_noi", "Fondo Dopo di noi (L. 112/2016)"),
                ("pnrr", "PNRR"),
                ("fse_plus", "FSE+ 2021-2027"),
                ("altro", "Altre risorse"),
            ],
            Vocabulary::InterventionKind => &[
                ("servizio", "Servizio"),
                ("progetto", "Progetto"),
                ("intervento", "Intervento"),
            ],
            Vocabulary::IndicatorUnit => &[
                ("numero", "Numero"),
                ("persone", "Persone"),
                ("percentuale", "Percentuale"),
                ("euro", "Euro"),
                ("ore", "Ore"),
                ("giorni", "Giorni"),
                ("accessi", "Accessi"),
            ],
            Vocabulary::Service => &[
                ("mmg", "Medicina generale (MMG)"),
                ("specialistica", "Specialistica ambulatoriale"),
                ("ifec", "Infermiere di famiglia e comunità (IFeC)"),
                ("ambulatorio_prossimita", "Ambulatorio di prossimità"),
                ("servizio_sociale", "Servizio sociale professionale"),
                ("pua", "Punto unico di accesso (PUA)"),
                ("sportello_cup", "Sportello CUP/anagrafe"),
                ("punto_prelievi", "Punto prelievi"),
                ("consultorio", "Consultorio"),
                ("screening", "Screening oncologici"),
                ("vaccinazioni", "Vaccinazioni pediatriche"),
                ("sma", "Salute mentale adulti (SMA)"),
                ("smia", "Salute mentale infanzia e adolescenza (SMIA)"),
                ("serd", "Dipendenze (SerD)"),
                ("telemedicina", "Telemedicina"),
                ("diagnostica", "Diagnostica"),
                ("partecipazione", "Partecipazione"),
            ],
        }
    }
}

/// The code of a vocabulary term (`fondo_poverta`): stored on sheets and
/// written in exports, so it is plain and stable.
pub fn parse_term_code(s: &str) -> Result<String, String> {
    let s = s.trim().to_lowercase();
    let ok = (2..=40).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(s)
    } else {
        Err("Da 2 a 40 caratteri: lettere minuscole, cifre e trattino basso, iniziando con una lettera (esempio: fondo_poverta).".into())
    }
}

labelled_enum! {
    /// Where an activity sheet is in the compilation of the year.
    SheetStatus {
        ToFill = "to_fill", "Da compilare";
        Submitted = "submitted", "Inviata";
        Returned = "returned", "Restituita";
        Accepted = "accepted", "Accettata";
    }
}

labelled_enum! {
    PlanStatus {
        Open = "open", "In compilazione";
        Approved = "approved", "Approvata";
    }
}

labelled_enum! {
    /// Where an integrated health plan is in its life.
    HealthPlanStatus {
        InPreparation = "in_preparation", "In preparazione";
        InForce = "in_force", "Vigente";
        Closed = "closed", "Concluso";
    }
}

labelled_enum! {
    /// Acts of a plan: the start of its procedure, its approval, amendments.
    ActKind {
        Start = "start", "Avvio del procedimento";
        Approval = "approval", "Approvazione";
        Amendment = "amendment", "Variazione";
    }
}

/// A step of the workflow on one sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetEvent {
    /// The unit sends the filled sheet to the planning office.
    Submit,
    /// The planning office sends it back with a comment.
    Return,
    /// The planning office accepts it.
    Accept,
}

impl SheetEvent {
    pub fn label(self) -> &'static str {
        match self {
            SheetEvent::Submit => "Invio all'Ufficio di Piano",
            SheetEvent::Return => "Restituzione con osservazioni",
            SheetEvent::Accept => "Accettazione",
        }
    }
}

/// The status after `event`, or why the step is not possible now.
pub fn transition(
    plan: PlanStatus,
    from: SheetStatus,
    event: SheetEvent,
) -> Result<SheetStatus, String> {
    use SheetEvent::*;
    use SheetStatus::*;
    if plan == PlanStatus::Approved {
        return Err("La programmazione è approvata: le schede non cambiano più stato.".into());
    }
    match (from, event) {
        (ToFill | Returned, Submit) => Ok(Submitted),
        (Submitted | Accepted, Return) => Ok(Returned),
        (Submitted, Accept) => Ok(Accepted),
        (Submitted, Submit) => Err("La scheda è già stata inviata.".into()),
        (Accepted, Accept) => Err("La scheda è già stata accettata.".into()),
        (_, Accept) => Err("Si può accettare solo una scheda inviata.".into()),
        (_, Return) => Err("Si può restituire solo una scheda inviata o accettata.".into()),
        (Accepted, Submit) => Err("La scheda è già stata accettata.".into()),
    }
}

/// Who may change the content of a sheet, given the plan and the sheet.
/// The planning office edits any sheet of an open plan; a unit only its
/// sheets still in its hands (to fill or returned). An approved plan changes
/// only through an amendment (see [`ActKind::Amendment`]).
pub fn can_edit(plan: PlanStatus, sheet: SheetStatus, office: bool) -> Result<(), String> {
    if plan == PlanStatus::Approved {
        return Err(if office {
            "La programmazione è approvata: le modifiche si registrano come variazione, con il relativo atto.".into()
        } else {
            "La programmazione è approvata e non si può più modificare.".into()
        });
    }
    if !office && matches!(sheet, SheetStatus::Submitted | SheetStatus::Accepted) {
        return Err(format!(
            "La scheda è {}: la può modificare solo l'Ufficio di Piano, o la si modifica dopo che è stata restituita.",
            sheet.label().to_lowercase()
        ));
    }
    Ok(())
}

/// What a sheet still lacks. The first group blocks submission (a sheet
/// without sector, kind or period cannot be placed in the plan's tables);
/// the second is shown as a reminder (an activity at no cost, or not yet
/// measured, is possible).
pub fn missing(content: &SheetContent) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut blocking = Vec::new();
    if content.sector.is_none() {
        blocking.push("il settore");
    }
    if content.kind.is_none() {
        blocking.push("la tipologia di intervento");
    }
    if content.unit_id.is_none() && content.organisation_id.is_none() {
        blocking.push("l'unità o l'ente responsabile");
    }
    if content.start_date.is_none() || content.end_date.is_none() {
        blocking.push("il periodo (inizio e fine)");
    }
    let mut reminders = Vec::new();
    if content.target_areas.is_empty() {
        reminders.push("le aree di intervento");
    }
    if content.municipality_ids.is_empty() {
        reminders.push("i comuni interessati");
    }
    if content.funding.is_empty() {
        reminders.push("le linee di finanziamento");
    }
    if content.indicators.is_empty() {
        reminders.push("gli indicatori");
    }
    (blocking, reminders)
}

/// A plan can be approved when every sheet has been accepted.
pub fn can_approve(statuses: &[SheetStatus]) -> Result<(), String> {
    if statuses.is_empty() {
        return Err("La programmazione non ha schede attività.".into());
    }
    let missing = statuses
        .iter()
        .filter(|s| **s != SheetStatus::Accepted)
        .count();
    match missing {
        0 => Ok(()),
        1 => Err("Una scheda non è ancora stata accettata.".into()),
        n => Err(format!("{n} schede non sono ancora state accettate.")),
    }
}

/// The most decimals an indicator's value may have.
pub const INDICATOR_DECIMALS: u32 = 4;

/// A decimal as Italians type it (`12,5`, `1.234,56`, `-3`), read by the one
/// number reader: `12.5` is refused with the comma asked for.
pub fn parse_decimal_it(s: &str) -> Result<Decimal, String> {
    crate::number::read_decimal(s, INDICATOR_DECIMALS).map_err(|e| e.to_string())
}

/// The active codes of each vocabulary, to check what a sheet refers to.
#[derive(Debug, Clone, Default)]
pub struct Vocabularies(BTreeMap<String, Vec<(String, String)>>);

impl Vocabularies {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, vocabulary: Vocabulary, code: &str, label: &str) {
        self.0
            .entry(vocabulary.code().to_string())
            .or_default()
            .push((code.to_string(), label.to_string()));
    }

    /// From the seed lists alone (used by tests and the first start).
    pub fn seeded() -> Self {
        let mut v = Self::new();
        for voc in Vocabulary::ALL {
            for (code, label) in voc.seed() {
                v.add(*voc, code, label);
            }
        }
        v
    }

    pub fn terms(&self, vocabulary: Vocabulary) -> &[(String, String)] {
        self.0
            .get(vocabulary.code())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn contains(&self, vocabulary: Vocabulary, code: &str) -> bool {
        self.terms(vocabulary).iter().any(|(c, _)| c == code)
    }

    /// The label of a code, or the code itself when the term was removed.
    pub fn label<'a>(&'a self, vocabulary: Vocabulary, code: &'a str) -> &'a str {
        self.terms(vocabulary)
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, l)| l.as_str())
            .unwrap_or(code)
    }
}

/// One funding line of a sheet: a source, a year, an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingLine {
    pub source: String,
    pub year: i64,
    pub amount: Cents,
}

/// One indicator of a sheet. Values are exact decimals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub name: String,
    pub unit: String,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    pub actual: Option<Decimal>,
}

/// The content of a sheet as the compiler edits it (not its workflow state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetContent {
    pub title: String,
    pub description: Option<String>,
    pub programme_id: i64,
    pub sector: Option<String>,
    pub kind: Option<String>,
    pub target_areas: Vec<String>,
    pub unit_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub municipality_ids: Vec<i64>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub funding: Vec<FundingLine>,
    pub indicators: Vec<Indicator>,
    pub internal_notes: Option<String>,
    /// The code of the zone's agreements' matter the sheet belongs to.
    #[serde(default)]
    pub integrated_matter: Option<String>,
}

impl SheetContent {
    pub fn total(&self) -> Cents {
        self.funding.iter().map(|f| f.amount).sum()
    }
}

/// The sheet form as submitted: every field as text, repeated rows by index.
#[derive(Debug, Clone, Default)]
pub struct SheetForm {
    pub title: String,
    pub description: String,
    pub programme_id: String,
    pub sector: String,
    pub kind: String,
    pub target_areas: Vec<String>,
    pub unit_id: String,
    pub organisation_id: String,
    pub municipality_ids: Vec<String>,
    pub start_date: String,
    pub end_date: String,
    /// (source, year, amount) rows; rows left entirely blank are ignored.
    pub funding: Vec<[String; 3]>,
    /// (name, unit, baseline, target, actual) rows; blank rows are ignored.
    pub indicators: Vec<[String; 5]>,
    pub internal_notes: String,
    pub integrated_matter: String,
}

/// What a sheet may refer to: the plan's programmes, the zone's units (with
/// their organisation) and municipalities, the vocabularies, the plan year.
pub struct SheetRefs<'a> {
    pub year: i64,
    pub programmes: &'a [i64],
    pub units: &'a [(i64, i64)],
    pub organisations: &'a [i64],
    pub municipalities: &'a [i64],
    pub vocabularies: &'a Vocabularies,
    /// The codes of the matters of the zone's agreements.
    pub matters: &'a [String],
}

fn optional_id(
    field: &str,
    raw: &str,
    allowed: &[i64],
    what: &str,
    e: &mut FieldErrors,
) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(id) if allowed.contains(&id) => Some(id),
        _ => {
            e.add(field, format!("Scegliere {what} dall'elenco."));
            None
        }
    }
}

fn optional_term(
    field: &str,
    raw: &str,
    vocabulary: Vocabulary,
    v: &Vocabularies,
    e: &mut FieldErrors,
) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if v.contains(vocabulary, raw) {
        Some(raw.to_string())
    } else {
        e.add(
            field,
            format!(
                "Voce sconosciuta: scegliere dall'elenco «{}».",
                vocabulary.label()
            ),
        );
        None
    }
}

fn optional_decimal(field: &str, raw: &str, e: &mut FieldErrors) -> Option<Decimal> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    e.check(field, parse_decimal_it(raw))
}

/// Validates a submitted sheet. Field names of repeated rows are
/// `funding_{i}_source|year|amount` and `indicator_{i}_name|unit|baseline|target|actual`.
pub fn validate_sheet(form: &SheetForm, refs: &SheetRefs<'_>) -> Result<SheetContent, FieldErrors> {
    let mut e = FieldErrors::new();
    let v = refs.vocabularies;
    let title = e.check("title", required_text(&form.title, 300));
    let description = e
        .check("description", optional_text(&form.description, 10_000))
        .flatten();
    let programme_id = match form.programme_id.trim().parse::<i64>() {
        Ok(id) if refs.programmes.contains(&id) => Some(id),
        _ => {
            e.add("programme_id", "Scegliere il programma dall'elenco.");
            None
        }
    };
    let sector = optional_term("sector", &form.sector, Vocabulary::Sector, v, &mut e);
    let kind = optional_term("kind", &form.kind, Vocabulary::InterventionKind, v, &mut e);
    let mut target_areas = Vec::new();
    for a in &form.target_areas {
        if let Some(code) = optional_term("target_areas", a, Vocabulary::TargetArea, v, &mut e) {
            if !target_areas.contains(&code) {
                target_areas.push(code);
            }
        }
    }
    let unit_ids: Vec<i64> = refs.units.iter().map(|(u, _)| *u).collect();
    let unit_id = optional_id("unit_id", &form.unit_id, &unit_ids, "l'unità", &mut e);
    let mut organisation_id = optional_id(
        "organisation_id",
        &form.organisation_id,
        refs.organisations,
        "l'ente",
        &mut e,
    );
    if let Some(u) = unit_id {
        let owner = refs.units.iter().find(|(id, _)| *id == u).map(|(_, o)| *o);
        match (organisation_id, owner) {
            (Some(o), Some(owner)) if o != owner => {
                e.add(
                    "organisation_id",
                    "L'unità scelta appartiene a un altro ente.",
                );
            }
            (None, owner) => organisation_id = owner,
            _ => {}
        }
    }
    let mut municipality_ids = Vec::new();
    for m in &form.municipality_ids {
        if let Some(id) = optional_id(
            "municipality_ids",
            m,
            refs.municipalities,
            "i comuni",
            &mut e,
        ) {
            if !municipality_ids.contains(&id) {
                municipality_ids.push(id);
            }
        }
    }
    let start_date = match form.start_date.trim() {
        "" => None,
        s => e.check("start_date", parse_date(s)),
    };
    let end_date = match form.end_date.trim() {
        "" => None,
        s => e.check("end_date", parse_date(s)),
    };
    if let (Some(s), Some(f)) = (start_date, end_date) {
        if f < s {
            e.add(
                "end_date",
                "La data di fine non può precedere la data di inizio.",
            );
        }
    }
    let mut funding = Vec::new();
    for (i, [source, year, amount]) in form.funding.iter().enumerate() {
        if source.trim().is_empty() && year.trim().is_empty() && amount.trim().is_empty() {
            continue;
        }
        let f = |k: &str| format!("funding_{i}_{k}");
        let source = if source.trim().is_empty() {
            e.add(&f("source"), "Indicare la fonte di finanziamento.");
            None
        } else {
            optional_term(&f("source"), source, Vocabulary::FundingSource, v, &mut e)
        };
        let year = match year.trim() {
            "" => Some(refs.year),
            y => match crate::number::read_whole(y) {
                Ok(y) if (refs.year - 5..=refs.year + 5).contains(&y) => Some(y),
                _ => {
                    e.add(
                        &f("year"),
                        format!(
                            "Indicare un anno tra {} e {}.",
                            refs.year - 5,
                            refs.year + 5
                        ),
                    );
                    None
                }
            },
        };
        let amount = match Cents::parse_it(amount) {
            Ok(c) if c.0 < 0 => {
                e.add(&f("amount"), "L'importo non può essere negativo.");
                None
            }
            Ok(c) => Some(c),
            Err(err) => {
                e.add(&f("amount"), err.to_string());
                None
            }
        };
        if let (Some(source), Some(year), Some(amount)) = (source, year, amount) {
            funding.push(FundingLine {
                source,
                year,
                amount,
            });
        }
    }
    if funding
        .iter()
        .map(|f| f.amount)
        .try_fold(Cents::ZERO, Cents::checked_add)
        .is_none()
    {
        e.add("funding", "La somma degli importi è troppo grande.");
    }
    let mut indicators = Vec::new();
    for (i, row) in form.indicators.iter().enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let [name, unit, baseline, target, actual] = row;
        let f = |k: &str| format!("indicator_{i}_{k}");
        let name = e.check(&f("name"), required_text(name, 300));
        let unit = if unit.trim().is_empty() {
            e.add(&f("unit"), "Indicare l'unità di misura.");
            None
        } else {
            optional_term(&f("unit"), unit, Vocabulary::IndicatorUnit, v, &mut e)
        };
        let baseline = optional_decimal(&f("baseline"), baseline, &mut e);
        let target = optional_decimal(&f("target"), target, &mut e);
        let actual = optional_decimal(&f("actual"), actual, &mut e);
        if let (Some(name), Some(unit)) = (name, unit) {
            indicators.push(Indicator {
                name,
                unit,
                baseline,
                target,
                actual,
            });
        }
    }
    let internal_notes = e
        .check(
            "internal_notes",
            optional_text(&form.internal_notes, 10_000),
        )
        .flatten();
    let integrated_matter = match form.integrated_matter.trim() {
        "" => None,
        m if refs.matters.iter().any(|c| c == m) => Some(m.to_string()),
        _ => {
            e.add(
                "integrated_matter",
                "Scegliere una delle materie delle convenzioni della zona.",
            );
            None
        }
    };
    if !e.is_empty() {
        return Err(e);
    }
    Ok(SheetContent {
        title: title.expect("checked"),
        description,
        programme_id: programme_id.expect("checked"),
        sector,
        kind,
        target_areas,
        unit_id,
        organisation_id,
        municipality_ids,
        start_date,
        end_date,
        funding,
        indicators,
        internal_notes,
        integrated_matter,
    })
}

/// One funding line with the place of its sheet, for the integrated budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLine {
    pub activity_id: i64,
    pub objective: String,
    pub programme: String,
    pub sector: String,
    pub organisation: String,
    /// The integrated matter of the zone's agreements the sheet belongs to.
    pub matter: String,
    /// The municipality the amount is attributed to: set only by
    /// [`by_municipality`], empty otherwise.
    pub municipality: String,
    pub source: String,
    pub amount: Cents,
}

/// The row of the budget by matter for the sheets that belong to none.
pub const NO_MATTER: &str = "Non attribuite a una materia integrata";

/// The dimension the rows of a budget table are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetAxis {
    Objective,
    Programme,
    Sector,
    Organisation,
    Matter,
    /// Lines split by [`by_municipality`] first.
    Municipality,
}

impl BudgetAxis {
    pub const ALL: [BudgetAxis; 6] = [
        BudgetAxis::Programme,
        BudgetAxis::Objective,
        BudgetAxis::Sector,
        BudgetAxis::Organisation,
        BudgetAxis::Matter,
        BudgetAxis::Municipality,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BudgetAxis::Objective => "obiettivo",
            BudgetAxis::Programme => "programma",
            BudgetAxis::Sector => "settore",
            BudgetAxis::Organisation => "ente",
            BudgetAxis::Matter => "materia",
            BudgetAxis::Municipality => "comune",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BudgetAxis::Objective => "Obiettivo di salute",
            BudgetAxis::Programme => "Programma",
            BudgetAxis::Sector => "Settore",
            BudgetAxis::Organisation => "Ente",
            BudgetAxis::Matter => "Materia integrata",
            BudgetAxis::Municipality => "Comune",
        }
    }

    pub fn from_code(code: &str) -> Option<BudgetAxis> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    fn key(self, l: &BudgetLine) -> &str {
        match self {
            BudgetAxis::Objective => &l.objective,
            BudgetAxis::Programme => &l.programme,
            BudgetAxis::Sector => &l.sector,
            BudgetAxis::Organisation => &l.organisation,
            BudgetAxis::Matter => &l.matter,
            BudgetAxis::Municipality => &l.municipality,
        }
    }
}

impl fmt::Display for BudgetAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A municipality a sheet may serve, with the weight of its share: its
/// population (`None` when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub id: i64,
    pub name: String,
    pub population: Option<i64>,
}

/// Splits `amount` into shares proportional to `weights`, in whole cents,
/// by the largest remainder (Hamilton's method): each share is first
/// rounded down, then the cents left over go one each to the shares with the
/// largest remainders, the earlier one first on a tie. The shares add up to
/// `amount` exactly. With no weight above zero the shares are equal.
pub fn split_cents(amount: Cents, weights: &[i64]) -> Vec<Cents> {
    if weights.is_empty() {
        return Vec::new();
    }
    let positive: Vec<i128> = weights.iter().map(|w| i128::from((*w).max(0))).collect();
    let sum: i128 = positive.iter().sum();
    let (weights, sum) = if sum == 0 {
        (vec![1i128; positive.len()], positive.len() as i128)
    } else {
        (positive, sum)
    };
    let total = i128::from(amount.0);
    let sign = if total < 0 { -1 } else { 1 };
    let total = total.abs();
    let mut shares: Vec<i128> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<(i128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (total * w % sum, i))
        .collect();
    // Largest remainder first; on a tie, the earlier share.
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = total - shares.iter().sum::<i128>();
    for (_, i) in order.into_iter().take(usize::try_from(left).unwrap_or(0)) {
        shares[i] += 1;
    }
    shares
        .into_iter()
        .map(|c| Cents(i64::try_from(sign * c).expect("a share is at most the amount")))
        .collect()
}

/// The share of a sheet's `amount` that falls in `year`, for a sheet that
/// runs from `start` to `end`: the amount is spread over the calendar years
/// of the period in proportion to their days (both ends included), in whole
/// cents by [`split_cents`], so that the shares of all the years add up to
/// the amount. A sheet without both dates, within one year, or whose period
/// leaves out `year`, counts whole.
pub fn year_share(amount: Cents, start: Option<Date>, end: Option<Date>, year: i32) -> Cents {
    let (Some(start), Some(end)) = (start, end) else {
        return amount;
    };
    if end < start || start.year() == end.year() || !(start.year()..=end.year()).contains(&year) {
        return amount;
    }
    let days: Vec<i64> = (start.year()..=end.year())
        .map(|y| {
            let first = Date::from_ordinal_date(y, 1).expect("1 January").max(start);
            let last = Date::from_ordinal_date(y + 1, 1)
                .expect("1 January")
                .previous_day()
                .expect("31 December")
                .min(end);
            (last - first).whole_days() + 1
        })
        .collect();
    let index = usize::try_from(year - start.year()).expect("year within the period");
    split_cents(amount, &days)[index]
}

/// The budget lines attributed to municipalities. A sheet's amount goes to
/// the municipalities it serves (`served`, by sheet); a sheet that names
/// none serves the whole zone, so all of `municipalities`. Several
/// municipalities share it in proportion to their population; when the
/// population of one of them is unknown, in equal parts (see
/// [`split_cents`] for the cents). The lines come out grouped by
/// municipality, in the order of `municipalities`; their sum is the sum of
/// `lines`.
pub fn by_municipality(
    lines: &[BudgetLine],
    served: &BTreeMap<i64, Vec<i64>>,
    municipalities: &[Served],
) -> Vec<BudgetLine> {
    let mut out: Vec<(usize, BudgetLine)> = Vec::new();
    for l in lines {
        let mut shares: Vec<(usize, &Served)> = match served.get(&l.activity_id) {
            Some(ids) if !ids.is_empty() => municipalities
                .iter()
                .enumerate()
                .filter(|(_, m)| ids.contains(&m.id))
                .collect(),
            _ => municipalities.iter().enumerate().collect(),
        };
        if shares.is_empty() {
            // A sheet that serves municipalities no longer in the zone.
            shares = municipalities.iter().enumerate().collect();
        }
        let weights: Vec<i64> = if shares.iter().all(|(_, m)| m.population.is_some()) {
            shares
                .iter()
                .map(|(_, m)| m.population.unwrap_or(0))
                .collect()
        } else {
            vec![1; shares.len()]
        };
        for ((i, m), amount) in shares.iter().zip(split_cents(l.amount, &weights)) {
            out.push((
                *i,
                BudgetLine {
                    municipality: m.name.clone(),
                    amount,
                    ..l.clone()
                },
            ));
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, l)| l).collect()
}

/// A budget table: rows by an axis, one column per funding source, totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetTable {
    pub axis: &'static str,
    pub sources: Vec<String>,
    /// (row label, amount per source in `sources` order, row total)
    pub rows: Vec<(String, Vec<Cents>, Cents)>,
    pub source_totals: Vec<Cents>,
    pub total: Cents,
}

/// Groups the funding lines by `axis` × funding source. Rows keep the order in
/// which their first line comes (the tree's order when lines come in tree
/// order); sources keep the order given. Every figure is a sum of lines, so
/// the row totals, the column totals and the grand total agree by construction.
pub fn budget_table(lines: &[BudgetLine], axis: BudgetAxis, sources: &[String]) -> BudgetTable {
    let mut sources: Vec<String> = sources.to_vec();
    for l in lines {
        if !sources.contains(&l.source) {
            sources.push(l.source.clone());
        }
    }
    let used: HashSet<&str> = lines.iter().map(|l| l.source.as_str()).collect();
    sources.retain(|s| used.contains(s.as_str()));
    let mut rows: Vec<(String, Vec<Cents>, Cents)> = Vec::new();
    for l in lines {
        let key = axis.key(l);
        let idx = match rows.iter().position(|(k, _, _)| k == key) {
            Some(i) => i,
            None => {
                rows.push((
                    key.to_string(),
                    vec![Cents::ZERO; sources.len()],
                    Cents::ZERO,
                ));
                rows.len() - 1
            }
        };
        let col = sources
            .iter()
            .position(|s| *s == l.source)
            .expect("added above");
        let row = &mut rows[idx];
        row.1[col] = Cents(row.1[col].0 + l.amount.0);
        row.2 = Cents(row.2 .0 + l.amount.0);
    }
    // By matter, what belongs to none comes last, after the matters.
    if axis == BudgetAxis::Matter {
        if let Some(i) = rows.iter().position(|r| r.0 == NO_MATTER) {
            let none = rows.remove(i);
            rows.push(none);
        }
    }
    let source_totals = (0..sources.len())
        .map(|c| rows.iter().map(|r| r.1[c]).sum())
        .collect();
    let total = lines.iter().map(|l| l.amount).sum();
    BudgetTable {
        axis: axis.label(),
        sources,
        rows,
        source_totals,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs<'a>(v: &'a Vocabularies) -> SheetRefs<'a> {
        SheetRefs {
            year: 2025,
            programmes: &[10, 11],
            units: &[(5, 1), (6, 2)],
            organisations: &[1, 2],
            municipalities: &[100, 101],
            vocabularies: v,
            matters: &MATTERS,
        }
    }

    static MATTERS: [String; 0] = [];

    fn form() -> SheetForm {
        SheetForm {
            title: "Pronto Badante".into(),
            programme_id: "10".into(),
            sector: "socio_sanitario".into(),
            kind: "servizio".into(),
            target_areas: vec!["anziani".into()],
            unit_id: "5".into(),
            municipality_ids: vec!["100".into(), "101".into()],
            start_date: "01/07/2023".into(),
            end_date: "2026-06-30".into(),
            funding: vec![
                ["fna".into(), "2025".into(), "293.481,58".into()],
                [String::new(), String::new(), String::new()],
            ],
            indicators: vec![[
                "Anziani raggiunti".into(),
                "persone".into(),
                "120".into(),
                "150".into(),
                "".into(),
            ]],
            ..Default::default()
        }
    }

    #[test]
    fn a_good_sheet_is_read_exactly() {
        let v = Vocabularies::seeded();
        let s = validate_sheet(&form(), &refs(&v)).unwrap();
        assert_eq!(s.total(), Cents(29_348_158));
        assert_eq!(s.organisation_id, Some(1), "taken from the unit");
        assert_eq!(s.funding.len(), 1, "blank rows are ignored");
        assert_eq!(s.indicators[0].target, Some(Decimal::from(150)));
        assert_eq!(s.end_date.unwrap().to_string(), "2026-06-30");
    }

    #[test]
    fn bad_sheets_get_one_clear_message_per_field() {
        let v = Vocabularies::seeded();
        let mut f = form();
        f.title = " ".into();
        f.end_date = "30/06/2023".into();
        f.funding = vec![
            ["fna".into(), "2025".into(), "-5,00".into()],
            ["fna".into(), "2025".into(), "10,005".into()],
            ["fondo_luna".into(), "2025".into(), "1".into()],
            ["fna".into(), "1990".into(), "1".into()],
        ];
        f.indicators = vec![[
            "Utenti".into(),
            "parsec".into(),
            "abc".into(),
            "".into(),
            "".into(),
        ]];
        f.unit_id = "99".into();
        let e = validate_sheet(&f, &refs(&v)).unwrap_err();
        assert!(e.get("title").is_some());
        assert_eq!(
            e.get("end_date"),
            Some("La data di fine non può precedere la data di inizio.")
        );
        assert_eq!(
            e.get("funding_0_amount"),
            Some("L'importo non può essere negativo.")
        );
        assert_eq!(
            e.get("funding_1_amount"),
            Some("«10,005»: al massimo 2 decimali.")
        );
        assert!(e
            .get("funding_2_source")
            .unwrap()
            .contains("Voce sconosciuta"));
        assert_eq!(
            e.get("funding_3_year"),
            Some("Indicare un anno tra 2020 e 2030.")
        );
        assert!(e
            .get("indicator_0_unit")
            .unwrap()
            .contains("Voce sconosciuta"));
        assert!(e
            .get("indicator_0_baseline")
            .unwrap()
            .contains("non è un numero"));
        assert_eq!(e.get("unit_id"), Some("Scegliere l'unità dall'elenco."));
    }

    #[test]
    fn a_unit_of_another_organisation_is_refused() {
        let v = Vocabularies::seeded();
        let mut f = form();
        f.organisation_id = "2".into();
        let e = validate_sheet(&f, &refs(&v)).unwrap_err();
        assert_eq!(
            e.get("organisation_id"),
            Some("L'unità scelta appartiene a un altro ente.")
        );
    }

    #[test]
    fn what_a_sheet_lacks() {
        let v = Vocabularies::seeded();
        let mut s = validate_sheet(&form(), &refs(&v)).unwrap();
        assert_eq!(missing(&s), (vec![], vec![]));
        s.end_date = None;
        s.indicators.clear();
        assert_eq!(
            missing(&s),
            (vec!["il periodo (inizio e fine)"], vec!["gli indicatori"])
        );
    }

    #[test]
    fn italian_decimals() {
        assert_eq!(parse_decimal_it("12,5").unwrap(), Decimal::new(125, 1));
        assert_eq!(
            parse_decimal_it("1.234,56").unwrap(),
            Decimal::new(123456, 2)
        );
        assert_eq!(parse_decimal_it("1.234").unwrap(), Decimal::from(1234));
        assert!(parse_decimal_it("12.5").unwrap_err().contains("virgola"));
        assert!(parse_decimal_it("12 persone").is_err());
        assert!(parse_decimal_it("").is_err());
    }

    #[test]
    fn the_workflow_goes_only_where_it_may() {
        use SheetEvent::*;
        use SheetStatus::*;
        let open = PlanStatus::Open;
        assert_eq!(transition(open, ToFill, Submit), Ok(Submitted));
        assert_eq!(transition(open, Submitted, Return), Ok(Returned));
        assert_eq!(transition(open, Returned, Submit), Ok(Submitted));
        assert_eq!(transition(open, Submitted, Accept), Ok(Accepted));
        assert_eq!(transition(open, Accepted, Return), Ok(Returned));
        assert!(transition(open, ToFill, Accept).is_err());
        assert!(transition(open, Accepted, Submit).is_err());
        assert!(transition(PlanStatus::Approved, Submitted, Accept).is_err());
        assert!(can_edit(open, Submitted, false).is_err());
        assert!(can_edit(open, Returned, false).is_ok());
        assert!(can_edit(open, Accepted, true).is_ok());
        assert!(can_edit(PlanStatus::Approved, Accepted, true).is_err());
        assert_eq!(
            can_approve(&[Accepted, Submitted, ToFill]),
            Err("2 schede non sono ancora state accettate.".into())
        );
        assert!(can_approve(&[Accepted, Accepted]).is_ok());
    }

    #[test]
    fn a_sheet_belongs_to_a_matter_of_the_agreements_or_to_none() {
        let v = Vocabularies::seeded();
        let matters = ["non_autosufficienza".to_string(), "disabilita".to_string()];
        let with = SheetRefs {
            matters: &matters,
            ..refs(&v)
        };
        let mut f = form();
        assert_eq!(validate_sheet(&f, &with).unwrap().integrated_matter, None);
        f.integrated_matter = "disabilita".into();
        assert_eq!(
            validate_sheet(&f, &with)
                .unwrap()
                .integrated_matter
                .as_deref(),
            Some("disabilita")
        );
        f.integrated_matter = "salute_mentale".into();
        let e = validate_sheet(&f, &with).unwrap_err();
        assert!(e.get("integrated_matter").is_some());
    }

    #[test]
    fn budget_totals_are_sums_of_lines() {
        let line = |p: &str, s: &str, c: i64| BudgetLine {
            activity_id: 1,
            objective: "O".into(),
            programme: p.into(),
            sector: "S".into(),
            matter: "M".into(),
            organisation: "E".into(),
            municipality: String::new(),
            source: s.into(),
            amount: Cents(c),
        };
        let lines = vec![
            line("B", "fna", 10_01),
            line("A", "fnps", 5_00),
            line("B", "fnps", 1),
            line("A", "fna", 99),
        ];
        let t = budget_table(
            &lines,
            BudgetAxis::Programme,
            &["fnps".into(), "fna".into(), "pnrr".into()],
        );
        assert_eq!(
            t.sources,
            vec!["fnps", "fna"],
            "unused sources dropped, order kept"
        );
        assert_eq!(t.rows[0].0, "B");
        assert_eq!(t.rows[0].1, vec![Cents(1), Cents(10_01)]);
        assert_eq!(t.rows[0].2, Cents(10_02));
        assert_eq!(t.source_totals, vec![Cents(5_01), Cents(11_00)]);
        assert_eq!(t.total, Cents(16_01));
        let by_sector = budget_table(&lines, BudgetAxis::Sector, &[]);
        assert_eq!(by_sector.rows.len(), 1);
        assert_eq!(by_sector.total, t.total);
    }
}

/// A sheet as the comparison of two years sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineageSheet {
    pub id: i64,
    pub previous_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub programme_id: i64,
    pub programme: String,
    pub total: Cents,
}

/// A programme as the comparison sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineageProgramme {
    pub id: i64,
    pub previous_id: Option<i64>,
    pub title: String,
}

/// What changed from one year's plan to the next, by lineage (never by
/// title: a renamed sheet or programme is the same one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanDiff {
    /// Sheets of the new year that continue none of the old one.
    pub added: Vec<LineageSheet>,
    /// Sheets of the old year that no sheet continues.
    pub removed: Vec<LineageSheet>,
    /// (old, new): continued under a programme that is not the old one's successor.
    pub moved: Vec<(LineageSheet, LineageSheet)>,
    /// (old, new): continued with a different total.
    pub budget_changed: Vec<(LineageSheet, LineageSheet)>,
    /// How many sheets continue.
    pub continuing: usize,
    pub renamed_programmes: Vec<(String, String)>,
    pub new_programmes: Vec<String>,
    pub dropped_programmes: Vec<String>,
    pub old_total: Cents,
    pub new_total: Cents,
}

pub fn plan_diff(
    old: &[LineageSheet],
    new: &[LineageSheet],
    old_programmes: &[LineageProgramme],
    new_programmes: &[LineageProgramme],
) -> PlanDiff {
    let mut d = PlanDiff {
        old_total: old.iter().map(|s| s.total).sum(),
        new_total: new.iter().map(|s| s.total).sum(),
        ..Default::default()
    };
    let successor_of = |old_programme: i64| {
        new_programmes
            .iter()
            .find(|p| p.previous_id == Some(old_programme))
            .map(|p| p.id)
    };
    for n in new {
        match n.previous_id.and_then(|p| old.iter().find(|o| o.id == p)) {
            None => d.added.push(n.clone()),
            Some(o) => {
                d.continuing += 1;
                if successor_of(o.programme_id) != Some(n.programme_id) {
                    d.moved.push((o.clone(), n.clone()));
                }
                if o.total != n.total {
                    d.budget_changed.push((o.clone(), n.clone()));
                }
            }
        }
    }
    for o in old {
        if !new.iter().any(|n| n.previous_id == Some(o.id)) {
            d.removed.push(o.clone());
        }
    }
    for p in new_programmes {
        match p
            .previous_id
            .and_then(|id| old_programmes.iter().find(|o| o.id == id))
        {
            Some(o) if o.title != p.title => d
                .renamed_programmes
                .push((o.title.clone(), p.title.clone())),
            Some(_) => {}
            None => d.new_programmes.push(p.title.clone()),
        }
    }
    for o in old_programmes {
        if !new_programmes.iter().any(|p| p.previous_id == Some(o.id)) {
            d.dropped_programmes.push(o.title.clone());
        }
    }
    d
}

#[cfg(test)]
mod diff_tests {
    use super::*;

    fn s(id: i64, previous: Option<i64>, programme: i64, total: i64) -> LineageSheet {
        LineageSheet {
            id,
            previous_id: previous,
            code: format!("C{id}"),
            title: format!("T{id}"),
            programme_id: programme,
            programme: format!("P{programme}"),
            total: Cents(total),
        }
    }
    fn p(id: i64, previous: Option<i64>, title: &str) -> LineageProgramme {
        LineageProgramme {
            id,
            previous_id: previous,
            title: title.into(),
        }
    }

    #[test]
    fn the_difference_follows_lineage() {
        let old_p = [
            p(1, None, "Senza dimora"),
            p(2, None, "Cure palliative"),
            p(3, None, "ACOT"),
        ];
        let new_p = [
            p(11, Some(1), "Senza dimora e povertà"),
            p(13, Some(3), "ACOT"),
            p(14, None, "Progetto SAI"),
        ];
        let old = [
            s(1, None, 1, 100),
            s(2, None, 2, 50),
            s(3, None, 3, 70),
            s(4, None, 1, 10),
        ];
        let new = [
            s(21, Some(1), 11, 100), // continues, same place, same budget
            s(22, Some(3), 11, 75),  // moved from ACOT, budget changed
            s(23, None, 14, 30),     // new
        ];
        let d = plan_diff(&old, &new, &old_p, &new_p);
        assert_eq!(d.continuing, 2);
        assert_eq!(d.added.iter().map(|x| x.id).collect::<Vec<_>>(), [23]);
        assert_eq!(d.removed.iter().map(|x| x.id).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(d.moved.len(), 1);
        assert_eq!((d.moved[0].0.id, d.moved[0].1.id), (3, 22));
        assert_eq!(d.budget_changed.len(), 1);
        assert_eq!(
            d.renamed_programmes,
            [(
                "Senza dimora".to_string(),
                "Senza dimora e povertà".to_string()
            )]
        );
        assert_eq!(d.new_programmes, ["Progetto SAI"]);
        assert_eq!(d.dropped_programmes, ["Cure palliative"]);
        assert_eq!((d.old_total, d.new_total), (Cents(230), Cents(205)));
        assert_eq!(old.len(), d.continuing + d.removed.len());
        assert_eq!(new.len(), d.continuing + d.added.len());
    }
}

/// How sheets weigh when their progress is rolled up to a programme or a
/// health objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weighting {
    /// By each sheet's total resources: a large service moves the figure
    /// more than a small project.
    Budget,
    /// Every sheet the same.
    Equal,
}

/// The state of implementation of a sheet during the year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitoring {
    /// Percent, 0 to 100.
    pub progress: Option<i64>,
    pub survey_date: Option<Date>,
    pub notes: Option<String>,
    /// The actual value of each indicator, in the sheet's order.
    pub actuals: Vec<Option<Decimal>>,
}

pub fn parse_progress(s: &str) -> Result<Option<i64>, String> {
    let t = s.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(None);
    }
    match crate::number::read_whole(t) {
        Ok(n) if (0..=100).contains(&n) => Ok(Some(n)),
        _ => Err("Indicare l'avanzamento in percentuale, un numero intero da 0 a 100.".into()),
    }
}

/// The weighted mean progress of the sheets that have one, to one decimal
/// (half away from zero). Sheets not yet surveyed are left out rather than
/// counted as zero. With budget weights and no resources at all, every
/// sheet weighs the same.
pub fn roll_up(items: &[(Option<i64>, Cents)], weighting: Weighting) -> Option<Decimal> {
    let surveyed: Vec<(i64, i64)> = items
        .iter()
        .filter_map(|(p, w)| p.map(|p| (p, w.0)))
        .collect();
    if surveyed.is_empty() {
        return None;
    }
    let use_budget = weighting == Weighting::Budget && surveyed.iter().any(|(_, w)| *w > 0);
    let (num, den) = surveyed.iter().fold((0i128, 0i128), |(n, d), (p, w)| {
        let w = if use_budget { i128::from(*w) } else { 1 };
        (n + i128::from(*p) * w, d + w)
    });
    let mean = Decimal::from_i128_with_scale(num, 0) / Decimal::from_i128_with_scale(den, 0);
    Some(mean.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

/// Whether an indicator reached its target: higher is better; `None` when
/// the target or the actual value is missing.
pub fn reached(i: &Indicator) -> Option<bool> {
    Some(i.actual? >= i.target?)
}

#[cfg(test)]
mod monitoring_tests {
    use super::*;

    #[test]
    fn progress_rolls_up_by_budget_or_equally() {
        let items = [
            (Some(100), Cents(30_000)),
            (Some(0), Cents(10_000)),
            (None, Cents(100_000)),
        ];
        assert_eq!(
            roll_up(&items, Weighting::Budget),
            Some(Decimal::new(750, 1))
        );
        assert_eq!(
            roll_up(&items, Weighting::Equal),
            Some(Decimal::new(500, 1))
        );
        assert_eq!(roll_up(&[(None, Cents(1))], Weighting::Budget), None);
        // No resources at all: equal weights.
        assert_eq!(
            roll_up(
                &[(Some(10), Cents(0)), (Some(20), Cents(0))],
                Weighting::Budget
            ),
            Some(Decimal::new(150, 1))
        );
        // 1/3: one decimal, half away from zero.
        assert_eq!(
            roll_up(
                &[(Some(0), Cents(2)), (Some(100), Cents(1))],
                Weighting::Budget
            ),
            Some(Decimal::new(333, 1))
        );
        assert_eq!(
            roll_up(
                &[(Some(100), Cents(2)), (Some(0), Cents(1))],
                Weighting::Budget
            ),
            Some(Decimal::new(667, 1))
        );
    }

    #[test]
    fn progress_is_a_whole_percentage() {
        assert_eq!(parse_progress(" 45 % "), Ok(Some(45)));
        assert_eq!(parse_progress(""), Ok(None));
        assert!(parse_progress("101").is_err());
        assert!(parse_progress("-1").is_err());
        assert!(parse_progress("50,5").is_err());
    }

    #[test]
    fn an_indicator_is_reached_when_the_actual_meets_the_target() {
        let i = |target: Option<i64>, actual: Option<i64>| Indicator {
            name: "x".into(),
            unit: "numero".into(),
            baseline: None,
            target: target.map(Decimal::from),
            actual: actual.map(Decimal::from),
        };
        assert_eq!(reached(&i(Some(10), Some(10))), Some(true));
        assert_eq!(reached(&i(Some(10), Some(9))), Some(false));
        assert_eq!(reached(&i(None, Some(9))), None);
        assert_eq!(reached(&i(Some(10), None)), None);
    }
}

labelled_enum! {
    /// What a deadline of an annual plan is for: the referenti's sheets, or a
    /// round of monitoring of the plan's sheets.
    DeadlineKind {
        Compilation = "compilation", "Compilazione delle schede";
        Monitoring = "monitoring", "Monitoraggio";
    }
}

/// A deadline the planning office sets on an annual plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeadlineInput {
    pub kind: DeadlineKind,
    pub label: String,
    pub due_on: Date,
}

impl DeadlineInput {
    /// Reads the deadline form; the label defaults to the kind's name.
    pub fn parse(kind: &str, label: &str, due_on: &str) -> Result<DeadlineInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = DeadlineKind::from_code(kind.trim());
        if kind.is_none() {
            errors.add("kind", "Scegliere il tipo di scadenza.");
        }
        let label = optional_text(label, 200).unwrap_or_else(|m| {
            errors.add("label", m);
            None
        });
        let due_on = match due_on.trim() {
            "" => {
                errors.add("due_on", "Indicare la data di scadenza.");
                None
            }
            d => parse_date(d).map_err(|m| errors.add("due_on", m)).ok(),
        };
        match (kind, due_on) {
            (Some(kind), Some(due_on)) if errors.is_empty() => Ok(DeadlineInput {
                kind,
                label: label.unwrap_or_else(|| kind.label().to_string()),
                due_on,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn shares_follow_the_weights_and_add_up_to_the_cent() {
        // 100,00 € among 154.483, 16.407 and 378 inhabitants.
        let s = split_cents(Cents(10_000), &[154_483, 16_407, 378]);
        assert_eq!(s, vec![Cents(9_020), Cents(958), Cents(22)]);
        assert_eq!(s.iter().map(|c| c.0).sum::<i64>(), 10_000);
        // One cent among three equal weights goes to the first.
        assert_eq!(
            split_cents(Cents(1), &[5, 5, 5]),
            vec![Cents(1), Cents(0), Cents(0)]
        );
        // 0,02 € among three: the two largest remainders, earlier first on a tie.
        assert_eq!(
            split_cents(Cents(2), &[1, 1, 1]),
            vec![Cents(1), Cents(1), Cents(0)]
        );
        // No weight: equal parts.
        assert_eq!(split_cents(Cents(10), &[0, 0]), vec![Cents(5), Cents(5)]);
        assert_eq!(split_cents(Cents(-7), &[1, 1]), vec![Cents(-4), Cents(-3)]);
        assert!(split_cents(Cents(5), &[]).is_empty());
        // The largest amounts do not overflow.
        let big = split_cents(Cents(i64::MAX), &[i64::MAX, 1]);
        assert_eq!(
            big.iter().map(|c| i128::from(c.0)).sum::<i128>(),
            i128::from(i64::MAX)
        );
    }

    #[test]
    fn a_multi_year_sheet_counts_in_each_year_for_its_days() {
        use time::macros::date;
        // Pronto Badante: 293.481,58 € from 1/7/2023 to 30/6/2026, 1096 days:
        // 184 in 2023, 366 in 2024, 365 in 2025, 181 in 2026.
        let amount = Cents(29_348_158);
        let (start, end) = (Some(date!(2023 - 07 - 01)), Some(date!(2026 - 06 - 30)));
        let shares: Vec<Cents> = (2023..=2026)
            .map(|y| year_share(amount, start, end, y))
            .collect();
        assert_eq!(
            shares,
            vec![
                Cents(4_927_063),
                Cents(9_800_571),
                Cents(9_773_794),
                Cents(4_846_730)
            ]
        );
        assert_eq!(shares.iter().map(|c| c.0).sum::<i64>(), amount.0);
        // One day in each of two years: half each, the odd cent to the first.
        let (a, b) = (Some(date!(2024 - 12 - 31)), Some(date!(2025 - 01 - 01)));
        assert_eq!(year_share(Cents(3), a, b, 2024), Cents(2));
        assert_eq!(year_share(Cents(3), a, b, 2025), Cents(1));
        // Whole: no dates, one year, a period without the plan's year, a
        // period that ends before it starts.
        assert_eq!(year_share(amount, None, end, 2024), amount);
        assert_eq!(
            year_share(
                amount,
                Some(date!(2024 - 01 - 01)),
                Some(date!(2024 - 12 - 31)),
                2024
            ),
            amount
        );
        assert_eq!(year_share(amount, start, end, 2027), amount);
        assert_eq!(year_share(amount, end, start, 2024), amount);
    }

    fn line(activity_id: i64, cents: i64) -> BudgetLine {
        BudgetLine {
            activity_id,
            objective: "O".into(),
            programme: "P".into(),
            sector: "S".into(),
            organisation: "G".into(),
            matter: NO_MATTER.into(),
            municipality: String::new(),
            source: "Fondo".into(),
            amount: Cents(cents),
        }
    }

    #[test]
    fn a_sheet_goes_to_the_municipalities_it_serves_or_to_the_whole_zone() {
        let zone = vec![
            Served {
                id: 1,
                name: "Livorno".into(),
                population: Some(154_483),
            },
            Served {
                id: 2,
                name: "Collesalvetti".into(),
                population: Some(16_407),
            },
            Served {
                id: 3,
                name: "Capraia Isola".into(),
                population: Some(378),
            },
        ];
        let served = BTreeMap::from([(10, vec![2]), (11, vec![2, 3]), (12, vec![])]);
        let lines = vec![line(10, 50_000), line(11, 1_000), line(12, 10_000)];
        let split = by_municipality(&lines, &served, &zone);
        let t = budget_table(&split, BudgetAxis::Municipality, &["Fondo".to_string()]);
        let rows: Vec<(&str, i64)> = t.rows.iter().map(|r| (r.0.as_str(), r.2 .0)).collect();
        // Sheet 11: 10,00 € as 16.407 : 378 → 9,77 + 0,23; sheet 12 as above.
        assert_eq!(
            rows,
            vec![
                ("Livorno", 9_020),
                ("Collesalvetti", 50_000 + 977 + 958),
                ("Capraia Isola", 23 + 22)
            ]
        );
        assert_eq!(t.total, Cents(61_000));
        // A population unknown: equal parts.
        let unknown = vec![
            Served {
                id: 2,
                name: "Collesalvetti".into(),
                population: None,
            },
            Served {
                id: 3,
                name: "Capraia Isola".into(),
                population: Some(378),
            },
        ];
        let split = by_municipality(&[line(11, 1_001)], &served, &unknown);
        let amounts: Vec<i64> = split.iter().map(|l| l.amount.0).collect();
        assert_eq!(amounts, vec![501, 500]);
    }
}

#[cfg(test)]
mod deadline_tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_deadline_reads_an_italian_date_and_names_itself_by_its_kind() {
        let d = DeadlineInput::parse("monitoring", "", "30/06/2025").unwrap();
        assert_eq!(d.kind, DeadlineKind::Monitoring);
        assert_eq!(d.label, "Monitoraggio");
        assert_eq!(d.due_on, date!(2025 - 06 - 30));
        let d = DeadlineInput::parse("compilation", " Schede POA 2026 ", "2026-01-31").unwrap();
        assert_eq!(d.label, "Schede POA 2026");
    }

    #[test]
    fn a_deadline_without_kind_or_with_a_bad_date_is_refused_by_field() {
        let e = DeadlineInput::parse("other", "", "31/02/2025").unwrap_err();
        assert!(e.get("kind").is_some());
        assert!(e.get("due_on").is_some());
        let e = DeadlineInput::parse("monitoring", &"x".repeat(201), "").unwrap_err();
        assert!(e.get("label").is_some());
        assert_eq!(e.get("due_on"), Some("Indicare la data di scadenza."));
    }
}
