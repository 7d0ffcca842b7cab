//! The SOC26 form ("scheda di monitoraggio degli obiettivi di servizio",
//! funzione Sociale) of a municipality: its rows, the values it computes and
//! the sentences it prints. Rules and their sources: `docs/soc26.md`.
//!
//! Everything a year may change without changing the rules — years, labels,
//! thresholds — is in [`Soc26Spec`]; the functions below take it as data.

use crate::money::Cents;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kind of a Quadro 1 row: what it counts and whether it has hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// Services (M12–M30): users and annual hours of care.
    Service,
    /// Economic contributions (M35–M41): users only.
    Contribution,
    /// Residential structures (M44–M59, ROA): users and hours.
    Structure,
}

/// One users row of Quadro 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersRow {
    pub code: String,
    pub label: String,
    /// The target area (glossary: `target_area`), for comparisons across kinds.
    pub area: String,
    pub kind: RowKind,
    /// Multi-user rows ("Multiutenza") have no average hours.
    pub multi_user: bool,
}

/// What changes from one year's form to the next without changing the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Soc26Spec {
    /// The year the form monitors (2025).
    pub year: i32,
    /// The reference year of the users' comparison (2019).
    pub reference_year: i32,
    /// Years of the staff comparison (2020) and of the two historic-spending
    /// figures (2017, 2021), as printed.
    pub staff_reference_year: i32,
    pub spending_years: (i32, i32),
    pub rows: Vec<UsersRow>,
    /// Quadro 3 is required when the resources to report are at least this.
    pub quadro3_threshold: Cents,
    /// Inhabitants per social worker: the R10 threshold (6,500), the LEP
    /// (5,000) and the service objective (4,000) of L. 178/2020.
    pub social_worker_floor: u32,
    pub social_worker_lep: u32,
    pub social_worker_target: u32,
    /// L. 178/2020 c. 797: euros a year per social worker beyond the floor up
    /// to the LEP, and beyond the LEP up to the target.
    pub contribution_to_lep: Cents,
    pub contribution_to_target: Cents,
    /// The most characters of the free report R16.
    pub r16_max_chars: usize,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/soc26_specs.rs"));
}

