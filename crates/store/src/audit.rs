//! The audit log: who did what, when, to which record, with the values before
//! and after. Entries are written in the same transaction as the change they
//! describe, and the table refuses updates and deletes (database triggers).

use crate::db::select_optional;
use crate::db::{bind_params, Filter, Param};
use crate::{on_db, Db, Page, Result};
use serde::Serialize;
use time::OffsetDateTime;

/// Who makes a change: a signed-in user, or the system (command line, demo loader).
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn user(user_id: i64, username: &str, ip: Option<String>) -> Actor {
        Actor {
            user_id: Some(user_id),
            name: username.to_string(),
            ip,
        }
    }
    pub fn system(name: &str) -> Actor {
        Actor {
            user_id: None,
            name: name.to_string(),
            ip: None,
        }
    }
}

/// The action codes written to the log.
pub mod action {
    pub const CREATE: &str = "create";
    pub const UPDATE: &str = "update";
    pub const DEACTIVATE: &str = "deactivate";
    pub const REACTIVATE: &str = "reactivate";
    pub const DELETE: &str = "delete";
    pub const LOGIN: &str = "login";
    pub const LOGIN_FAILED: &str = "login_failed";
    pub const LOGOUT: &str = "logout";
    pub const PASSWORD_CHANGE: &str = "password_change";
    pub const INVITE: &str = "invite";
    pub const ROLE_GRANT: &str = "role_grant";
    pub const ROLE_REVOKE: &str = "role_revoke";
    pub const IMPORT: &str = "import";
    pub const SUBMIT: &str = "submit";
    pub const RETURN: &str = "return";
    pub const ACCEPT: &str = "accept";
    pub const APPROVE: &str = "approve";
    pub const AMEND: &str = "amend";

    /// Italian label of an action code.
    pub fn label(code: &str) -> &'static str {
        match code {
            CREATE => "Creazione",
            UPDATE => "Modifica",
            DEACTIVATE => "Disattivazione",
            REACTIVATE => "Riattivazione",
            DELETE => "Eliminazione",
            LOGIN => "Accesso",
            LOGIN_FAILED => "Accesso non riuscito",
            LOGOUT => "Uscita",
            PASSWORD_CHANGE => "Cambio password",
            INVITE => "Collegamento di accesso",
            ROLE_GRANT => "Assegnazione ruolo",
            ROLE_REVOKE => "Revoca ruolo",
            IMPORT => "Importazione",
            SUBMIT => "Invio",
            RETURN => "Restituzione",
            ACCEPT => "Accettazione",
            APPROVE => "Approvazione",
            AMEND => "Variazione",
            _ => "Altro",
        }
    }
    pub const ALL: &[&str] = &[
        CREATE,
        UPDATE,
        DEACTIVATE,
        REACTIVATE,
        DELETE,
        LOGIN,
        LOGIN_FAILED,
        LOGOUT,
        PASSWORD_CHANGE,
        INVITE,
        ROLE_GRANT,
        ROLE_REVOKE,
        IMPORT,
        SUBMIT,
        RETURN,
        ACCEPT,
        APPROVE,
        AMEND,
    ];
}

/// The entity names written to the log, with their Italian labels.
pub mod entity {
    pub const REGION: &str = "region";
    pub const ZONE: &str = "zone";
    pub const MUNICIPALITY: &str = "municipality";
    pub const ORGANISATION: &str = "organisation";
    pub const UNIT: &str = "unit";
    pub const USER: &str = "user";
    pub const SESSION: &str = "session";
    pub const SOC26_FORM: &str = "soc26_form";
    pub const HEALTH_PLAN: &str = "health_plan";
    pub const HEALTH_OBJECTIVE: &str = "health_objective";
    pub const ANNUAL_PLAN: &str = "annual_plan";
    pub const PROGRAMME: &str = "programme";
    pub const ACTIVITY: &str = "activity";
    pub const VOCABULARY_TERM: &str = "vocabulary_term";
    pub const REGIONAL_PLAN: &str = "regional_plan";
    pub const CODESIGN_AGREEMENT: &str = "codesign_agreement";
    pub const STAKEHOLDER_GROUP: &str = "stakeholder_group";
    pub const MEETING: &str = "meeting";
    pub const PROCEDURE: &str = "coprogramming_procedure";
    pub const APPLICATION: &str = "coprogramming_application";
    pub const CONTRIBUTION: &str = "contribution";
    pub const FACILITY: &str = "facility";
    pub const CARE_STANDARD: &str = "care_standard";
    pub const PROJECT: &str = "project";
    pub const PERMANENT_SOCIAL_WORKERS: &str = "permanent_social_workers";
    pub const GOVERNANCE_AGREEMENT: &str = "governance_agreement";
    pub const HEALTH_INDICATOR: &str = "health_indicator";
    pub const HEALTH_PROFILE: &str = "health_profile";
    pub const SOC26_VARIANT: &str = "soc26_variant";

