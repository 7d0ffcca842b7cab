//! The SOC26 form as JSON, keyed by the form's own codes (format in
//! `docs/soc26.md`). Parsing collects every problem, with the code and year
//! it concerns, instead of stopping at the first.

use crate::money::Cents;
use crate::number::{self, NumberError};
use crate::soc26::{
    compute, two_decimals, validate, Objective, Problem, Soc26Input, Soc26Result, Soc26Spec,
    MAX_AMOUNT, MAX_HOURS, MAX_INHABITANTS, MAX_PERCENT, MAX_STAFF, MAX_USERS,
};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

fn problem(field: String, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// A reader's refusal, prefixed with the form's code: "M12: il numero…".
fn about(code: &str, e: &NumberError) -> String {
    let m = e.to_string();
    let mut c = m.chars();
    match c.next() {
        Some(f) if f.is_uppercase() => format!("{code}: {}{}", f.to_lowercase(), c.as_str()),
        _ => format!("{code}: {m}"),
    }
}

struct Reader<'a> {
    problems: Vec<Problem>,
    root: &'a Map<String, Value>,
}

impl<'a> Reader<'a> {
    fn section(&mut self, name: &str) -> Map<String, Value> {
        match self.root.get(name) {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                self.problems.push(problem(
                    name.into(),
                    format!("«{name}» deve essere un oggetto con i codici del modulo."),
                ));
                Map::new()
            }
        }
    }

    /// A count: a whole JSON number, or a string read the Italian way
    /// (`"153.000"` is one hundred fifty-three thousand), at most `max`.
    fn count(&mut self, where_: &str, code: &str, v: &Value, max: u64) -> Option<u64> {
        match number::json_count(v, max) {
            Ok(n) => Some(n),
            Err(e) => {
                self.problems
                    .push(problem(format!("{where_}.{code}"), about(code, &e)));
                None
            }
        }
    }

    /// A staff count or a percentage: two decimals at most, not negative,
    /// at most `max`, kept with exactly two decimals as the form prints it.
    fn staff(&mut self, where_: &str, code: &str, v: Option<&Value>, max: u64) -> Decimal {
        let Some(v) = v else {
            return two_decimals(Decimal::ZERO);
        };
        let read = number::json_decimal(v, 2).and_then(|d| {
            if d.is_sign_negative() && !d.is_zero() {
                Err(NumberError::Negative)
            } else if d > Decimal::from(max) {
                Err(NumberError::TooLarge(crate::format::thousands(max)))
            } else {
                Ok(d)
            }
        });
        match read {
            Ok(d) => two_decimals(d),
            Err(e) => {
                self.problems
                    .push(problem(format!("{where_}.{code}"), about(code, &e)));
                two_decimals(Decimal::ZERO)
            }
        }
    }

    fn money(&mut self, where_: &str, code: &str, v: Option<&Value>) -> Cents {
        let Some(v) = v else { return Cents::ZERO };
        let parsed = number::json_amount(v).and_then(|d| {
            let c = Cents::from_decimal(d)
                .ok_or_else(|| NumberError::TooLarge(MAX_AMOUNT.format_plain()))?;
            if c.0 < 0 {
                Err(NumberError::Negative)
            } else if c > MAX_AMOUNT {
                Err(NumberError::TooLarge(MAX_AMOUNT.format_plain()))
            } else {
                Ok(c)
            }
        });
        match parsed {
            Ok(c) => c,
            Err(e) => {
                self.problems
                    .push(problem(format!("{where_}.{code}"), about(code, &e)));
                Cents::ZERO
            }
        }
    }

    fn string(&mut self, where_: &str, code: &str, v: Option<&Value>) -> String {
        match v {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.problems.push(problem(
                    format!("{where_}.{code}"),
                    format!("{code}: inserire un testo."),
                ));
                String::new()
            }
        }
    }
}

/// Parses a form from JSON text. `Err` carries every problem found, in
/// Italian, JSON syntax errors with their line and column.
pub fn parse(spec: &Soc26Spec, json_text: &str) -> Result<Soc26Input, Vec<Problem>> {
    let (f, problems) = read(spec, json_text)?;
    if problems.is_empty() {
        Ok(f)
    } else {
        Err(problems)
    }
}