impl Soc26Spec {
    /// Every form variant shipped with zona (`crates/core/soc26/*.json`), by year.
    pub fn all() -> Vec<Soc26Spec> {
        static ALL: std::sync::OnceLock<Vec<Soc26Spec>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| {
            let mut v: Vec<Soc26Spec> = embedded::SPECS
                .iter()
                .map(|s| {
                    serde_json::from_str(s).expect("the embedded SOC26 forms are valid (tested)")
                })
                .collect();
            v.sort_by_key(|s| s.year);
            v
        })
        .clone()
    }

    /// The form of a year, if zona has it.
    pub fn for_year(year: i32) -> Option<Soc26Spec> {
        Self::all().into_iter().find(|s| s.year == year)
    }

    /// The most recent form.
    pub fn latest() -> Soc26Spec {
        Self::all()
            .pop()
            .expect("at least one SOC26 form is embedded")
    }

    /// The 2025 form, as printed in the Livorno form of seed 003.
    pub fn form_2025() -> Soc26Spec {
        Self::for_year(2025).expect("the 2025 form is embedded")
    }

    pub fn row(&self, code: &str) -> Option<&UsersRow> {
        self.rows.iter().find(|r| r.code == code)
    }

    pub fn has_hours(&self, r: &UsersRow) -> bool {
        r.kind != RowKind::Contribution
    }

    /// A form variant written as JSON (the shape of `crates/core/soc26/*.json`),
    /// with what makes its rules meaningful checked: the years in order, the
    /// rows named once each, the thresholds of L. 178/2020 from the largest
    /// to the smallest. The messages are Italian, one per problem.
    pub fn from_json(text: &str) -> Result<Soc26Spec, Vec<String>> {
        let spec: Soc26Spec = serde_json::from_str(text)
            .map_err(|e| vec![format!("Il file non descrive un modulo SOC26: {e}.")])?;
        let mut problems = Vec::new();
        let mut note = |ok: bool, message: &str| {
            if !ok {
                problems.push(message.to_string());
            }
        };
        note(
            (2000..=2200).contains(&spec.year),
            "L'anno del modulo deve essere tra il 2000 e il 2200.",
        );
        note(
            spec.reference_year < spec.year,
            "L'anno di riferimento del confronto degli utenti deve precedere l'anno del modulo.",
        );
        note(
            spec.staff_reference_year < spec.year
                && spec.spending_years.0 < spec.year
                && spec.spending_years.1 < spec.year,
            "Gli anni del confronto del personale e della spesa storica devono precedere l'anno del modulo.",
        );
        note(
            !spec.rows.is_empty(),
            "Il modulo deve avere almeno un rigo di utenti.",
        );
        let mut codes = std::collections::BTreeSet::new();
        for r in &spec.rows {
            note(
                !r.code.trim().is_empty()
                    && !r.label.trim().is_empty()
                    && !r.area.trim().is_empty(),
                "Ogni rigo di utenti deve avere codice, descrizione e area.",
            );
            note(
                codes.insert(r.code.to_uppercase()),
                &format!("Il codice di rigo {} compare più di una volta.", r.code),
            );
        }
        note(
            spec.social_worker_floor > spec.social_worker_lep
                && spec.social_worker_lep > spec.social_worker_target
                && spec.social_worker_target > 0,
            "Le soglie di abitanti per assistente sociale vanno dalla più alta alla più bassa: soglia minima, LEP, obiettivo di servizio (6.500, 5.000, 4.000 nella L. 178/2020).",
        );
        note(
            spec.contribution_to_lep > Cents::ZERO && spec.contribution_to_target > Cents::ZERO,
            "I contributi per assistente sociale devono essere maggiori di zero.",
        );
        note(
            spec.quadro3_threshold >= Cents::ZERO,
            "La soglia del Quadro 3 non può essere negativa.",
        );
        note(
            (1..=100_000).contains(&spec.r16_max_chars),
            "La lunghezza massima della relazione R16 deve essere tra 1 e 100.000 caratteri.",
        );
        problems.dedup();
        if problems.is_empty() {
            Ok(spec)
        } else {
            Err(problems)
        }
    }
}

/// The SOC26 forms in use: those shipped with zona, each replaced by the
/// variant the region stored for its year, and the years only the region
/// added, by year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Soc26Forms(Vec<Soc26Spec>);

impl Soc26Forms {
    /// The forms shipped with zona.
    pub fn shipped() -> Soc26Forms {
        Soc26Forms(Soc26Spec::all())
    }

    /// The shipped forms with `stored` in their place, year by year.
    pub fn with(stored: Vec<Soc26Spec>) -> Soc26Forms {
        let mut all: Vec<Soc26Spec> = Soc26Spec::all()
            .into_iter()
            .filter(|s| !stored.iter().any(|t| t.year == s.year))
            .collect();
        all.extend(stored);
        all.sort_by_key(|s| s.year);
        Soc26Forms(all)
    }

    pub fn for_year(&self, year: i32) -> Option<&Soc26Spec> {
        self.0.iter().find(|s| s.year == year)
    }

    /// The most recent form: there is always one, since zona ships one.
    pub fn latest(&self) -> &Soc26Spec {
        self.0.last().expect("at least one SOC26 form is shipped")
    }

    pub fn all(&self) -> &[Soc26Spec] {
        &self.0
    }
}

/// One of the qualitative and quantitative objectives of Quadro 3 (R10–R14).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    /// Number (R10, R11: staff, 2 decimals).
    pub number: Option<Decimal>,
    /// How the additional spending was determined (free text).
    pub method: Option<String>,
    pub spending: Cents,
}

