//! An audit entry as people read it: Italian field names, amounts in euros,
//! dates as dates, records by their names, sets compared as sets. The
//! entries keep what the program saved (`before` and `after` as JSON); this
//! is how the sheet's history and the register's detail show them.

use crate::format;
use crate::Cents;
use serde_json::Value;
use std::collections::HashMap;
use time::Date;

/// The Italian name of a field saved in an audit entry.
pub fn field_label(key: &str) -> String {
    let known = match key {
        "title" => "Titolo",
        "name" => "Nome",
        "description" => "Descrizione",
        "summary" => "Sintesi",
        "subject" => "Oggetto",
        "programme_id" => "Programma",
        "sector" => "Settore",
        "kind" => "Tipologia",
        "status" => "Stato",
        "target_areas" => "Aree di intervento",
        "unit_id" => "Unità responsabile",
        "organisation_id" | "responsible_organisation_id" | "holder_organisation_id" => "Ente",
        "municipality_ids" => "Comuni",
        "start_date" => "Inizio",
        "end_date" => "Fine",
        "held_on" => "Data",
        "starts_at" => "Ora di inizio",
        "place" => "Luogo",
        "online_url" => "Collegamento online",
        "agenda" => "Ordine del giorno",
        "minutes" => "Verbale",
        "public" => "Pubblico",
        "published" => "Pubblicato",
        "minutes_published" => "Verbale pubblicato",
        "funding" => "Linee di finanziamento",
        "indicators" => "Indicatori",
        "internal_notes" => "Note interne",
        "integrated_matter" => "Materia integrata",
        "email" => "E-mail",
        "phone" => "Telefono",
        "tax_code" => "Codice fiscale",
        "legal_form" => "Forma giuridica",
        "username" => "Nome utente",
        "full_name" => "Nome e cognome",
        "active" => "Attivo",
        "population" => "Popolazione",
        "year" => "Anno",
        "label" => "Etichetta",
        "number" => "Numero",
        "issuer" => "Organo",
        "act_date" => "Data dell'atto",
        "resources" | "resources_cents" => "Risorse",
        "amount" | "amount_cents" => "Importo",
        "cup" => "CUP",
        "cup_warning" => "Avviso sul CUP",
        "address" => "Indirizzo",
        "runts_number" => "Numero RUNTS",
        "runts_section" => "Sezione RUNTS",
        "zone_id" => "Zona",
        "region_id" => "Regione",
        "code" => "Codice",
        "lead_organisation" => "Ente capofila",
        "seat_municipality_id" => "Comune sede",
        "istat_code" => "Codice ISTAT",
        "inner_area" => "Area interna",
        "patron_day" => "Festa del patrono",
        "group_id" => "Gruppo",
        "procedure_id" => "Procedimento",
        "person_name" => "Persona",
        "working_table_id" => "Tavolo",
        "meeting_id" => "Incontro",
        "reason" => "Motivo",
        "changes" => "Modifiche",
        "amended_on" => "Data della rettifica",
        "applicant_kind" => "Partecipa come",
        "justification" => "Motivazione",
        "contact_name" => "Referente",
        "contact_email" => "E-mail del referente",
        "tables" => "Tavoli",
        "submitted_on" => "Presentata il",
        "content" => "Contenuto",
        "service" => "Servizio",
        "zone_note" => "Nota della zona",
        "duration_text" => "Durata",
        "pnrr_code" => "Investimento PNRR",
        "actions" => "Azioni",
        "targets" => "Target",
        "activity_ids" => "Schede attività",
        "hub_spoke" => "Hub o spoke",
        "opening_hours" => "Orari di apertura",
        "catchment" => "Bacino di utenza",
        "municipality_id" => "Comune",
        "focus" => "Ambito",
        "users_min" => "Utenti (minimo)",
        "users_max" => "Utenti (massimo)",
        "accesses" => "Accessi",
        "places" => "Posti",
        "project_id" => "Progetto",
        "notes" => "Note",
        "beds" => "Posti letto",
        "hours" => "Ore",
        "holder_kind" => "Tipo di titolare",
        "holder_text" => "Soggetto titolare (come scritto)",
        "local_code" => "Codice locale",
        "status_note" => "Nota sullo stato",
        "period_text" => "Periodo (come scritto)",
        "period" => "Periodo",
        "partners_note" => "Nota sui partner",
        "codes" => "Codici CUP e CIG",
        "partners" => "Enti coinvolti",
        "regional_plan_id" => "Piano regionale",
        "health_profile" => "Profilo di salute",
        "services_profile" => "Profilo dei servizi",
        "documents" => "Documenti",
        "role" => "Ruolo",
        "roles" => "Ruoli",
        _ => "",
    };
    if known.is_empty() {
        format::capitalise(&key.replace('_', " "))
    } else {
        known.to_string()
    }
}

/// The names of the records an entry may point at by id.
#[derive(Default)]
pub struct Names {
    pub municipalities: HashMap<i64, String>,
    pub units: HashMap<i64, String>,
    pub organisations: HashMap<i64, String>,
}