/// Reads a form as far as it can: the values that parse, zero for those that
/// do not, and every problem. For drafts and live previews; `Err` only when
/// the text is not a JSON object at all.
pub fn read(spec: &Soc26Spec, json_text: &str) -> Result<(Soc26Input, Vec<Problem>), Vec<Problem>> {
    let value: Value = serde_json::from_str(json_text).map_err(|e| {
        vec![problem(
            "json".into(),
            format!(
                "JSON non valido alla riga {}, colonna {}: {e}",
                e.line(),
                e.column()
            ),
        )]
    })?;
    let Value::Object(root) = &value else {
        return Err(vec![problem(
            "json".into(),
            "Il modulo deve essere un oggetto JSON.",
        )]);
    };
    let mut r = Reader {
        problems: Vec::new(),
        root,
    };
    if let Some(y) = root.get("year") {
        if y.as_i64() != Some(i64::from(spec.year)) {
            r.problems.push(problem(
                "year".into(),
                format!(
                    "Il modulo è quello del {}: «year» deve valere {}.",
                    spec.year, spec.year
                ),
            ));
        }
    }
    let reference = r.section("reference_year");
    let current = r.section("current_year");
    let hours = r.section("hours");
    let quadro3 = r.section("quadro3");

    let mut f = Soc26Input {
        name: r.string("", "name", root.get("name")),
        identifier: r.string("", "identifier", root.get("identifier")),
        ..Default::default()
    };
    let known_reference = ["R01", "R02", "R07"];
    let known_current = [
        "R0C", "R0D", "R0E", "R01", "R01A", "R02", "R02X", "R02Y", "R02A", "R03", "R05", "R06",
        "R07", "R08", "R09", "R16",
    ];
    let users = |where_: &str,
                 map: &Map<String, Value>,
                 known: &[&str],
                 r: &mut Reader|
     -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (code, v) in map {
            if spec.row(code).is_some() {
                if let Some(n) = r.count(where_, code, v, MAX_USERS) {
                    out.insert(code.clone(), n);
                }
            } else if !known.contains(&code.as_str()) {
                r.problems.push(problem(
                    format!("{where_}.{code}"),
                    format!("Codice sconosciuto: {code}."),
                ));
            }
        }
        out
    };
    f.users_reference = users("reference_year", &reference, &known_reference, &mut r);
    f.users_current = users("current_year", &current, &known_current, &mut r);
    for (code, v) in &hours {
        match spec.row(code) {
            Some(row) if spec.has_hours(row) => {
                if let Some(n) = r.count("hours", code, v, MAX_HOURS) {
                    f.hours_current.insert(code.clone(), n);
                }
            }
            Some(_) => r.problems.push(problem(
                format!("hours.{code}"),
                format!("La riga {code} (contributi economici) non ha ore di assistenza."),
            )),
            None => r.problems.push(problem(
                format!("hours.{code}"),
                format!("Codice sconosciuto: {code}."),
            )),
        }
    }
    f.r0c_ats_name = r.string("current_year", "R0C", current.get("R0C"));
    f.r0d_ats_lead_organisation = r.string("current_year", "R0D", current.get("R0D"));
    f.r0e_ats_inhabitants_per_social_worker = current
        .get("R0E")
        .and_then(|v| r.count("current_year", "R0E", v, MAX_INHABITANTS));
    f.r01_reference = r.staff("reference_year", "R01", reference.get("R01"), MAX_STAFF);
    f.r02_reference = r.staff("reference_year", "R02", reference.get("R02"), MAX_STAFF);
    f.r07_first = r.money("reference_year", "R07", reference.get("R07"));
    f.r01 = r.staff("current_year", "R01", current.get("R01"), MAX_STAFF);
    f.r01a = r.staff("current_year", "R01A", current.get("R01A"), MAX_STAFF);
    f.r02 = r.staff("current_year", "R02", current.get("R02"), MAX_STAFF);
    f.r02x = r.staff("current_year", "R02X", current.get("R02X"), MAX_STAFF);
    f.r02y = r.staff("current_year", "R02Y", current.get("R02Y"), MAX_STAFF);
    f.r02a = r.staff("current_year", "R02A", current.get("R02A"), MAX_STAFF);
    match current.get("R03") {
        Some(v) => {
            f.r03 = r
                .count("current_year", "R03", v, MAX_INHABITANTS)
                .unwrap_or(0)
        }
        None => r.problems.push(problem(
            "current_year.R03".into(),
            "R03: il numero di abitanti è obbligatorio.",
        )),
    }
    f.r05 = r.staff("current_year", "R05", current.get("R05"), MAX_PERCENT);
    f.r06 = r.money("current_year", "R06", current.get("R06"));
    f.r07_latest = r.money("current_year", "R07", current.get("R07"));
    f.r08 = r.money("current_year", "R08", current.get("R08"));
    f.r09 = r.money("current_year", "R09", current.get("R09"));
    f.r16 = r.string("current_year", "R16", current.get("R16"));
    for (code, v) in &quadro3 {
        let Value::Object(o) = v else {
            r.problems.push(problem(
                format!("quadro3.{code}"),
                format!("{code}: un oggetto con number, method, spending."),
            ));
            continue;
        };
        let objective = Objective {
            number: o
                .get("number")
                .filter(|v| !v.is_null())
                .map(|v| r.staff("quadro3", code, Some(v), MAX_STAFF)),
            method: o
                .get("method")
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .filter(|s| !s.is_empty()),
            spending: r.money("quadro3", code, o.get("spending")),
        };
        match code.as_str() {
            "R10" => f.r10 = objective,
            "R11" => f.r11 = objective,
            "R12" => f.r12 = objective,
            "R13" => f.r13 = objective,
            "R14" => f.r14 = objective,
            _ => r.problems.push(problem(
                format!("quadro3.{code}"),
                format!("Codice sconosciuto nel Quadro 3: {code}."),
            )),
        }
    }
    let mut problems = r.problems;
    // A value the reader refused reads as zero; the rules would only repeat
    // the refusal in other words ("R03 must be more than zero").
    let refused: Vec<String> = problems
        .iter()
        .map(|p| p.field.rsplit('.').next().unwrap_or_default().to_string())
        .collect();
    problems.extend(
        validate(spec, &f)
            .into_iter()
            .filter(|p| !refused.contains(&p.field)),
    );
    Ok((f, problems))
}