/// What the municipality enters (and the prefilled values it receives:
/// R05, R06, R07, R08, R09, R0C, R0D, R0E).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Soc26Input {
    pub name: String,
    pub identifier: String,
    /// Users served in the reference year, by row code.
    pub users_reference: BTreeMap<String, u64>,
    /// Users served in the current year, by row code.
    pub users_current: BTreeMap<String, u64>,
    /// Annual hours of care in the current year, by row code.
    pub hours_current: BTreeMap<String, u64>,
    pub r0c_ats_name: String,
    pub r0d_ats_lead_organisation: String,
    /// One social worker every this many inhabitants, at ATS level.
    pub r0e_ats_inhabitants_per_social_worker: Option<u64>,
    pub r01_reference: Decimal,
    pub r01: Decimal,
    pub r01a: Decimal,
    pub r02_reference: Decimal,
    pub r02: Decimal,
    pub r02x: Decimal,
    pub r02y: Decimal,
    pub r02a: Decimal,
    pub r03: u64,
    /// Reference service level, per cent of the population (2 decimals).
    pub r05: Decimal,
    pub r06: Cents,
    pub r07_first: Cents,
    pub r07_latest: Cents,
    pub r08: Cents,
    pub r09: Cents,
    pub r10: Objective,
    pub r11: Objective,
    pub r12: Objective,
    pub r13: Objective,
    pub r14: Objective,
    pub r16: String,
}

/// Upper bounds of the form's values. No real municipality comes near them
/// (Rome, the largest, has about 2,75 million inhabitants), so they refuse
/// only typing slips of many digits, and they keep every sum of the form
/// far inside exact integer arithmetic. Stated in `docs/soc26.md`.
pub const MAX_INHABITANTS: u64 = 10_000_000;
/// Users of one row in one year.
pub const MAX_USERS: u64 = 10_000_000;
/// Annual hours of care of one row.
pub const MAX_HOURS: u64 = 100_000_000;
/// Staff in full-time equivalents (R01, R01A, R02…, R10, R11).
pub const MAX_STAFF: u64 = 100_000;
/// Per cent values (R05).
pub const MAX_PERCENT: u64 = 100;
/// Euro amounts: one hundred billion.
pub const MAX_AMOUNT: Cents = Cents(10_000_000_000_000);

/// A decimal figure as the form prints it: exactly two decimals, so that an
/// exact division still shows `100,00` and `4,00`.
pub fn two_decimals(d: Decimal) -> Decimal {
    let mut d = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    d.rescale(2);
    d
}

/// A rule broken by the input: the field (form code) and an Italian message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

fn problem(field: &str, message: impl Into<String>) -> Problem {
    Problem {
        field: field.into(),
        message: message.into(),
    }
}

