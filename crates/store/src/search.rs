//! Search across a zone's records: one query per kind of record, each a
//! case-insensitive substring match on the fields people name it by.

use crate::db::{bind_params, Filter, Param};
use crate::{on_db, Db, Result};
use serde::Serialize;

/// The kinds of record the search looks in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sheet,
    Programme,
    Organisation,
    Agreement,
    Meeting,
    Facility,
    Project,
}

/// A record found: its id, what it is called, and what places it (its
/// plan's year, its day).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Hit {
    pub id: i64,
    pub title: String,
    pub detail: String,
}

/// The query of a kind: its rows, the columns searched, and its order.
/// `public` narrows to what is published.
fn query(kind: Kind, public: bool) -> (&'static str, &'static [&'static str], &'static str) {
    match (kind, public) {
        (Kind::Sheet, _) => (
            "SELECT a.id, a.code || ' – ' || a.title AS title, 'POA ' || CAST(p.year AS TEXT) AS detail \
             FROM activity_sheets a JOIN annual_plans p ON p.id = a.annual_plan_id WHERE p.zone_id = $1",
            &["a.code", "a.title", "a.description"],
            "p.year DESC, a.code",
        ),
        (Kind::Programme, _) => (
            "SELECT p.year AS id, g.title, 'POA ' || CAST(p.year AS TEXT) AS detail \
             FROM programmes g JOIN annual_plans p ON p.id = g.annual_plan_id WHERE p.zone_id = $1",
            &["g.title"],
            "p.year DESC, g.position",
        ),
        (Kind::Organisation, _) => (
            "SELECT o.id, o.name AS title, COALESCE(o.tax_code, '') AS detail FROM organisations o \
             WHERE o.zone_id = $1",
            &["o.name", "o.tax_code"],
            "o.name",
        ),
        (Kind::Agreement, false) => (
            "SELECT c.id, c.subject AS title, c.holder_text AS detail FROM codesign_agreements c \
             WHERE c.zone_id = $1",
            &["c.subject", "c.holder_text", "c.local_code"],
            "c.position",
        ),
        (Kind::Agreement, true) => (
            "SELECT c.id, c.subject AS title, c.holder_text AS detail FROM codesign_agreements c \
             WHERE c.zone_id = $1 AND c.published = TRUE",
            &["c.subject", "c.holder_text", "c.local_code"],
            "c.position",
        ),
        (Kind::Meeting, false) => (
            "SELECT m.id, m.subject AS title, CAST(m.held_on AS TEXT) AS detail FROM meetings m \
             WHERE m.zone_id = $1",
            &["m.subject", "m.agenda", "m.place"],
            "m.held_on DESC",
        ),
        (Kind::Meeting, true) => (
            "SELECT m.id, m.subject AS title, CAST(m.held_on AS TEXT) AS detail FROM meetings m \
             WHERE m.zone_id = $1 AND m.public = TRUE",
            &["m.subject", "m.agenda", "m.place"],
            "m.held_on DESC",
        ),
        (Kind::Facility, _) => (
            "SELECT f.id, f.name AS title, COALESCE(f.address, '') AS detail FROM facilities f \
             WHERE f.zone_id = $1",
            &["f.name", "f.address"],
            "f.position",
        ),
        (Kind::Project, false) => (
            "SELECT x.id, x.title, x.duration_text AS detail FROM projects x WHERE x.zone_id = $1",
            &["x.title", "x.summary"],
            "x.title",
        ),
        (Kind::Project, true) => (
            "SELECT x.id, x.title, x.duration_text AS detail FROM projects x \
             WHERE x.zone_id = $1 AND x.published = TRUE",
            &["x.title", "x.summary"],
            "x.title",
        ),
    }
}

/// The records of a kind in a zone whose fields contain `text`, at most
/// `limit`, and how many there are in all.
pub async fn find(
    db: &Db,
    zone_id: i64,
    kind: Kind,
    text: &str,
    public: bool,
    limit: i64,
) -> Result<(Vec<Hit>, i64)> {
    let (select, columns, order) = query(kind, public);
    let mut f = Filter::default();
    f.params.push(Param::Int(zone_id));
    f.search(columns, text);
    // `Filter::sql` starts with WHERE; the query has its own.
    let more = f.sql().replacen(" WHERE ", " AND ", 1);
    let n = f.placeholder(Param::Int(limit));
    let list = format!("{select}{more} ORDER BY {order} LIMIT {n}");
    let count = format!("SELECT COUNT(*) FROM ({select}{more}) AS found");
    let count_params: Vec<Param> = f.params[..f.params.len() - 1].to_vec();
    on_db!(db, |pool| {
        let hits = bind_params!(sqlx::query_as::<_, Hit>(&list), f.params)
            .fetch_all(pool)
            .await?;
        let total: i64 = bind_params!(sqlx::query_scalar(&count), count_params)
            .fetch_one(pool)
            .await?;
        Ok((hits, total))
    })
}