/// A decimal figure of the form: a string with exactly two decimals.
fn dec(d: Decimal) -> Value {
    Value::String(two_decimals(d).to_string())
}

fn cents(c: Cents) -> Value {
    Value::String(c.to_decimal().to_string())
}

/// The complete form: the input as read, every computed value and every
/// sentence, keyed by the form's codes. Decimals and euros are strings
/// (`"13.69"`, `"19096142.52"`) so that no reader turns them into floats.
pub fn render(spec: &Soc26Spec, f: &Soc26Input, r: &Soc26Result) -> Value {
    let mut quadro1 = Map::new();
    for row in &spec.rows {
        let mut o = Map::new();
        o.insert("label".into(), json!(row.label));
        o.insert(
            spec.reference_year.to_string(),
            json!(f.users_reference.get(&row.code).copied().unwrap_or(0)),
        );
        o.insert(
            spec.year.to_string(),
            json!(f.users_current.get(&row.code).copied().unwrap_or(0)),
        );
        if spec.has_hours(row) {
            o.insert(
                "hours".into(),
                if row.multi_user {
                    Value::Null
                } else {
                    json!(f.hours_current.get(&row.code).copied().unwrap_or(0))
                },
            );
            o.insert(
                "average_hours".into(),
                r.average_hours
                    .get(&row.code)
                    .copied()
                    .flatten()
                    .map(dec)
                    .unwrap_or(Value::Null),
            );
        }
        quadro1.insert(row.code.clone(), Value::Object(o));
    }
    let objective = |o: &Objective| json!({ "number": o.number.map(dec), "method": o.method, "spending": cents(o.spending) });
    json!({
        "form": "SOC26",
        "year": spec.year,
        "name": f.name,
        "identifier": f.identifier,
        "quadro1": quadro1,
        "ROB": { spec.reference_year.to_string(): r.rob_reference, spec.year.to_string(): r.rob_current },
        "R0C": f.r0c_ats_name,
        "R0D": f.r0d_ats_lead_organisation,
        "R0E": f.r0e_ats_inhabitants_per_social_worker,
        "R01": { spec.staff_reference_year.to_string(): dec(f.r01_reference), spec.year.to_string(): dec(f.r01) },
        "R01A": dec(f.r01a),
        "R01B": r.r01b.map(|n| Value::String(n.to_string())),
        "R01B_sentence": r.r01b_sentence,
        "LEP_note": crate::soc26::lep_note(),
        "staffing": r.staffing,
        "staffing_sentence": r.staffing_sentence,
        "R02": { spec.staff_reference_year.to_string(): dec(f.r02_reference), spec.year.to_string(): dec(f.r02) },
        "R02X": dec(f.r02x),
        "R02Y": dec(f.r02y),
        "R02A": dec(f.r02a),
        "R03": f.r03,
        "R04": dec(r.r04),
        "R05": dec(f.r05),
        "service_level_not_lower": r.service_level_not_lower,
        "service_level_sentence": r.service_level_sentence,
        "quadro2_required": r.quadro2_required,
        "R06": cents(f.r06),
        "R07": { spec.spending_years.0.to_string(): cents(f.r07_first), spec.spending_years.1.to_string(): cents(f.r07_latest) },
        "R08": cents(f.r08),
        "spending_not_lower": r.spending_not_lower,
        "quadro2_sentence": r.quadro2_sentence,
        "quadro3_required": r.quadro3_required,
        "R09": cents(f.r09),
        "R10": objective(&f.r10),
        "R11": objective(&f.r11),
        "R12": objective(&f.r12),
        "R13": objective(&f.r13),
        "R14": objective(&f.r14),
        "R15": cents(r.r15),
        "still_to_report": r.still_to_report.map(cents),
        "useful_additional_social_workers": dec(r.useful_additional_social_workers),
        "R16": f.r16,
        "R16_characters": f.r16.chars().count(),
        "warnings": r.warnings,
    })
}