/// Checks the rules a form must satisfy before it can be computed.
pub fn validate(spec: &Soc26Spec, f: &Soc26Input) -> Vec<Problem> {
    let mut p = Vec::new();
    for (map, what) in [
        (&f.users_reference, "utenti"),
        (&f.users_current, "utenti"),
        (&f.hours_current, "ore"),
    ] {
        for code in map.keys() {
            match spec.row(code) {
                None => p.push(problem(
                    code,
                    format!("Codice di riga sconosciuto: {code}."),
                )),
                Some(r) if what == "ore" && !spec.has_hours(r) => p.push(problem(
                    code,
                    format!("La riga {code} (contributi economici) non ha ore di assistenza."),
                )),
                Some(_) => {}
            }
        }
    }
    let too_large = |code: &str, max: String| {
        problem(
            code,
            format!("Il valore di {code} non può essere superiore a {max}."),
        )
    };
    for (map, max) in [
        (&f.users_reference, MAX_USERS),
        (&f.users_current, MAX_USERS),
        (&f.hours_current, MAX_HOURS),
    ] {
        for (code, n) in map {
            if *n > max {
                p.push(too_large(code, crate::format::thousands(max)));
            }
        }
    }
    if f.r03 > MAX_INHABITANTS
        || f.r0e_ats_inhabitants_per_social_worker
            .is_some_and(|n| n > MAX_INHABITANTS)
    {
        p.push(too_large("R03", crate::format::thousands(MAX_INHABITANTS)));
    }
    let staff = [
        ("R01", f.r01_reference),
        ("R01", f.r01),
        ("R01A", f.r01a),
        ("R02", f.r02_reference),
        ("R02", f.r02),
        ("R02X", f.r02x),
        ("R02Y", f.r02y),
        ("R02A", f.r02a),
    ];
    for (code, v) in staff {
        if v.is_sign_negative() && !v.is_zero() {
            p.push(problem(code, "Il numero non può essere negativo."));
        }
        if v.normalize().scale() > 2 {
            p.push(problem(code, "Al massimo 2 decimali."));
        }
        if v > Decimal::from(MAX_STAFF) {
            p.push(too_large(code, crate::format::thousands(MAX_STAFF)));
        }
    }
    if f.r05 > Decimal::from(MAX_PERCENT) {
        p.push(too_large("R05", crate::format::thousands(MAX_PERCENT)));
    }
    if f.r02x + f.r02y > f.r02 {
        p.push(problem(
            "R02X",
            format!(
                "Psicologi (R02X) ed educatori (R02Y) sono «di cui» delle altre figure professionali: insieme ({}) non possono superare R02 ({}).",
                crate::format::decimal(f.r02x + f.r02y),
                crate::format::decimal(f.r02)
            ),
        ));
    }
    if (f.r01 + f.r01a).is_zero() {
        p.push(problem(
            "R01A",
            "R01 + R01A = 0: senza assistenti sociali il rapporto R01B con la popolazione non è calcolabile. Indicare gli assistenti sociali del Comune (R01) o forniti dall'ambito (R01A).",
        ));
    }
    if f.r03 == 0 {
        p.push(problem(
            "R03",
            "Il numero di abitanti deve essere maggiore di zero.",
        ));
    }
    if f.r05.is_sign_negative() && !f.r05.is_zero() {
        p.push(problem(
            "R05",
            "Il livello di servizio di riferimento non può essere negativo.",
        ));
    }
    for (code, c) in [
        ("R06", f.r06),
        ("R07", f.r07_first),
        ("R07", f.r07_latest),
        ("R08", f.r08),
        ("R09", f.r09),
    ] {
        if c.0 < 0 {
            p.push(problem(code, "L'importo non può essere negativo."));
        }
        if c > MAX_AMOUNT {
            p.push(too_large(code, MAX_AMOUNT.to_string()));
        }
    }
    for (code, o) in objectives(f) {
        if o.spending.0 < 0 {
            p.push(problem(
                code,
                "La spesa aggiuntiva non può essere negativa.",
            ));
        }
        if o.spending > MAX_AMOUNT {
            p.push(too_large(code, MAX_AMOUNT.to_string()));
        }
        if o.number.is_some_and(|n| n > Decimal::from(MAX_STAFF)) {
            p.push(too_large(code, crate::format::thousands(MAX_STAFF)));
        }
        if o.number
            .is_some_and(|n| n.is_sign_negative() && !n.is_zero())
        {
            p.push(problem(code, "Il numero non può essere negativo."));
        }
        if o.number.is_some_and(|n| n.normalize().scale() > 2) {
            p.push(problem(code, "Al massimo 2 decimali."));
        }
    }
    let chars = f.r16.chars().count();
    if chars > spec.r16_max_chars {
        p.push(problem(
            "R16",
            format!(
                "La relazione può avere al massimo {} caratteri: ne ha {}.",
                crate::format::thousands(spec.r16_max_chars as u64),
                crate::format::thousands(chars as u64)
            ),
        ));
    }
    p
}