    pub fn label(code: &str) -> &'static str {
        match code {
            REGION => "Regione",
            ZONE => "Zona",
            MUNICIPALITY => "Comune",
            ORGANISATION => "Ente",
            UNIT => "Unità",
            USER => "Utente",
            SESSION => "Sessione",
            SOC26_FORM => "Scheda SOC26",
            HEALTH_PLAN => "Piano Integrato di Salute",
            HEALTH_OBJECTIVE => "Obiettivo di salute",
            ANNUAL_PLAN => "Programmazione Operativa Annuale",
            PROGRAMME => "Programma",
            ACTIVITY => "Scheda attività",
            VOCABULARY_TERM => "Voce di elenco controllato",
            REGIONAL_PLAN => "Piano regionale",
            CODESIGN_AGREEMENT => "Accordo di co-progettazione",
            STAKEHOLDER_GROUP => "Gruppo di portatori di interesse",
            MEETING => "Incontro",
            PROCEDURE => "Procedimento di co-programmazione",
            APPLICATION => "Domanda di partecipazione",
            CONTRIBUTION => "Contributo",
            FACILITY => "Struttura della rete",
            CARE_STANDARD => "Standard DM 77/2022",
            PROJECT => "Progetto",
            PERMANENT_SOCIAL_WORKERS => "Assistenti sociali a tempo indeterminato",
            GOVERNANCE_AGREEMENT => "Convenzione della zona",
            HEALTH_INDICATOR => "Indicatore del profilo di salute",
            HEALTH_PROFILE => "Profilo di salute",
            SOC26_VARIANT => "Modulo SOC26",
            _ => "Altro",
        }
    }
    pub const ALL: &[&str] = &[
        REGION,
        ZONE,
        MUNICIPALITY,
        ORGANISATION,
        UNIT,
        USER,
        SESSION,
        SOC26_FORM,
        HEALTH_PLAN,
        HEALTH_OBJECTIVE,
        ANNUAL_PLAN,
        PROGRAMME,
        ACTIVITY,
        VOCABULARY_TERM,
        REGIONAL_PLAN,
        CODESIGN_AGREEMENT,
        STAKEHOLDER_GROUP,
        MEETING,
        PROCEDURE,
        APPLICATION,
        CONTRIBUTION,
        FACILITY,
        CARE_STANDARD,
        PROJECT,
        PERMANENT_SOCIAL_WORKERS,
        GOVERNANCE_AGREEMENT,
        HEALTH_INDICATOR,
        HEALTH_PROFILE,
        SOC26_VARIANT,
    ];
}

/// The most characters of an audit summary.
pub const MAX_SUMMARY_CHARS: usize = 1000;

/// One entry, ready to be written.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEntry {
    pub fn new(action: &'static str, entity: &'static str, entity_id: Option<i64>) -> AuditEntry {
        AuditEntry {
            action,
            entity,
            entity_id,
            zone_id: None,
            summary: String::new(),
            before: None,
            after: None,
        }
    }
    pub fn zone(mut self, zone_id: Option<i64>) -> Self {
        self.zone_id = zone_id;
        self
    }
    /// The one-line summary, cut at [`MAX_SUMMARY_CHARS`]: it is built from
    /// values that are bounded where they are read, and this keeps it so.
    pub fn summary(mut self, s: impl Into<String>) -> Self {
        let s: String = s.into();
        self.summary = if s.chars().count() > MAX_SUMMARY_CHARS {
            s.chars().take(MAX_SUMMARY_CHARS).collect::<String>() + "…"
        } else {
            s
        };
        self
    }
    pub fn before<T: Serialize>(mut self, v: &T) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }
    pub fn after<T: Serialize>(mut self, v: &T) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

pub(crate) const INSERT_SQL: &str = "INSERT INTO audit_log \
    (at, actor_id, actor, action, entity, entity_id, zone_id, summary, before_json, after_json, ip) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Writes an audit entry on an executor (a transaction) inside an `on_db!` arm.
macro_rules! write_audit {
    ($exec:expr, $actor:expr, $entry:expr) => {{
        let actor: &$crate::audit::Actor = $actor;
        let entry: &$crate::audit::AuditEntry = &$entry;
        sqlx::query($crate::audit::INSERT_SQL)
            .bind($crate::now())
            .bind(actor.user_id)
            .bind(actor.name.clone())
            .bind(entry.action)
            .bind(entry.entity)
            .bind(entry.entity_id)
            .bind(entry.zone_id)
            .bind(entry.summary.clone())
            .bind(entry.before.as_ref().map(|v| v.to_string()))
            .bind(entry.after.as_ref().map(|v| v.to_string()))
            .bind(actor.ip.clone())
            .execute($exec)
            .await?;
    }};
}
pub(crate) use write_audit;