/// Parses, validates, computes and renders in one step.
pub fn compute_json(spec: &Soc26Spec, json_text: &str) -> Result<Value, Vec<Problem>> {
    let f = parse(spec, json_text)?;
    let r = compute(spec, &f);
    Ok(render(spec, &f, &r))
}

/// What a column of the tabular layout holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatKind {
    /// Users, hours, inhabitants: whole numbers.
    Count,
    /// Staff counts and percentages: decimals.
    Decimal,
    /// Euros.
    Money,
    Text,
}

/// A column of the tabular layout (CSV, XLSX: one municipality per row) and
/// where its value goes in the JSON form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatColumn {
    pub header: String,
    /// `""` for the top level, else `reference_year`, `current_year`, `hours`, `quadro3`.
    pub section: &'static str,
    pub code: String,
    /// For Quadro 3: `number`, `method`, `spending`.
    pub part: Option<&'static str>,
    pub kind: FlatKind,
}

/// The input columns of the tabular layout, in the form's order:
/// `denominazione`, `identificativo`, `M12_2019`, `M12_2025`, `M12_ore_2025`, …,
/// `R0C` … `R09`, `R10_numero`, `R10_modalita`, `R10_spesa`, …, `R16`.
pub fn flat_columns(spec: &Soc26Spec) -> Vec<FlatColumn> {
    let c = |header: String,
             section: &'static str,
             code: &str,
             part: Option<&'static str>,
             kind: FlatKind| FlatColumn {
        header,
        section,
        code: code.to_string(),
        part,
        kind,
    };
    let (y, ry, sy) = (spec.year, spec.reference_year, spec.staff_reference_year);
    let mut cols = vec![
        c("denominazione".into(), "", "name", None, FlatKind::Text),
        c(
            "identificativo".into(),
            "",
            "identifier",
            None,
            FlatKind::Text,
        ),
    ];
    for r in &spec.rows {
        cols.push(c(
            format!("{}_{ry}", r.code),
            "reference_year",
            &r.code,
            None,
            FlatKind::Count,
        ));
        cols.push(c(
            format!("{}_{y}", r.code),
            "current_year",
            &r.code,
            None,
            FlatKind::Count,
        ));
        if spec.has_hours(r) && !r.multi_user {
            cols.push(c(
                format!("{}_ore_{y}", r.code),
                "hours",
                &r.code,
                None,
                FlatKind::Count,
            ));
        }
    }
    use FlatKind::*;
    let current = |code: &str, kind| c(code.to_string(), "current_year", code, None, kind);
    cols.push(current("R0C", Text));
    cols.push(current("R0D", Text));
    cols.push(current("R0E", Count));
    cols.push(c(
        format!("R01_{sy}"),
        "reference_year",
        "R01",
        None,
        Decimal,
    ));
    cols.push(c(format!("R01_{y}"), "current_year", "R01", None, Decimal));
    cols.push(current("R01A", Decimal));
    cols.push(c(
        format!("R02_{sy}"),
        "reference_year",
        "R02",
        None,
        Decimal,
    ));
    cols.push(c(format!("R02_{y}"), "current_year", "R02", None, Decimal));
    for code in ["R02X", "R02Y", "R02A"] {
        cols.push(current(code, Decimal));
    }
    cols.push(current("R03", Count));
    cols.push(current("R05", Decimal));
    cols.push(current("R06", Money));
    cols.push(c(
        format!("R07_{}", spec.spending_years.0),
        "reference_year",
        "R07",
        None,
        Money,
    ));
    cols.push(c(
        format!("R07_{}", spec.spending_years.1),
        "current_year",
        "R07",
        None,
        Money,
    ));
    cols.push(current("R08", Money));
    cols.push(current("R09", Money));
    for code in ["R10", "R11", "R12", "R13", "R14"] {
        if ["R10", "R11", "R12"].contains(&code) {
            cols.push(c(
                format!("{code}_numero"),
                "quadro3",
                code,
                Some("number"),
                Decimal,
            ));
            cols.push(c(
                format!("{code}_modalita"),
                "quadro3",
                code,
                Some("method"),
                Text,
            ));
        }
        cols.push(c(
            format!("{code}_spesa"),
            "quadro3",
            code,
            Some("spending"),
            Money,
        ));
    }
    cols.push(current("R16", Text));
    cols
}