fn objectives(f: &Soc26Input) -> [(&'static str, &Objective); 5] {
    [
        ("R10", &f.r10),
        ("R11", &f.r11),
        ("R12", &f.r12),
        ("R13", &f.r13),
        ("R14", &f.r14),
    ]
}

/// `a ÷ b` rounded half away from zero to exactly `dp` decimals (an exact
/// quotient keeps its zeros: `100,00`).
fn ratio(a: Decimal, b: Decimal, dp: u32) -> Decimal {
    let mut q = (a / b).round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    q.rescale(dp);
    q
}

/// ROB: the total of every users row of one year. The sum is checked: values
/// beyond [`MAX_USERS`] are refused by [`validate`], and should a caller skip
/// it the total stops at the largest number rather than wrapping around.
pub fn total_users(spec: &Soc26Spec, users: &BTreeMap<String, u64>) -> u64 {
    spec.rows
        .iter()
        .map(|r| users.get(&r.code).copied().unwrap_or(0))
        .fold(0u64, u64::saturating_add)
}

/// Average annual hours per user of a row: hours ÷ users, half-up to 2
/// decimals; 0,00 with no users; none for multi-user rows and contributions.
pub fn average_hours(spec: &Soc26Spec, row: &UsersRow, users: u64, hours: u64) -> Option<Decimal> {
    if row.multi_user || !spec.has_hours(row) {
        return None;
    }
    if users == 0 {
        return Some(two_decimals(Decimal::ZERO));
    }
    Some(ratio(Decimal::from(hours), Decimal::from(users), 2))
}

/// R01B: inhabitants per social worker, R03 ÷ (R01 + R01A), to the unit;
/// none when the municipality has no social worker.
pub fn inhabitants_per_social_worker(r03: u64, r01: Decimal, r01a: Decimal) -> Option<Decimal> {
    let staff = r01 + r01a;
    if staff <= Decimal::ZERO {
        return None;
    }
    Some(ratio(Decimal::from(r03), staff, 0))
}

/// Reads a number of permanent social workers in full-time equivalents, as
/// typed ("12,50"), into hundredths of a post: empty is "not known", and a
/// negative number, more than two decimals or more than [`MAX_STAFF`] are
/// refused with an Italian message.
pub fn read_permanent_fte(typed: &str) -> Result<Option<i64>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let d = crate::number::read_decimal(typed, 2).map_err(|e| e.to_string())?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err("Il numero di assistenti non può essere negativo.".into());
    }
    if d > Decimal::from(MAX_STAFF) {
        return Err(format!(
            "Al massimo {} assistenti.",
            crate::format::thousands(MAX_STAFF)
        ));
    }
    // Exact: at most two decimals and at most MAX_STAFF.
    Ok(Some(
        i64::try_from((d * Decimal::ONE_HUNDRED).trunc()).expect("within MAX_STAFF"),
    ))
}

/// Inhabitants per social worker for a zone's sentence: 2 decimals, half away
/// from zero, so that 170.013 inhabitants with 34 workers read 5.000,38 and
/// not the 5.000 that R01B's unit rounding would print next to "below the
/// LEP". For display only: the thresholds compare exact values
/// ([`staffing_level`]).
pub fn inhabitants_per_worker_shown(population: u64, staff: Decimal) -> Option<Decimal> {
    (staff > Decimal::ZERO).then(|| ratio(Decimal::from(population), staff, 2))
}

/// R04: users served (ROB of the current year) per 100 inhabitants, 2 decimals.
/// With no population (which validation refuses) it is 0, never a division by zero.
pub fn service_level(rob: u64, r03: u64) -> Decimal {
    if r03 == 0 {
        return two_decimals(Decimal::ZERO);
    }
    ratio(
        Decimal::from(rob) * Decimal::ONE_HUNDRED,
        Decimal::from(r03),
        2,
    )
}

/// R04 against R05: equal counts as not lower.
pub fn service_level_not_lower(r04: Decimal, r05: Decimal) -> bool {
    r04 >= r05
}

/// The spending test: the most recent historic spending against the
/// standard need R06 (see docs/soc26.md for why the latest year).
pub fn spending_not_lower(r07_latest: Cents, r06: Cents) -> bool {
    r07_latest >= r06
}

/// The warning for the one case where the reading of the spending test
/// decides the outcome: the first year's spending reaches R06 and the latest
/// does not. zona compares the latest (see `docs/soc26.md`); had the form
/// compared the higher of the two years, the spending would not be lower
/// and Quadro 3 would not be due. In the opposite case (first year below,
/// latest not) every reading but "first year only", which the seed rules
/// out, agrees with zona's.
pub fn spending_readings_disagree(spec: &Soc26Spec, f: &Soc26Input) -> Option<String> {
    if !(f.r07_first >= f.r06 && f.r07_latest < f.r06) {
        return None;
    }
    let (first, latest) = spec.spending_years;
    Some(format!(
        "La spesa storica {first} (R07, {}) non è inferiore al fabbisogno standard monetario (R06, {}), quella {latest} (R07, {}) sì. zona confronta R06 con la spesa più recente, quella {latest}: la spesa risulta inferiore e il Quadro 3 è dovuto se R09 raggiunge {}. Se la scheda ufficiale considerasse la maggiore delle due spese, la spesa risulterebbe non inferiore e il Quadro 3 non sarebbe dovuto: verificare l'esito con la scheda precompilata prima dell'invio.",
        f.r07_first, f.r06, f.r07_latest, spec.quadro3_threshold
    ))
}

