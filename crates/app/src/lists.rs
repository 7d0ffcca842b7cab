//! The lists of the application, one definition each, exported the same way
//! from their page and from the command line (`zona export LIST`).

use std::collections::HashMap;
use time::{Date, OffsetDateTime, Time};
use zona_core::authz::Role;
use zona_core::org::OrganisationKind;
use zona_core::soc26_json::{self, flat_columns, flat_value, FlatKind};
use zona_reports::{Cell, Column, ColumnKind, Table};
use zona_store::audit::{self, AuditQuery};
use zona_store::organisations as orgs;
use zona_store::territory::{self, ListQuery};
use zona_store::users::{self, UserQuery};
use zona_store::{Db, Page};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListName {
    Regions,
    Zones,
    Municipalities,
    Organisations,
    Units,
    Users,
    AuditLog,
    Soc26,
}

impl ListName {
    pub const ALL: &'static [ListName] = &[
        ListName::Regions,
        ListName::Zones,
        ListName::Municipalities,
        ListName::Organisations,
        ListName::Units,
        ListName::Users,
        ListName::AuditLog,
        ListName::Soc26,
    ];

    /// The name used on the command line.
    pub fn cli_name(self) -> &'static str {
        match self {
            ListName::Regions => "regions",
            ListName::Zones => "zones",
            ListName::Municipalities => "municipalities",
            ListName::Organisations => "organisations",
            ListName::Units => "units",
            ListName::Users => "users",
            ListName::AuditLog => "audit-log",
            ListName::Soc26 => "soc26",
        }
    }

    /// The path segment of its page under `/admin/`.
    pub fn slug(self) -> &'static str {
        match self {
            ListName::Regions => "regioni",
            ListName::Zones => "zone",
            ListName::Municipalities => "comuni",
            ListName::Organisations => "enti",
            ListName::Units => "unita",
            ListName::Users => "utenti",
            ListName::AuditLog => "registro",
            ListName::Soc26 => "obiettivi-servizio",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ListName::Regions => "Regioni",
            ListName::Zones => "Zone",
            ListName::Municipalities => "Comuni",
            ListName::Organisations => "Enti",
            ListName::Units => "Unità organizzative",
            ListName::Users => "Utenti",
            ListName::AuditLog => "Registro delle modifiche",
            ListName::Soc26 => "Schede SOC26",
        }
    }

    pub fn from_cli(s: &str) -> Option<ListName> {
        ListName::ALL.iter().copied().find(|l| l.cli_name() == s)
    }

    /// The authorisation a list needs: people's accounts and the audit log
    /// are for the planning office; the rest for whoever reads administration.
    pub fn action(self, zone_id: i64) -> zona_core::authz::Action {
        use zona_core::authz::Action;
        match self {
            ListName::Users => Action::Administer { zone_id },
            ListName::AuditLog => Action::ReadAudit { zone_id },
            ListName::Soc26 => Action::ReadInternal { zone_id },
            _ => Action::ReadAdministration { zone_id },
        }
    }

    /// Where its page exports: under `/admin/` for the administration lists.
    pub fn export_path(self) -> String {
        match self {
            ListName::Soc26 => "/obiettivi-servizio/export".into(),
            other => format!("/admin/{}/export", other.slug()),
        }
    }

    /// Whether the list belongs to the administration pages.
    pub fn is_administration(self) -> bool {
        self != ListName::Soc26
    }
}

/// Filters of every list; each list reads the ones that apply to it.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub text: String,
    pub active: Option<bool>,
    pub zone_id: Option<i64>,
    pub kind: Option<String>,
    pub organisation_id: Option<i64>,
    pub role: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub actor: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// One municipality (SOC26 forms).
    pub municipality_id: Option<i64>,
}