/// Builds the JSON form from the values of one tabular row, by header.
/// Empty values are left out. Unknown headers are returned, for a message.
pub fn unflatten(spec: &Soc26Spec, row: &BTreeMap<String, Value>) -> (Value, Vec<String>) {
    let cols = flat_columns(spec);
    let mut root = Map::new();
    root.insert("form".into(), "SOC26".into());
    root.insert("year".into(), spec.year.into());
    for section in ["reference_year", "current_year", "hours", "quadro3"] {
        root.insert(section.into(), Value::Object(Map::new()));
    }
    let mut unknown = Vec::new();
    for (header, v) in row {
        let empty = match v {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            _ => false,
        };
        let Some(col) = cols.iter().find(|c| c.header == *header) else {
            if !empty {
                unknown.push(header.clone());
            }
            continue;
        };
        if empty {
            continue;
        }
        if col.section.is_empty() {
            root.insert(col.code.clone(), v.clone());
            continue;
        }
        if let Some(Value::Object(section)) = root.get_mut(col.section) {
            match col.part {
                Some(part) => {
                    let entry = section
                        .entry(col.code.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(o) = entry {
                        o.insert(part.to_string(), v.clone());
                    }
                }
                None => {
                    section.insert(col.code.clone(), v.clone());
                }
            }
        }
    }
    (Value::Object(root), unknown)
}

/// The value of a column in a JSON form, if present.
pub fn flat_value<'v>(form: &'v Value, col: &FlatColumn) -> Option<&'v Value> {
    let v = if col.section.is_empty() {
        form.get(&col.code)
    } else {
        form.get(col.section)?.get(&col.code)
    };
    match col.part {
        Some(part) => v?.get(part),
        None => v,
    }
}

/// A decimal as the official form prints it: comma, no thousands separator.
fn printed(d: Decimal) -> String {
    d.to_string().replace('.', ",")
}