/// Quadro 3 is required exactly when the spending is below the standard need
/// and the resources to report (R09) reach the threshold (1.000,00 € included).
pub fn quadro3_required(spec: &Soc26Spec, spending_not_lower: bool, r09: Cents) -> bool {
    !spending_not_lower && r09 >= spec.quadro3_threshold
}

/// Social workers (FTE, 2 decimals, rounded up) a population needs to reach
/// one every `inhabitants`.
pub fn social_workers_needed(r03: u64, inhabitants: u32) -> Decimal {
    let mut n = (Decimal::from(r03) / Decimal::from(inhabitants))
        .round_dp_with_strategy(2, RoundingStrategy::AwayFromZero);
    n.rescale(2);
    n
}

/// The additional social workers useful for R10: what brings the
/// municipality to one every 6,500 inhabitants, never below zero.
pub fn useful_additional_social_workers(
    spec: &Soc26Spec,
    r03: u64,
    r01: Decimal,
    r01a: Decimal,
) -> Decimal {
    two_decimals(
        (social_workers_needed(r03, spec.social_worker_floor) - r01 - r01a).max(Decimal::ZERO),
    )
}

/// How a ratio of inhabitants per social worker stands against L. 178/2020.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffingLevel {
    /// No social worker at all.
    None,
    /// Fewer than one every 5,000 inhabitants: below the LEP.
    BelowLep,
    /// The LEP reached, the 1:4,000 objective not yet.
    Lep,
    /// One every 4,000 inhabitants or better.
    Target,
}

/// Where `staff` social workers (full-time equivalents) stand for a
/// population against L. 178/2020. The thresholds are compared on exact
/// values — "one every 5,000 inhabitants" is reached when population ≤
/// 5,000 × staff — never on the ratio rounded for display: 170,013
/// inhabitants with 34 social workers are 1 every 5,000,38, below the LEP,
/// although the rounded ratio prints 5,000.
pub fn staffing_level(spec: &Soc26Spec, population: u64, staff: Decimal) -> StaffingLevel {
    if staff <= Decimal::ZERO {
        return StaffingLevel::None;
    }
    let population = Decimal::from(population);
    let reaches = |inhabitants: u32| population <= Decimal::from(inhabitants) * staff;
    if reaches(spec.social_worker_target) {
        StaffingLevel::Target
    } else if reaches(spec.social_worker_lep) {
        StaffingLevel::Lep
    } else {
        StaffingLevel::BelowLep
    }
}

/// The L. 178/2020 c. 797 contribution to an ATS, estimated: 40.000 € a year
/// for each social worker beyond 1:6,500 up to 1:5,000 and 20.000 € for
/// each beyond 1:5,000 up to 1:4,000; `social_workers` are full-time
/// equivalents on open-ended contracts at ATS level.
pub fn ats_contribution(spec: &Soc26Spec, population: u64, social_workers: Decimal) -> Cents {
    let floor = Decimal::from(population) / Decimal::from(spec.social_worker_floor);
    let lep = Decimal::from(population) / Decimal::from(spec.social_worker_lep);
    let target = Decimal::from(population) / Decimal::from(spec.social_worker_target);
    let band = |from: Decimal, to: Decimal| (social_workers.min(to) - from).max(Decimal::ZERO);
    let euros = band(floor, lep) * spec.contribution_to_lep.to_decimal()
        + band(lep, target) * spec.contribution_to_target.to_decimal();
    Cents::from_decimal(euros).unwrap_or(Cents::ZERO)
}

/// Users of one target area in the two years, all kinds of service together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaComparison {
    pub area: String,
    pub reference: u64,
    pub current: u64,
}

impl AreaComparison {
    /// Change in per cent, 1 decimal, half away from zero; none from zero.
    pub fn change_percent(&self) -> Option<Decimal> {
        (self.reference > 0).then(|| {
            ratio(
                (Decimal::from(self.current) - Decimal::from(self.reference))
                    * Decimal::ONE_HUNDRED,
                Decimal::from(self.reference),
                1,
            )
        })
    }
}