impl Filters {
    /// Reads filters from a page's query string; a malformed value is an
    /// Italian message, not a silent reset.
    pub fn from_query(q: &HashMap<String, String>) -> Result<Filters, String> {
        let get = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
        let active = match get("stato") {
            None => None,
            Some("attivi") => Some(true),
            Some("disattivati") => Some(false),
            Some(_) => return Err("Filtro di stato non valido.".into()),
        };
        let kind = match get("tipo") {
            None => None,
            Some(k) if OrganisationKind::from_code(k).is_some() => Some(k.to_string()),
            Some(_) => return Err("Tipo di ente non valido.".into()),
        };
        let role = match get("ruolo") {
            None => None,
            Some(r) if Role::from_code(r).is_some() => Some(r.to_string()),
            Some(_) => return Err("Ruolo non valido.".into()),
        };
        let municipality_id = match get("comune") {
            None => None,
            Some(v) => Some(v.parse().map_err(|_| "Comune non valido.".to_string())?),
        };
        let organisation_id = match get("ente") {
            None => None,
            Some(v) => Some(v.parse().map_err(|_| "Ente non valido.".to_string())?),
        };
        let date = |k: &str| -> Result<Option<Date>, String> {
            get(k).map(zona_core::format::parse_date).transpose()
        };
        let action = match get("azione") {
            None => None,
            Some(a) if audit::action::ALL.contains(&a) => Some(a.to_string()),
            Some(_) => return Err("Azione non valida.".into()),
        };
        let entity = match get("oggetto") {
            None => None,
            Some(e) if audit::entity::ALL.contains(&e) => Some(e.to_string()),
            Some(_) => return Err("Oggetto non valido.".into()),
        };
        Ok(Filters {
            text: get("q").unwrap_or("").to_string(),
            active,
            zone_id: None,
            kind,
            organisation_id,
            role,
            action,
            entity,
            actor: get("utente").map(str::to_string),
            from: date("dal")?,
            to: date("al")?,
            municipality_id,
        })
    }

    pub fn list_query(&self) -> ListQuery {
        ListQuery {
            text: self.text.clone(),
            active: self.active,
            zone_id: self.zone_id,
            kind: self.kind.clone(),
            organisation_id: self.organisation_id,
        }
    }

    pub fn user_query(&self) -> UserQuery {
        UserQuery {
            text: self.text.clone(),
            active: self.active,
            zone_id: self.zone_id,
            role: self.role.clone(),
        }
    }

    pub fn audit_query(&self) -> AuditQuery {
        let start = |d: Date| OffsetDateTime::new_utc(d, Time::MIDNIGHT);
        AuditQuery {
            zone_id: self.zone_id,
            actor: self.actor.clone(),
            action: self.action.clone(),
            entity: self.entity.clone(),
            entity_id: None,
            from: self.from.map(start),
            // `al` is inclusive: up to the start of the next day.
            to: self.to.and_then(|d| d.next_day()).map(start),
            text: Some(self.text.clone()).filter(|t| !t.is_empty()),
        }
    }
}

fn col(key: &'static str, header: &'static str, kind: ColumnKind) -> Column {
    Column::new(key, header, kind)
}