impl Names {
    fn of(&self, key: &str) -> Option<&HashMap<i64, String>> {
        match key {
            "municipality_ids" | "municipality_id" | "seat_municipality_id" => {
                Some(&self.municipalities)
            }
            "unit_id" => Some(&self.units),
            "organisation_id"
            | "responsible_organisation_id"
            | "holder_organisation_id"
            | "organisation_ids" => Some(&self.organisations),
            _ => None,
        }
    }
}

/// Nothing said: no value, null or empty text.
fn blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        _ => false,
    }
}

/// Whether two saved values say the same: lists of plain values compare as
/// sets (the order the boxes were ticked in is not a change).
pub fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    let plain = |v: &Value| !v.is_array() && !v.is_object();
    match (a, b) {
        (Some(Value::Array(x)), Some(Value::Array(y)))
            if x.iter().all(plain) && y.iter().all(plain) =>
        {
            let key = |v: &&Value| v.to_string();
            let (mut x, mut y): (Vec<&Value>, Vec<&Value>) =
                (x.iter().collect(), y.iter().collect());
            x.sort_by_key(key);
            y.sort_by_key(key);
            x == y
        }
        _ if blank(a) && blank(b) => true,
        _ => a == b,
    }
}

/// A date saved as `[year, day of the year]` (or as text), if it is one.
fn date_of(v: &Value) -> Option<Date> {
    match v {
        Value::Array(p) if p.len() == 2 => {
            let year = i32::try_from(p[0].as_i64()?).ok()?;
            let day = u16::try_from(p[1].as_i64()?).ok()?;
            Date::from_ordinal_date(year, day).ok()
        }
        Value::String(s) => format::parse_date(s).ok(),
        _ => None,
    }
}

fn is_amount(key: &str) -> bool {
    matches!(key, "amount" | "resources") || key.ends_with("_cents")
}

fn is_date(key: &str) -> bool {
    key.ends_with("_date") || key.ends_with("_on") || key == "date"
}

/// A saved value, shown for a person.
pub fn show(key: &str, v: Option<&Value>, names: &Names) -> String {
    let Some(v) = v else { return "—".into() };
    match v {
        Value::Null => "—".into(),
        Value::String(s) if s.trim().is_empty() => "—".into(),
        Value::Bool(b) => if *b { "sì" } else { "no" }.into(),
        Value::Number(n) if is_amount(key) => n
            .as_i64()
            .map(|c| Cents(c).to_string())
            .unwrap_or_else(|| n.to_string()),
        Value::Number(n) => match (names.of(key), n.as_i64()) {
            (Some(m), Some(id)) => m.get(&id).cloned().unwrap_or_else(|| format!("n. {id}")),
            (None, Some(i)) if key == "year" => i.to_string(),
            (None, Some(i)) => format::integer(i),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        _ if is_date(key) && date_of(v).is_some() => format::date(date_of(v).expect("checked")),
        Value::Array(items) if items.is_empty() => "—".into(),
        Value::Array(items) => {
            let mut shown: Vec<String> = items.iter().map(|i| show(key, Some(i), names)).collect();
            if items.iter().all(|i| !i.is_object()) {
                shown.sort();
            }
            shown.join("; ")
        }
        Value::Object(fields) => {
            // A line of a collection (a funding line, an indicator), its
            // amount last.
            let mut parts: Vec<(&String, &Value)> =
                fields.iter().filter(|(_, x)| !x.is_null()).collect();
            parts.sort_by_key(|(k, _)| is_amount(k));
            parts
                .into_iter()
                .map(|(k, x)| show(k, Some(x), names))
                .collect::<Vec<_>>()
                .join(" · ")
        }
    }
}

/// Field by field, what an entry changed: the field's name, before, after.
pub fn changes(
    before: Option<&str>,
    after: Option<&str>,
    names: &Names,
) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, Value> {
        s.and_then(|j| serde_json::from_str::<Value>(j).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !same(b.get(*k), a.get(*k)))
        .map(|k| {
            (
                field_label(k),
                show(k, b.get(k), names),
                show(k, a.get(k), names),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_as_people_write_them() {
        let names = Names::default();
        assert_eq!(show("amount", Some(&json!(3500069)), &names), "35.000,69 €");
        assert_eq!(
            show("end_date", Some(&json!([2025, 365])), &names),
            "31/12/2025"
        );
        assert_eq!(
            show(
                "funding",
                Some(&json!([{"source": "FSR", "year": 2025, "amount": 10000}])),
                &names
            ),
            "FSR · 2025 · 100,00 €"
        );
        assert_eq!(show("municipality_ids", Some(&json!([7])), &names), "n. 7");
        assert_eq!(field_label("municipality_ids"), "Comuni");
        assert_eq!(field_label("zone_note"), "Nota della zona");
        assert_eq!(field_label("new_field"), "New field");
    }

    #[test]
    fn a_new_order_of_the_same_boxes_is_no_change() {
        let names = Names::default();
        let before = r#"{"municipality_ids": [1, 2, 3], "title": "A"}"#;
        let after = r#"{"municipality_ids": [3, 1, 2], "title": "B"}"#;
        let c = changes(Some(before), Some(after), &names);
        assert_eq!(
            c,
            [("Titolo".to_string(), "A".to_string(), "B".to_string())]
        );
        let c = changes(
            Some(before),
            Some(r#"{"municipality_ids": [1, 2]}"#),
            &names,
        );
        assert_eq!(c[0].0, "Comuni");
    }
}