/// Users per target area, reference year against current year, in the
/// form's order of areas.
pub fn compare_areas(spec: &Soc26Spec, f: &Soc26Input) -> Vec<AreaComparison> {
    let mut out: Vec<AreaComparison> = Vec::new();
    for r in &spec.rows {
        let reference = f.users_reference.get(&r.code).copied().unwrap_or(0);
        let current = f.users_current.get(&r.code).copied().unwrap_or(0);
        match out.iter_mut().find(|a| a.area == r.area) {
            Some(a) => {
                a.reference += reference;
                a.current += current;
            }
            None => out.push(AreaComparison {
                area: r.area.clone(),
                reference,
                current,
            }),
        }
    }
    out
}

/// Everything the form computes and prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Soc26Result {
    pub rob_reference: u64,
    pub rob_current: u64,
    /// Average annual hours per user, by row code (rows with hours only;
    /// `None` where the form leaves it empty).
    pub average_hours: BTreeMap<String, Option<Decimal>>,
    pub r01b: Option<Decimal>,
    pub r01b_sentence: String,
    pub staffing: StaffingLevel,
    pub staffing_sentence: String,
    pub r04: Decimal,
    pub service_level_not_lower: bool,
    pub service_level_sentence: String,
    pub quadro2_required: bool,
    pub spending_not_lower: bool,
    pub quadro2_sentence: String,
    pub quadro3_required: bool,
    pub r15: Cents,
    /// R09 − R15 when positive and Quadro 3 is required.
    pub still_to_report: Option<Cents>,
    pub useful_additional_social_workers: Decimal,
    pub warnings: Vec<String>,
}

const LEP_NOTE: &str = "Va segnalato che nei servizi sociali è attualmente definito un LEP relativo al numero di assistenti sociali in rapporto alla popolazione in ogni ambito territoriale sociale (ATS), in ragione di un assistente sociale ogni 5.000 abitanti, nella prospettiva di raggiungere un più avanzato obiettivo di servizio, pari a un assistente ogni 4.000 abitanti (L.178/2020).";

/// The static paragraph printed under R01B.
pub fn lep_note() -> &'static str {
    LEP_NOTE
}