/// Italian labels of a comma-separated list of role codes.
pub fn role_labels(codes: Option<&str>) -> String {
    codes
        .unwrap_or("")
        .split(',')
        .filter_map(Role::from_code)
        .map(Role::label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column of an exported list and the cell it takes from one record.
type Field<R> = (&'static str, &'static str, ColumnKind, fn(&R) -> Cell);

/// A table of records. Each column is written with the cell it takes from a
/// record, so a header and its values cannot drift apart.
fn table_of<R>(title: &str, records: &[R], fields: &[Field<R>]) -> Table {
    let columns = fields
        .iter()
        .map(|(k, h, kind, _)| col(k, h, *kind))
        .collect();
    let mut t = Table::new(title, columns);
    for r in records {
        t.push(fields.iter().map(|(.., cell)| cell(r)).collect());
    }
    t
}

/// The whole list, filtered, as an exportable table.
pub async fn table(db: &Db, list: ListName, f: &Filters) -> anyhow::Result<Table> {
    use ColumnKind::*;
    let all = Page::all();
    let title = list.title();
    let t = match list {
        ListName::Regions => table_of(
            title,
            &territory::list_regions(db, &f.list_query(), all).await?.0,
            &[
                ("id", "ID", Integer, |r| r.id.into()),
                ("code", "Codice", Text, |r| r.code.clone().into()),
                ("name", "Nome", Text, |r| r.name.clone().into()),
                ("active", "Attivo", Bool, |r| r.active.into()),
                ("updated_at", "Ultima modifica", DateTime, |r| {
                    r.updated_at.into()
                }),
            ],
        ),
        ListName::Zones => table_of(
            title,
            &territory::list_zones(db, &f.list_query(), all).await?.0,
            &[
                ("id", "ID", Integer, |z| z.id.into()),
                ("code", "Codice", Text, |z| z.code.clone().into()),
                ("name", "Nome", Text, |z| z.name.clone().into()),
                ("region", "Regione", Text, |z| z.region_name.clone().into()),
                ("lead_organisation", "Ente capofila", Text, |z| {
                    z.lead_organisation.clone().into()
                }),
                ("active", "Attivo", Bool, |z| z.active.into()),
                ("updated_at", "Ultima modifica", DateTime, |z| {
                    z.updated_at.into()
                }),
            ],
        ),
        ListName::Municipalities => table_of(
            title,
            &territory::list_municipalities(db, &f.list_query(), all)
                .await?
                .0,
            &[
                ("id", "ID", Integer, |m| m.id.into()),
                ("istat_code", "Codice ISTAT", Text, |m| {
                    m.istat_code.clone().into()
                }),
                ("name", "Nome", Text, |m| m.name.clone().into()),
                ("zone_code", "Codice zona", Text, |m| {
                    m.zone_code.clone().into()
                }),
                ("zone", "Zona", Text, |m| m.zone_name.clone().into()),
                ("population", "Popolazione residente", Integer, |m| {
                    m.population.into()
                }),
                ("population_year", "Anno (al 31/12)", Integer, |m| {
                    m.population_year.into()
                }),
                ("active", "Attivo", Bool, |m| m.active.into()),
            ],
        ),
        ListName::Organisations => table_of(
            title,
            &orgs::list_organisations(db, &f.list_query(), all).await?.0,
            &[
                ("id", "ID", Integer, |o| o.id.into()),
                ("name", "Nome", Text, |o| o.name.clone().into()),
                ("kind", "Tipo", Text, |o| o.kind.label().into()),
                ("tax_code", "Codice fiscale / Partita IVA", Text, |o| {
                    o.tax_code.clone().into()
                }),
                ("email", "E-mail", Text, |o| o.email.clone().into()),
                ("phone", "Telefono", Text, |o| o.phone.clone().into()),
                ("address", "Indirizzo", Text, |o| o.address.clone().into()),
                ("units", "Unità", Integer, |o| o.unit_count.into()),
                ("active", "Attivo", Bool, |o| o.active.into()),
            ],
        ),
        ListName::Units => table_of(
            title,
            &orgs::list_units(db, &f.list_query(), all).await?.0,
            &[
                ("id", "ID", Integer, |u| u.id.into()),
                ("name", "Nome", Text, |u| u.name.clone().into()),
                ("organisation", "Ente", Text, |u| {
                    u.organisation_name.clone().into()
                }),
                ("organisation_kind", "Tipo di ente", Text, |u| {
                    u.organisation_kind.label().into()
                }),
                ("description", "Descrizione", Text, |u| {
                    u.description.clone().into()
                }),
                ("email", "E-mail", Text, |u| u.email.clone().into()),
                ("active", "Attivo", Bool, |u| u.active.into()),
            ],
        ),
        // Never the password hash: the store's user record does not carry it.
        ListName::Users => table_of(
            title,
            &users::list_users(db, &f.user_query(), all).await?.0,
            &[
                ("id", "ID", Integer, |u| u.id.into()),
                ("username", "Nome utente", Text, |u| {
                    u.username.clone().into()
                }),
                ("full_name", "Nome e cognome", Text, |u| {
                    u.full_name.clone().into()
                }),
                ("email", "E-mail", Text, |u| u.email.clone().into()),
                ("organisation", "Ente", Text, |u| {
                    u.organisation_name.clone().into()
                }),
                ("roles", "Ruoli", Text, |u| {
                    role_labels(u.roles.as_deref()).into()
                }),
                ("active", "Attivo", Bool, |u| u.active.into()),
                ("last_login_at", "Ultimo accesso", DateTime, |u| {
                    u.last_login_at.into()
                }),
            ],
        ),
        ListName::AuditLog => table_of(
            title,
            &audit::list(db, &f.audit_query(), all).await?.0,
            &[
                ("id", "ID", Integer, |e| e.id.into()),
                ("at", "Data e ora", DateTime, |e| e.at.into()),
                ("actor", "Utente", Text, |e| e.actor.clone().into()),
                ("action", "Azione", Text, |e| {
                    audit::action::label(&e.action).into()
                }),
                ("entity", "Oggetto", Text, |e| {
                    audit::entity::label(&e.entity).into()
                }),
                ("entity_id", "ID oggetto", Integer, |e| e.entity_id.into()),
                ("summary", "Descrizione", Text, |e| e.summary.clone().into()),
                ("before", "Prima", Text, |e| {
                    Cell::from(e.before_json.clone())
                }),
                ("after", "Dopo", Text, |e| Cell::from(e.after_json.clone())),
                ("ip", "Indirizzo IP", Text, |e| e.ip.clone().into()),
            ],
        ),
        ListName::Soc26 => soc26_table(db, f.zone_id, f.municipality_id).await?,
    };
    Ok(t)
}

/// A typed cell from a value as typed in a form; what does not parse stays text.
fn typed_cell(kind: FlatKind, v: Option<&serde_json::Value>) -> Cell {
    let Some(v) = v else { return Cell::Empty };
    let raw = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => return Cell::Empty,
        other => other.to_string(),
    };
    use zona_core::number::{json_amount, json_count, json_decimal};
    match kind {
        FlatKind::Text => Cell::Text(raw),
        FlatKind::Count => json_count(v, u64::MAX)
            .ok()
            .and_then(|n| i64::try_from(n).ok())
            .map(Cell::Integer)
            .unwrap_or(Cell::Text(raw)),
        // Decimal figures of the form always show two decimals (68,00).
        FlatKind::Decimal => json_decimal(v, 2)
            .map(|d| Cell::Decimal(zona_core::soc26::two_decimals(d)))
            .unwrap_or(Cell::Text(raw)),
        FlatKind::Money => json_amount(v)
            .ok()
            .and_then(zona_core::Cents::from_decimal)
            .map(Cell::Money)
            .unwrap_or(Cell::Text(raw)),
    }
}

/// The SOC26 forms of a zone: one row per municipality, the input columns of
/// the tabular layout (docs/soc26.md), then the computed values.
async fn soc26_table(
    db: &Db,
    zone_id: Option<i64>,
    municipality_id: Option<i64>,
) -> anyhow::Result<Table> {
    use ColumnKind::*;
    // The year the zone's page shows: the latest with forms.
    let spec = match zone_id {
        Some(z) => {
            crate::usecase::soc26::year_shown(db, zona_store::territory::Within::Zone(z), None)
                .await?
                .1
        }
        None => zona_store::soc26::forms(db).await?.latest().clone(),
    };
    let flat = flat_columns(&spec);
    let mut columns = vec![
        col("codice_istat", "codice_istat", Text),
        col("comune", "comune", Text),
        col("completa", "completa", Bool),
    ];
    for c in &flat {
        let kind = match c.kind {
            FlatKind::Count => Integer,
            FlatKind::Decimal => ColumnKind::Decimal,
            FlatKind::Money => Money,
            FlatKind::Text => Text,
        };
        columns.push(Column::new(c.header.clone(), c.header.clone(), kind));
    }
    let (y, ry) = (spec.year, spec.reference_year);
    columns.push(Column::new(
        format!("ROB_{ry}"),
        format!("ROB_{ry}"),
        Integer,
    ));
    columns.push(Column::new(format!("ROB_{y}"), format!("ROB_{y}"), Integer));
    let with_average: Vec<&zona_core::soc26::UsersRow> = spec
        .rows
        .iter()
        .filter(|r| spec.has_hours(r) && !r.multi_user)
        .collect();
    for r in &with_average {
        columns.push(Column::new(
            format!("{}_media_ore_{y}", r.code),
            format!("{}_media_ore_{y}", r.code),
            ColumnKind::Decimal,
        ));
    }
    for (k, kind) in [
        ("R01B", ColumnKind::Decimal),
        ("R04", ColumnKind::Decimal),
        ("R15", Money),
    ] {
        columns.push(col(k, k, kind));
    }
    for k in [
        "servizio_non_inferiore",
        "spesa_non_inferiore",
        "quadro3_richiesto",
    ] {
        columns.push(col(k, k, Bool));
    }
    let mut t = Table::new(format!("SOC26 {y}"), columns);
    let Some(zone_id) = zone_id else { return Ok(t) };
    let forms = zona_store::soc26::list(
        db,
        zona_store::territory::Within::Zone(zone_id),
        i64::from(y),
    )
    .await?;
    for form in forms
        .into_iter()
        .filter(|f| municipality_id.is_none_or(|m| f.municipality_id == m))
    {
        let value: serde_json::Value =
            serde_json::from_str(&form.data).unwrap_or(serde_json::Value::Null);
        let mut row: Vec<Cell> = vec![
            form.istat_code.clone().into(),
            form.municipality_name.clone().into(),
            form.complete.into(),
        ];
        row.extend(
            flat.iter()
                .map(|c| typed_cell(c.kind, flat_value(&value, c))),
        );
        let (input, _) = soc26_json::read(&spec, &form.data).unwrap_or_default();
        let r = zona_core::soc26::compute(&spec, &input);
        row.push((r.rob_reference as i64).into());
        row.push((r.rob_current as i64).into());
        for w in &with_average {
            row.push(
                r.average_hours
                    .get(&w.code)
                    .copied()
                    .flatten()
                    .map(Cell::Decimal)
                    .unwrap_or(Cell::Empty),
            );
        }
        row.push(r.r01b.map(Cell::Decimal).unwrap_or(Cell::Empty));
        row.push(Cell::Decimal(r.r04));
        row.push(r.r15.into());
        row.push(r.service_level_not_lower.into());
        row.push(r.spending_not_lower.into());
        row.push(r.quadro3_required.into());
        t.push(row);
    }
    Ok(t)
}