/// Runs `body` in one write transaction, on either backend, with the audit
/// entry it gives: `body` evaluates to `(value, entry)`; the entry is
/// written in the same transaction, which then commits, and `value` is the
/// result. A `?` inside `body` leaves the transaction uncommitted: nothing
/// of it is kept.
macro_rules! audited {
    ($db:expr, $actor:expr, |$tx:ident| $body:block) => {
        $crate::on_db!($db, |pool| {
            let mut $tx = $crate::db::BeginWrite::begin_write(pool).await?;
            let (value, entry) = $body;
            $crate::audit::write_audit!(&mut *$tx, $actor, entry);
            $tx.commit().await?;
            Ok(value)
        })
    };
}
pub(crate) use audited;

/// Records an event that changes nothing else (a login, a failed login).
pub async fn record(db: &Db, actor: &Actor, entry: AuditEntry) -> Result<()> {
    on_db!(db, |pool| {
        write_audit!(pool, actor, entry);
        Ok(())
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub summary: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Entries of this zone, plus the zone-less ones (logins) of its users.
    pub zone_id: Option<i64>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub text: Option<String>,
}

fn audit_filter(q: &AuditQuery) -> Filter {
    let mut f = Filter::default();
    if let Some(z) = q.zone_id {
        let a = f.placeholder(Param::Int(z));
        let b = f.placeholder(Param::Int(z));
        // Zone-less entries (logins, failed logins) belong to the zone of the
        // user who made them. Those of nobody (names that match no user) are
        // no zone's business: they stay in the installation's full log
        // (`zona export audit-log`), not in every zone's.
        f.raw(format!(
            "(zone_id = {a} OR (zone_id IS NULL AND actor_id IN \
             (SELECT id FROM users WHERE zone_id = {b})))"
        ));
    }
    if let Some(a) = &q.actor {
        if !a.trim().is_empty() {
            f.eq("actor", Param::Text(a.trim().to_lowercase()));
        }
    }
    if let Some(a) = &q.action {
        f.eq("action", Param::Text(a.clone()));
    }
    if let Some(e) = &q.entity {
        f.eq("entity", Param::Text(e.clone()));
    }
    if let Some(id) = q.entity_id {
        f.eq("entity_id", Param::Int(id));
    }
    if let Some(t) = &q.text {
        f.search(&["summary"], t);
    }
    f
}

/// Entries, newest first, with the total count for pagination.
pub async fn list(db: &Db, q: &AuditQuery, page: Page) -> Result<(Vec<AuditRecord>, i64)> {
    let mut f = audit_filter(q);
    if let Some(t) = q.from {
        let p = f.placeholder(Param::Time(t));
        f.raw(format!("at >= {p}"));
    }
    if let Some(t) = q.to {
        let p = f.placeholder(Param::Time(t));
        f.raw(format!("at < {p}"));
    }
    let count_sql = format!("SELECT count(*) FROM audit_log{}", f.sql());
    let count_params = f.params.clone();
    let where_sql = f.sql();
    let limit = f.limit(&page);
    let list_sql = format!("SELECT * FROM audit_log{where_sql} ORDER BY id DESC{limit}");
    on_db!(db, |pool| {
        let total: i64 = bind_params!(sqlx::query_scalar(&count_sql), count_params)
            .fetch_one(pool)
            .await?;
        let rows = bind_params!(sqlx::query_as::<_, AuditRecord>(&list_sql), f.params)
            .fetch_all(pool)
            .await?;
        Ok((rows, total))
    })
}

/// The latest entries of a zone about the given kinds of record, newest
/// first (the kinds are the code's own `entity` names); `people_only`
/// leaves out what the system did (a bundle loaded, the command line).
pub async fn latest_of(
    db: &Db,
    zone_id: i64,
    entities: &[&'static str],
    people_only: bool,
    limit: i64,
) -> Result<Vec<AuditRecord>> {
    let kinds = entities
        .iter()
        .map(|e| format!("'{}'", e.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT * FROM audit_log WHERE zone_id = $1 AND entity IN ({kinds}){} ORDER BY id DESC LIMIT $2",
        if people_only { " AND actor_id IS NOT NULL" } else { "" }
    );
    on_db!(db, |pool| Ok(sqlx::query_as::<_, AuditRecord>(&sql)
        .bind(zone_id)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Option<AuditRecord>> {
    select_optional::<AuditRecord>(db, "SELECT * FROM audit_log WHERE id = $1", id).await
}

/// The newest entry's id, 0 for none: every change zona makes writes one
/// entry, so a page built from the data is the same while this is.
pub async fn last_id(db: &Db) -> Result<i64> {
    let rows: Vec<(Option<i64>,)> =
        on_db!(db, |pool| sqlx::query_as("SELECT MAX(id) FROM audit_log")
            .fetch_all(pool)
            .await)?;
    Ok(rows.first().and_then(|r| r.0).unwrap_or(0))
}