/// Computes the form. Call [`validate`] first: this assumes a valid input.
pub fn compute(spec: &Soc26Spec, f: &Soc26Input) -> Soc26Result {
    let year = spec.year;
    let rob_reference = total_users(spec, &f.users_reference);
    let rob_current = total_users(spec, &f.users_current);
    let average_hours = spec
        .rows
        .iter()
        .filter(|r| spec.has_hours(r))
        .map(|r| {
            let users = f.users_current.get(&r.code).copied().unwrap_or(0);
            let hours = f.hours_current.get(&r.code).copied().unwrap_or(0);
            (r.code.clone(), average_hours(spec, r, users, hours))
        })
        .collect();

    let r01b = inhabitants_per_social_worker(f.r03, f.r01, f.r01a);
    let r01b_sentence = match r01b {
        Some(n) => format!(
            "Nel {year} per il Comune il numero di assistenti sociali in rapporto alla popolazione è risultato pari a 1 ogni {n} abitanti."
        ),
        None => format!(
            "Nel {year} il Comune non ha assistenti sociali in forza né forniti dall'ambito (R01 + R01A = 0): il rapporto con la popolazione non è calcolabile."
        ),
    };
    let staffing = staffing_level(spec, f.r03, f.r01 + f.r01a);
    let staffing_sentence = match staffing {
        StaffingLevel::None => "Nessun assistente sociale: il LEP di 1 ogni 5.000 abitanti non è raggiunto.".to_string(),
        StaffingLevel::BelowLep => "Il rapporto è inferiore al LEP di 1 assistente sociale ogni 5.000 abitanti.".to_string(),
        StaffingLevel::Lep => "Il rapporto raggiunge il LEP di 1 assistente sociale ogni 5.000 abitanti, non ancora l'obiettivo di 1 ogni 4.000.".to_string(),
        StaffingLevel::Target => "Il rapporto raggiunge il LEP di 1 assistente sociale ogni 5.000 abitanti e l'obiettivo di servizio di 1 ogni 4.000.".to_string(),
    };

    let r04 = service_level(rob_current, f.r03);
    let service_ok = service_level_not_lower(r04, f.r05);
    let service_level_sentence = format!(
        "Nel {year} il livello di servizio effettivo dell'ente locale è risultato {} al livello di servizio di riferimento.",
        if service_ok { "non inferiore" } else { "inferiore" }
    );
    let spending_ok = spending_not_lower(f.r07_latest, f.r06);
    let q3 = quadro3_required(spec, spending_ok, f.r09);
    let quadro2_sentence = quadro2_sentence(spec, spending_ok, service_ok, q3, f.r09);

    let r15 = objectives(f).iter().map(|(_, o)| o.spending).sum::<Cents>();
    let still_to_report = (q3 && r15 < f.r09).then(|| Cents(f.r09.0 - r15.0));
    let useful = useful_additional_social_workers(spec, f.r03, f.r01, f.r01a);
    let mut warnings = Vec::new();
    if let Some(d) = still_to_report {
        warnings.push(format!(
            "Il totale degli obiettivi di servizio (R15, {r15}) è inferiore alle risorse da rendicontare (R09, {}): restano da rendicontare {d}.",
            f.r09
        ));
    }
    if let Some(n) = f.r10.number {
        if n > useful {
            warnings.push(format!(
                "R10 indica {} assistenti sociali aggiuntivi, oltre i {} utili a raggiungere la soglia di 1 ogni {} abitanti.",
                crate::format::decimal(n),
                crate::format::decimal(useful),
                crate::format::thousands(u64::from(spec.social_worker_floor))
            ));
        }
    }
    if let Some(w) = spending_readings_disagree(spec, f) {
        warnings.push(w);
    }
    if !q3 && objectives(f).iter().any(|(_, o)| o.spending.0 != 0) {
        warnings.push("Il Quadro 3 non è richiesto: gli importi inseriti nel Quadro 3 non saranno considerati.".to_string());
    }

    Soc26Result {
        rob_reference,
        rob_current,
        average_hours,
        r01b,
        r01b_sentence,
        staffing,
        staffing_sentence,
        r04,
        service_level_not_lower: service_ok,
        service_level_sentence,
        // The form asks for Quadro 2 whatever the service level.
        quadro2_required: true,
        spending_not_lower: spending_ok,
        quadro2_sentence,
        quadro3_required: q3,
        r15,
        still_to_report,
        useful_additional_social_workers: useful,
        warnings,
    }
}

/// The Quadro 2 sentence for each combination of the two tests. The first
/// case is printed in the seed; the others follow its wording.
pub fn quadro2_sentence(
    spec: &Soc26Spec,
    spending_ok: bool,
    service_ok: bool,
    quadro3: bool,
    r09: Cents,
) -> String {
    let spending = if spending_ok {
        "La spesa dell'ente locale è risultata non inferiore al livello del fabbisogno standard monetario per la funzione Servizi sociali."
    } else {
        "La spesa dell'ente locale è risultata inferiore al livello del fabbisogno standard monetario per la funzione Servizi sociali."
    };
    let service = match (spending_ok, service_ok) {
        (true, true) => {
            "Anche il livello dei servizi è risultato non inferiore a quello di riferimento."
        }
        (false, false) => {
            "Anche il livello dei servizi è risultato inferiore a quello di riferimento."
        }
        (true, false) => {
            "Il livello dei servizi è invece risultato inferiore a quello di riferimento."
        }
        (false, true) => {
            "Il livello dei servizi è invece risultato non inferiore a quello di riferimento."
        }
    };
    let quadro3 = if quadro3 {
        "L'ente deve compilare il Quadro 3 degli obiettivi di servizio.".to_string()
    } else if !spending_ok {
        format!(
            "Le risorse aggiuntive da rendicontare (R09, {r09}) sono inferiori a {}: l'ente non deve compilare il Quadro 3 degli obiettivi di servizio.",
            spec.quadro3_threshold
        )
    } else {
        "L'ente non deve compilare il Quadro 3 degli obiettivi di servizio.".to_string()
    };
    format!("{spending} {service} {quadro3}")
}