/// A decimal figure of the form with its two decimals: `68,00`, `100,00`.
fn printed2(d: Decimal) -> String {
    printed(two_decimals(d))
}

fn printed_cents(c: Cents) -> String {
    printed(c.to_decimal())
}

/// The data of the printed form (PDF), every value already written as the
/// official form writes it (`2031`, `50,22`, `19096142,52`).
pub fn print_data(spec: &Soc26Spec, f: &Soc26Input, r: &Soc26Result, last_change: &str) -> Value {
    use crate::soc26::RowKind;
    let rows = |kind: RowKind| -> Vec<Value> {
        spec.rows
            .iter()
            .filter(|row| row.kind == kind)
            .map(|row| {
                let hours = spec.has_hours(row) && !row.multi_user;
                json!({
                    "code": row.code,
                    "label": row.label,
                    "ref": f.users_reference.get(&row.code).copied().unwrap_or(0).to_string(),
                    "cur": f.users_current.get(&row.code).copied().unwrap_or(0).to_string(),
                    "hours": if hours { f.hours_current.get(&row.code).copied().unwrap_or(0).to_string() } else { String::new() },
                    "avg": r.average_hours.get(&row.code).copied().flatten().map(printed2).unwrap_or_default(),
                })
            })
            .collect()
    };
    let objective = |code: &str, label: &str, o: &Objective, with_number: bool| {
        json!({
            "code": code,
            "label": label,
            "number": if with_number { printed2(o.number.unwrap_or_default()) } else { String::new() },
            "method": o.method.clone().unwrap_or_default(),
            "spending": printed_cents(o.spending),
        })
    };
    json!({
        "year": spec.year,
        "reference_year": spec.reference_year,
        "staff_year": spec.staff_reference_year,
        "spending_years": [spec.spending_years.0, spec.spending_years.1],
        "name": f.name,
        "identifier": f.identifier,
        "last_change": last_change,
        "services": rows(RowKind::Service),
        "contributions": rows(RowKind::Contribution),
        "structures": rows(RowKind::Structure),
        "rob": [r.rob_reference.to_string(), r.rob_current.to_string()],
        "r0c": f.r0c_ats_name,
        "r0d": f.r0d_ats_lead_organisation,
        "r0e": f.r0e_ats_inhabitants_per_social_worker.map(|n| n.to_string()).unwrap_or_default(),
        "r01": [printed2(f.r01_reference), printed2(f.r01)],
        "r01a": printed2(f.r01a),
        "r01b": r.r01b.map(printed).unwrap_or_else(|| "—".into()),
        "r01b_sentence": r.r01b_sentence,
        "lep_note": crate::soc26::lep_note(),
        "staffing_sentence": r.staffing_sentence,
        "r02": [printed2(f.r02_reference), printed2(f.r02)],
        "r02x": printed2(f.r02x),
        "r02y": printed2(f.r02y),
        "r02a": printed2(f.r02a),
        "r03": f.r03.to_string(),
        "r04": printed2(r.r04),
        "r05": printed2(f.r05),
        "service_sentence": r.service_level_sentence,
        "r06": printed_cents(f.r06),
        "r07": [printed_cents(f.r07_first), printed_cents(f.r07_latest)],
        "r08": printed_cents(f.r08),
        "quadro2_sentence": r.quadro2_sentence,
        "quadro3_required": r.quadro3_required,
        "r09": printed_cents(f.r09),
        "objectives": [
            objective("R10", "Assistenti sociali aggiuntivi (per raggiungimento soglia 1:6500 ab.)", &f.r10, true),
            objective("R11", "Altre figure professionali (educatori, ecc.) aggiuntive", &f.r11, true),
            objective("R12", "Interventi per un significativo miglioramento dei servizi sociali", &f.r12, true),
            objective("R13", "Interventi per un aumento del numero degli utenti serviti", &f.r13, false),
            objective("R14", "Risorse aggiuntive trasferite all'Ambito territoriale sociale o ad altra forma associativa", &f.r14, false),
        ],
        "r15": printed_cents(r.r15),
        "r16": f.r16,
        "warnings": r.warnings,
    })
}
