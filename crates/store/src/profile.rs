//! The health profile's indicators: definitions and values
//! (`docs/health-profile.md`). An import writes all its rows or none, in
//! one transaction with one audit entry.

use crate::audit::{action, audited, entity, Actor, AuditEntry};
use crate::db::select_all;
use crate::{now, on_db, Db, Result, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use zona_core::profile::{Definition, GeoLevel, Polarity, Sex, ValueRow};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct IndicatorRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub theme: String,
    pub definition: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub multiplier: Option<i64>,
    pub unit: String,
    pub polarity: Polarity,
    pub source: String,
    pub licence: Option<String>,
    pub demo: bool,
}

/// Every indicator, by theme and name.
pub async fn definitions(db: &Db) -> Result<Vec<IndicatorRecord>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as::<_, IndicatorRecord>(
        "SELECT id, code, name, theme, definition, numerator, denominator, multiplier, unit, polarity, \
         source, licence, demo FROM health_indicators ORDER BY theme, name"
    )
    .fetch_all(pool)
    .await?)
    })
}

/// The indicators' ids by their code, lower-cased (codes compare without case).
pub async fn ids_by_code(db: &Db) -> Result<HashMap<String, i64>> {
    Ok(definitions(db)
        .await?
        .into_iter()
        .map(|d| (d.code.to_lowercase(), d.id))
        .collect())
}

/// What an import does with the rows every zone reads (definitions, and
/// the values of a health authority or a region) when they are stored
/// already: the command line replaces them; a zone's office, from the web,
/// adds the missing ones and keeps the others, as a zone bundle does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SharedRows {
    Replace,
    Keep,
}

/// What an import wrote: rows added, rows replaced, shared rows kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: u64,
    pub replaced: u64,
    pub kept: u64,
}

/// Adds the definitions that are new; those whose code exists are replaced
/// or kept by `shared`. `zone` is the zone whose office imports (for the
/// register), none from the command line.
pub async fn import_definitions(
    db: &Db,
    actor: &Actor,
    defs: &[Definition],
    shared: SharedRows,
    zone: Option<i64>,
) -> Result<Counts> {
    let existing = ids_by_code(db).await?;
    let t = now();
    audited!(db, actor, |tx| {
        let mut n = Counts::default();
        for d in defs {
            let multiplier = d.multiplier.map(|m| i64::try_from(m).unwrap_or(i64::MAX));
            let id = existing.get(&d.code.to_lowercase());
            if id.is_some() && shared == SharedRows::Keep {
                n.kept += 1;
                continue;
            }
            // One set of values, $1..$13, for a new definition or a replaced one.
            let sql = match id {
                Some(_) => {
                    "UPDATE health_indicators SET code = $1, name = $2, theme = $3, definition = $4, \
                     numerator = $5, denominator = $6, multiplier = $7, unit = $8, polarity = $9, \
                     source = $10, licence = $11, demo = $12, updated_at = $13 WHERE id = $14"
                }
                None => {
                    "INSERT INTO health_indicators (code, name, theme, definition, numerator, denominator, \
                     multiplier, unit, polarity, source, licence, demo, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
                }
            };
            let q = sqlx::query(sql)
                .bind(&d.code)
                .bind(&d.name)
                .bind(&d.theme)
                .bind(&d.definition)
                .bind(&d.numerator)
                .bind(&d.denominator)
                .bind(multiplier)
                .bind(&d.unit)
                .bind(d.polarity.code())
                .bind(&d.source)
                .bind(&d.licence)
                .bind(d.demo)
                .bind(t);
            match id {
                Some(id) => {
                    q.bind(id).execute(&mut *tx).await?;
                    n.replaced += 1;
                }
                None => {
                    q.execute(&mut *tx).await?;
                    n.added += 1;
                }
            }
        }
        let entry = AuditEntry::new(action::IMPORT, entity::HEALTH_INDICATOR, None)
            .zone(zone)
            .summary(format!(
                "Importazione delle definizioni degli indicatori: {} nuove, {} aggiornate, {} lasciate come sono",
                n.added, n.replaced, n.kept
            ))
            .after(&defs);
        (n, entry)
    })
}

/// A value as stored, with its indicator's code.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ValueRecord {
    pub indicator: String,
    pub level: GeoLevel,
    pub territory: String,
    pub period_from: i64,
    pub period_to: i64,
    pub sex: Sex,
    pub age_band: String,
    /// Exact decimals as text (`252.3`).
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub ci_low: Option<String>,
    pub ci_high: Option<String>,
    pub demo: bool,
}

impl ValueRecord {
    /// The years the value covers.
    pub fn period(&self) -> zona_core::profile::Period {
        let year = |y: i64| i32::try_from(y).unwrap_or(i32::MAX);
        zona_core::profile::Period {
            from: year(self.period_from),
            to: year(self.period_to),
        }
    }

    /// A decimal column read back: the exact text this module wrote
    /// (`Decimal::to_string`), not a number typed by a person.
    pub fn decimal(text: Option<&str>) -> Option<rust_decimal::Decimal> {
        text.and_then(|t| t.parse().ok())
    }
}

/// Every value, by indicator, level, territory, period and breakdown.
pub async fn values(db: &Db) -> Result<Vec<ValueRecord>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as::<_, ValueRecord>(
        "SELECT i.code AS indicator, v.level, v.territory, v.period_from, v.period_to, v.sex, COALESCE(v.age_band, '') AS age_band, \
         v.value, v.numerator, v.denominator, v.ci_low, v.ci_high, v.demo \
         FROM indicator_values v JOIN health_indicators i ON i.id = v.indicator_id \
         ORDER BY i.code, v.level, v.territory, v.period_from, v.period_to, v.sex, COALESCE(v.age_band, '')"
    )
    .fetch_all(pool)
    .await?)
    })
}

/// Every value of one indicator, for all sexes and all ages, of every
/// territory, by period: one query.
pub async fn totals_of(db: &Db, indicator: &str) -> Result<Vec<ValueRecord>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as::<_, ValueRecord>(
        "SELECT i.code AS indicator, v.level, v.territory, v.period_from, v.period_to, v.sex, COALESCE(v.age_band, '') AS age_band, \
         v.value, v.numerator, v.denominator, v.ci_low, v.ci_high, v.demo \
         FROM indicator_values v JOIN health_indicators i ON i.id = v.indicator_id \
         WHERE i.code = $1 AND v.sex = 'T' AND COALESCE(v.age_band, '') = '' \
         ORDER BY v.period_from, v.period_to, v.level, v.territory"
    )
    .bind(indicator)
    .fetch_all(pool)
    .await?)
    })
}

/// How many values an indicator has.
pub async fn value_count(db: &Db, indicator_id: i64) -> Result<i64> {
    let rows: Vec<(i64,)> = select_all(
        db,
        "SELECT COUNT(*) FROM indicator_values WHERE indicator_id = $1",
        indicator_id,
    )
    .await?;
    Ok(rows.first().map_or(0, |r| r.0))
}

/// Writes values, each for its indicator's id: a value with the key of one
/// stored (indicator, territory, period, breakdown) replaces it, except a
/// health authority's or a region's kept by `shared`. The audit entry keeps
/// the values replaced.
pub async fn import_values(
    db: &Db,
    actor: &Actor,
    rows: &[(i64, ValueRow)],
    shared: SharedRows,
    zone: Option<i64>,
) -> Result<Counts> {
    let t = now();
    let text = |d: Option<rust_decimal::Decimal>| d.map(|d| d.normalize().to_string());
    audited!(db, actor, |tx| {
        let mut n = Counts::default();
        let mut before: Vec<serde_json::Value> = Vec::new();
        for (indicator_id, r) in rows {
            let key = (
                r.level.code(),
                r.territory.as_str(),
                i64::from(r.period.from),
                i64::from(r.period.to),
                r.sex.code(),
                r.age_band.as_str(),
            );
            let keep = shared == SharedRows::Keep
                && matches!(r.level, GeoLevel::HealthAuthority | GeoLevel::Region);
            // The value it replaces, if any, goes in the same statement; a
            // kept one is only looked at.
            let sql = if keep {
                "SELECT value FROM indicator_values WHERE indicator_id = $1 AND level = $2 AND territory = $3 \
                 AND period_from = $4 AND period_to = $5 AND sex = $6 AND COALESCE(age_band, '') = $7"
            } else {
                "DELETE FROM indicator_values WHERE indicator_id = $1 AND level = $2 AND territory = $3 \
                 AND period_from = $4 AND period_to = $5 AND sex = $6 AND COALESCE(age_band, '') = $7 RETURNING value"
            };
            let old: Option<(String,)> = sqlx::query_as(sql)
                .bind(indicator_id)
                .bind(key.0)
                .bind(key.1)
                .bind(key.2)
                .bind(key.3)
                .bind(key.4)
                .bind(key.5)
                .fetch_optional(&mut *tx)
                .await?;
            match (old, keep) {
                (Some(_), true) => {
                    n.kept += 1;
                    continue;
                }
                (Some((v,)), false) => {
                    n.replaced += 1;
                    before.push(serde_json::json!({
                        "indicatore": r.indicator, "livello": key.0, "territorio": key.1,
                        "periodo": r.period.to_string(), "sesso": key.4, "eta": key.5, "valore": v,
                    }));
                }
                (None, _) => n.added += 1,
            }
            sqlx::query(
                "INSERT INTO indicator_values (indicator_id, level, territory, period_from, period_to, sex, \
                 age_band, value, numerator, denominator, ci_low, ci_high, demo, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(indicator_id)
            .bind(key.0)
            .bind(key.1)
            .bind(key.2)
            .bind(key.3)
            .bind(key.4)
            .bind((!key.5.is_empty()).then_some(key.5))
            .bind(r.value.normalize().to_string())
            .bind(text(r.numerator))
            .bind(text(r.denominator))
            .bind(text(r.interval.map(|i| i.0)))
            .bind(text(r.interval.map(|i| i.1)))
            .bind(r.demo)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        }
        let entry = AuditEntry::new(action::IMPORT, entity::HEALTH_INDICATOR, None)
            .zone(zone)
            .summary(format!(
                "Importazione dei valori degli indicatori: {} nuovi, {} sostituiti, {} lasciati come sono",
                n.added, n.replaced, n.kept
            ))
            .before(&before)
            .after(&serde_json::json!({
                "righe": rows.len(), "nuovi": n.added, "sostituiti": n.replaced, "lasciati": n.kept
            }));
        (n, entry)
    })
}

/// A line of a theme of the profile: a critical issue or a strength.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Finding {
    pub id: i64,
    pub theme_id: i64,
    pub kind: zona_core::profile::FindingKind,
    pub position: i64,
    pub text: String,
}

/// A critical issue or a strength, with the objectives, programmes and
/// sheets that answer it (critical issues only) and the indicators it rests
/// on.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub id: i64,
    pub text: String,
    pub answers: Vec<Answer>,
    /// The indicators the line rests on: code and name.
    pub indicators: Vec<(String, String)>,
}

/// A health objective, a programme or a sheet that answers a critical
/// issue, with its plan's years and whether that plan is public.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Answer {
    pub id: i64,
    pub finding_id: i64,
    /// The POA's year, or the PIS's first year for an objective.
    pub year: i64,
    /// The PIS's last year for an objective, the POA's year otherwise.
    pub year_to: i64,
    /// Whether the plan is published: an approved POA, a PIS in force or
    /// closed.
    pub approved: bool,
    pub health_plan_id: Option<i64>,
    pub objective_id: Option<i64>,
    pub programme_id: Option<i64>,
    pub activity_id: Option<i64>,
    /// The objective's or the programme's title, or the sheet's code and
    /// title.
    pub what: String,
    /// The health objective a programme or a sheet serves (the tree's top).
    pub objective: Option<String>,
    pub evidence: Option<String>,
}

impl Answer {
    /// What kind of record answers, in Italian.
    pub fn kind_label(&self) -> &'static str {
        if self.objective_id.is_some() {
            "obiettivo di salute"
        } else if self.activity_id.is_some() {
            "scheda"
        } else {
            "programma"
        }
    }

    /// The plan it belongs to, in Italian: «PIS 2020-2022» or «POA 2024».
    pub fn plan_label(&self) -> String {
        if self.objective_id.is_some() {
            format!("PIS {}-{}", self.year, self.year_to)
        } else {
            format!("POA {}", self.year)
        }
    }
}

/// A theme of the profile of a year, with its lines in order.
#[derive(Clone, Debug, Serialize)]
pub struct Theme {
    pub id: i64,
    pub name: String,
    pub critical: Vec<Line>,
    pub strengths: Vec<Line>,
}

const ANSWER_SELECT: &str =
    "SELECT a.id, a.finding_id, COALESCE(p.year, h.period_start) AS year, \
     COALESCE(p.year, h.period_end) AS year_to, \
     CASE WHEN a.objective_id IS NULL THEN p.status = 'approved' ELSE h.status <> 'in_preparation' END AS approved, \
     h.id AS health_plan_id, a.objective_id, a.programme_id, a.activity_id, \
     COALESCE(o.title, g.title, x.code || ' – ' || x.title) AS what, \
     CASE WHEN a.objective_id IS NULL THEN go.title END AS objective, a.evidence \
     FROM profile_answers a \
     LEFT JOIN health_objectives o ON o.id = a.objective_id \
     LEFT JOIN health_plans h ON h.id = o.health_plan_id \
     LEFT JOIN programmes g ON g.id = a.programme_id \
     LEFT JOIN activity_sheets x ON x.id = a.activity_id \
     LEFT JOIN programmes gx ON gx.id = COALESCE(a.programme_id, x.programme_id) \
     LEFT JOIN health_objectives go ON go.id = gx.health_objective_id \
     LEFT JOIN annual_plans p ON p.id = COALESCE(g.annual_plan_id, x.annual_plan_id)";

/// What a programme or a sheet answers: the critical issues, each with its
/// theme and profile year.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Answered {
    pub year: i64,
    pub theme: String,
    pub text: String,
    pub evidence: Option<String>,
}

/// The critical issues a programme (or, with `sheet`, a sheet) answers.
pub async fn answered_by(db: &Db, id: i64, sheet: bool) -> Result<Vec<Answered>> {
    let column = if sheet { "activity_id" } else { "programme_id" };
    on_db!(db, |pool| Ok(sqlx::query_as::<_, Answered>(&format!(
        "SELECT t.year, t.name AS theme, f.text, a.evidence FROM profile_answers a \
         JOIN profile_findings f ON f.id = a.finding_id JOIN profile_themes t ON t.id = f.theme_id \
         WHERE a.{column} = $1 ORDER BY t.year DESC, t.position, f.position"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?))
}

/// The years a zone has a profile for, latest first.
pub async fn years(db: &Db, zone_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = select_all(
        db,
        "SELECT DISTINCT year FROM profile_themes WHERE zone_id = $1 ORDER BY year DESC",
        zone_id,
    )
    .await?;
    Ok(rows.into_iter().map(|(y,)| y).collect())
}

/// The themes of a zone's profile of a year, in order, with their lines.
pub async fn themes(db: &Db, zone_id: i64, year: i64) -> Result<Vec<Theme>> {
    // A line's indicators: its id, the indicator's code and name.
    type Backing = Vec<(i64, String, String)>;
    type Rows = (Vec<(i64, String)>, Vec<Finding>, Vec<Answer>, Backing);
    let (themes, findings, answers, backing): Rows = on_db!(db, |pool| {
        let themes = sqlx::query_as(
                "SELECT id, name FROM profile_themes WHERE zone_id = $1 AND year = $2 ORDER BY position, id",
            )
            .bind(zone_id)
            .bind(year)
            .fetch_all(pool)
            .await?;
        let findings = sqlx::query_as::<_, Finding>(
            "SELECT f.id, f.theme_id, f.kind, f.position, f.text FROM profile_findings f \
                 JOIN profile_themes t ON t.id = f.theme_id WHERE t.zone_id = $1 AND t.year = $2 \
                 ORDER BY f.theme_id, f.kind, f.position",
        )
        .bind(zone_id)
        .bind(year)
        .fetch_all(pool)
        .await?;
        let answers = sqlx::query_as::<_, Answer>(&format!(
            "{ANSWER_SELECT} WHERE a.finding_id IN (SELECT f.id FROM profile_findings f \
                 JOIN profile_themes t ON t.id = f.theme_id WHERE t.zone_id = $1 AND t.year = $2) \
                 ORDER BY a.objective_id IS NULL, year, what"
        ))
        .bind(zone_id)
        .bind(year)
        .fetch_all(pool)
        .await?;
        let backing = sqlx::query_as(
                "SELECT b.finding_id, i.code, i.name FROM profile_finding_indicators b \
                 JOIN health_indicators i ON i.id = b.indicator_id \
                 JOIN profile_findings f ON f.id = b.finding_id JOIN profile_themes t ON t.id = f.theme_id \
                 WHERE t.zone_id = $1 AND t.year = $2 ORDER BY i.code",
            )
            .bind(zone_id)
            .bind(year)
            .fetch_all(pool)
            .await?;
        (themes, findings, answers, backing)
    });
    Ok(themes
        .into_iter()
        .map(|(id, name)| {
            let of = |kind| {
                findings
                    .iter()
                    .filter(|f| f.theme_id == id && f.kind == kind)
                    .map(|f| Line {
                        id: f.id,
                        text: f.text.clone(),
                        answers: answers
                            .iter()
                            .filter(|a| a.finding_id == f.id)
                            .cloned()
                            .collect(),
                        indicators: backing
                            .iter()
                            .filter(|b| b.0 == f.id)
                            .map(|b| (b.1.clone(), b.2.clone()))
                            .collect(),
                    })
                    .collect()
            };
            Theme {
                id,
                name,
                critical: of(zona_core::profile::FindingKind::Critical),
                strengths: of(zona_core::profile::FindingKind::Strength),
            }
        })
        .collect())
}

/// One indicator by its code (codes compare without case).
pub async fn indicator(db: &Db, code: &str) -> Result<Option<IndicatorRecord>> {
    Ok(definitions(db)
        .await?
        .into_iter()
        .find(|d| d.code.eq_ignore_ascii_case(code)))
}

/// The values of every indicator for some territories (level and code),
/// by indicator, period and level.
pub async fn values_of(db: &Db, territories: &[(GeoLevel, String)]) -> Result<Vec<ValueRecord>> {
    let mut out = Vec::new();
    for (level, code) in territories {
        let rows: Vec<ValueRecord> = on_db!(db, |pool| {
            sqlx::query_as::<_, ValueRecord>(
            "SELECT i.code AS indicator, v.level, v.territory, v.period_from, v.period_to, v.sex, COALESCE(v.age_band, '') AS age_band, \
             v.value, v.numerator, v.denominator, v.ci_low, v.ci_high, v.demo \
             FROM indicator_values v JOIN health_indicators i ON i.id = v.indicator_id \
             WHERE v.level = $1 AND v.territory = $2"
        )
        .bind(level.code())
        .bind(code)
        .fetch_all(pool)
        .await?
        });
        out.extend(rows);
    }
    out.sort_by(|a, b| {
        (a.indicator.as_str(), a.period_from, a.period_to).cmp(&(
            b.indicator.as_str(),
            b.period_from,
            b.period_to,
        ))
    });
    Ok(out)
}

/// The critical issues each programme of a plan answers, by programme id.
pub async fn answered_in_plan(db: &Db, annual_plan_id: i64) -> Result<HashMap<i64, Vec<Answered>>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        programme_id: i64,
        year: i64,
        theme: String,
        text: String,
        evidence: Option<String>,
    }
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as::<_, Row>(
        "SELECT a.programme_id, t.year, t.name AS theme, f.text, a.evidence FROM profile_answers a \
         JOIN programmes g ON g.id = a.programme_id \
         JOIN profile_findings f ON f.id = a.finding_id JOIN profile_themes t ON t.id = f.theme_id \
         WHERE g.annual_plan_id = $1 ORDER BY t.year DESC, t.position, f.position"
    )
    .bind(annual_plan_id)
    .fetch_all(pool)
    .await?
    });
    let mut out: HashMap<i64, Vec<Answered>> = HashMap::new();
    for r in rows {
        out.entry(r.programme_id).or_default().push(Answered {
            year: r.year,
            theme: r.theme,
            text: r.text,
            evidence: r.evidence,
        });
    }
    Ok(out)
}

/// The critical issues each health objective of a PIS answers, by
/// objective id: those linked to the objective itself, and those answered
/// by its programmes and their sheets, each once.
pub async fn answered_by_objectives(
    db: &Db,
    health_plan_id: i64,
) -> Result<HashMap<i64, Vec<Answered>>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        objective_id: i64,
        finding_id: i64,
        year: i64,
        theme: String,
        text: String,
        evidence: Option<String>,
    }
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as::<_, Row>(
            "SELECT o.id AS objective_id, f.id AS finding_id, t.year, t.name AS theme, f.text, a.evidence \
             FROM profile_answers a \
             LEFT JOIN activity_sheets x ON x.id = a.activity_id \
             LEFT JOIN programmes g ON g.id = COALESCE(a.programme_id, x.programme_id) \
             JOIN health_objectives o ON o.id = COALESCE(a.objective_id, g.health_objective_id) \
             JOIN profile_findings f ON f.id = a.finding_id JOIN profile_themes t ON t.id = f.theme_id \
             WHERE o.health_plan_id = $1 \
             ORDER BY o.id, t.year DESC, t.position, f.position, a.objective_id IS NULL, a.id",
        )
        .bind(health_plan_id)
        .fetch_all(pool)
        .await?
    });
    let mut out: HashMap<i64, Vec<Answered>> = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for r in rows {
        if seen.insert((r.objective_id, r.finding_id)) {
            out.entry(r.objective_id).or_default().push(Answered {
                year: r.year,
                theme: r.theme,
                text: r.text,
                evidence: r.evidence,
            });
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------ editing

const UNIQUE: &[(&str, &str)] = &[
    ("profile_themes_name_uq", "name"),
    ("profile_answers_uq", "target"),
];

/// A theme, with its zone and year: what an edit checks before it writes.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ThemeRef {
    pub id: i64,
    pub zone_id: i64,
    pub year: i64,
    pub position: i64,
    pub name: String,
}

pub async fn theme(db: &Db, id: i64) -> Result<Option<ThemeRef>> {
    crate::db::select_optional::<ThemeRef>(
        db,
        "SELECT id, zone_id, year, position, name FROM profile_themes WHERE id = $1",
        id,
    )
    .await
}

/// A line of the profile, with its theme's zone and year.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct FindingRef {
    pub id: i64,
    pub theme_id: i64,
    pub zone_id: i64,
    pub year: i64,
    pub theme: String,
    pub kind: zona_core::profile::FindingKind,
    pub text: String,
}

pub async fn finding(db: &Db, id: i64) -> Result<Option<FindingRef>> {
    crate::db::select_optional::<FindingRef>(
        db,
        "SELECT f.id, f.theme_id, t.zone_id, t.year, t.name AS theme, f.kind, f.text \
         FROM profile_findings f JOIN profile_themes t ON t.id = f.theme_id WHERE f.id = $1",
        id,
    )
    .await
}

/// An answer with the line it answers.
pub async fn answer(db: &Db, id: i64) -> Result<Option<(Answer, FindingRef)>> {
    let a =
        crate::db::select_optional::<Answer>(db, &format!("{ANSWER_SELECT} WHERE a.id = $1"), id)
            .await?;
    Ok(match a {
        Some(a) => finding(db, a.finding_id).await?.map(|f| (a, f)),
        None => None,
    })
}

/// What answers a critical issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AnswerTarget {
    Objective(i64),
    Programme(i64),
    Sheet(i64),
}

/// The zone a health objective, a programme or a sheet belongs to, and
/// what it is called.
pub async fn target(db: &Db, t: AnswerTarget) -> Result<Option<(i64, String)>> {
    let (sql, id) = match t {
        AnswerTarget::Objective(id) => (
            "SELECT h.zone_id, o.title FROM health_objectives o JOIN health_plans h ON h.id = o.health_plan_id WHERE o.id = $1",
            id,
        ),
        AnswerTarget::Programme(id) => (
            "SELECT p.zone_id, g.title FROM programmes g JOIN annual_plans p ON p.id = g.annual_plan_id WHERE g.id = $1",
            id,
        ),
        AnswerTarget::Sheet(id) => (
            "SELECT p.zone_id, x.code || ' – ' || x.title FROM activity_sheets x JOIN annual_plans p ON p.id = x.annual_plan_id WHERE x.id = $1",
            id,
        ),
    };
    let rows: Vec<(i64, String)> = select_all(db, sql, id).await?;
    Ok(rows.into_iter().next())
}

/// The sheets of a zone with this code (one per POA at most; a code may
/// come back in another year).
pub async fn sheets_by_code(db: &Db, zone_id: i64, code: &str) -> Result<Vec<(i64, i64)>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as::<_, (i64, i64)>(
        "SELECT x.id, p.year FROM activity_sheets x JOIN annual_plans p ON p.id = x.annual_plan_id \
         WHERE p.zone_id = $1 AND lower(x.code) = lower($2) ORDER BY p.year DESC"
    )
    .bind(zone_id)
    .bind(code)
    .fetch_all(pool)
    .await?)
    })
}

fn theme_entry(action: &'static str, t: &ThemeRef) -> AuditEntry {
    AuditEntry::new(action, entity::HEALTH_PROFILE, Some(t.id)).zone(Some(t.zone_id))
}

/// A new theme at the end of a year's profile; with `copy_from`, the first
/// theme of a new year comes with every theme name of that year instead.
pub async fn add_theme(db: &Db, actor: &Actor, zone_id: i64, year: i64, name: &str) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let (position,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM profile_themes WHERE zone_id = $1 AND year = $2",
        )
        .bind(zone_id)
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO profile_themes (zone_id, year, position, name, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(zone_id)
        .bind(year)
        .bind(position)
        .bind(name)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, UNIQUE))?;
        let r = ThemeRef {
            id,
            zone_id,
            year,
            position,
            name: name.to_string(),
        };
        let entry = theme_entry(action::CREATE, &r)
            .summary(format!("Profilo di salute {year}: tema «{name}» aggiunto"))
            .after(&r);
        (id, entry)
    })
}

/// A new year of the profile with the themes of an earlier year, in the
/// same order and without their lines. Returns how many themes it has.
pub async fn copy_themes(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    from: i64,
    year: i64,
) -> Result<u64> {
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "INSERT INTO profile_themes (zone_id, year, position, name, created_at) \
             SELECT zone_id, $3, position, name, $4 FROM profile_themes WHERE zone_id = $1 AND year = $2",
        )
        .bind(zone_id)
        .bind(from)
        .bind(year)
        .bind(t)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, UNIQUE))?
        .rows_affected();
        let entry = AuditEntry::new(action::CREATE, entity::HEALTH_PROFILE, None)
            .zone(Some(zone_id))
            .summary(format!(
                "Profilo di salute {year}: {n} temi ripresi dal {from}"
            ))
            .after(&serde_json::json!({ "anno": year, "da": from, "temi": n }));
        (n, entry)
    })
}

/// Renames a theme and moves it to a position (1 is the first; past the
/// last is the last).
pub async fn edit_theme(
    db: &Db,
    actor: &Actor,
    before: &ThemeRef,
    name: &str,
    position: i64,
) -> Result<()> {
    audited!(db, actor, |tx| {
        sqlx::query("UPDATE profile_themes SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(before.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_unique(e, UNIQUE))?;
        // The year's themes numbered again 1, 2, 3… with this one moved to
        // its place, so that no two share a position.
        let mut order: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM profile_themes WHERE zone_id = $1 AND year = $2 AND id <> $3 ORDER BY position, id",
        )
        .bind(before.zone_id)
        .bind(before.year)
        .bind(before.id)
        .fetch_all(&mut *tx)
        .await?;
        let at = usize::try_from(position - 1).unwrap_or(0).min(order.len());
        order.insert(at, (before.id,));
        for (i, (id,)) in order.iter().enumerate() {
            sqlx::query("UPDATE profile_themes SET position = $1 WHERE id = $2")
                .bind(i64::try_from(i).unwrap_or(i64::MAX) + 1)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let position = i64::try_from(at).unwrap_or(i64::MAX) + 1;
        let after = ThemeRef {
            name: name.to_string(),
            position,
            ..before.clone()
        };
        let entry = theme_entry(action::UPDATE, before)
            .summary(format!(
                "Profilo di salute {}: tema «{name}» modificato",
                before.year
            ))
            .before(before)
            .after(&after);
        ((), entry)
    })
}

/// Deletes a theme with its lines, their answers and their indicators.
pub async fn delete_theme(db: &Db, actor: &Actor, theme: &ThemeRef) -> Result<()> {
    let lines = themes(db, theme.zone_id, theme.year)
        .await?
        .into_iter()
        .find(|t| t.id == theme.id);
    audited!(db, actor, |tx| {
        let of_theme = "finding_id IN (SELECT id FROM profile_findings WHERE theme_id = $1)";
        for sql in [
            format!("DELETE FROM profile_answers WHERE {of_theme}"),
            format!("DELETE FROM profile_finding_indicators WHERE {of_theme}"),
            "DELETE FROM profile_findings WHERE theme_id = $1".to_string(),
            "DELETE FROM profile_themes WHERE id = $1".to_string(),
        ] {
            sqlx::query(&sql).bind(theme.id).execute(&mut *tx).await?;
        }
        let entry = theme_entry(action::DELETE, theme)
            .summary(format!(
                "Profilo di salute {}: tema «{}» eliminato",
                theme.year, theme.name
            ))
            .before(&lines);
        ((), entry)
    })
}

/// A new line at the end of its theme and kind.
pub async fn add_finding(
    db: &Db,
    actor: &Actor,
    theme: &ThemeRef,
    kind: zona_core::profile::FindingKind,
    text: &str,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let (position,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM profile_findings WHERE theme_id = $1 AND kind = $2",
        )
        .bind(theme.id)
        .bind(kind.code())
        .fetch_one(&mut *tx)
        .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO profile_findings (theme_id, kind, position, text, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(theme.id)
        .bind(kind.code())
        .bind(position)
        .bind(text)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        let entry = theme_entry(action::UPDATE, theme)
            .summary(format!(
                "Profilo di salute {}, «{}»: {} aggiunto",
                theme.year,
                theme.name,
                kind.label().to_lowercase()
            ))
            .after(&serde_json::json!({ "tipo": kind.label(), "testo": text }));
        (id, entry)
    })
}

/// Rewrites a line and the indicators it rests on (id and code each).
pub async fn edit_finding(
    db: &Db,
    actor: &Actor,
    before: &FindingRef,
    text: &str,
    indicators: &[(i64, String)],
) -> Result<()> {
    let old: Vec<(String,)> = select_all(
        db,
        "SELECT i.code FROM profile_finding_indicators b JOIN health_indicators i ON i.id = b.indicator_id \
         WHERE b.finding_id = $1 ORDER BY i.code",
        before.id,
    )
    .await?;
    let mut new: Vec<&str> = indicators.iter().map(|(_, code)| code.as_str()).collect();
    new.sort_unstable();
    audited!(db, actor, |tx| {
        sqlx::query("UPDATE profile_findings SET text = $1 WHERE id = $2")
            .bind(text)
            .bind(before.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM profile_finding_indicators WHERE finding_id = $1")
            .bind(before.id)
            .execute(&mut *tx)
            .await?;
        for (id, _) in indicators {
            sqlx::query(
                "INSERT INTO profile_finding_indicators (finding_id, indicator_id) VALUES ($1, $2)",
            )
            .bind(before.id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let entry = AuditEntry::new(action::UPDATE, entity::HEALTH_PROFILE, Some(before.theme_id))
            .zone(Some(before.zone_id))
            .summary(format!("Profilo di salute {}, «{}»: {} modificato", before.year, before.theme, before.kind.label().to_lowercase()))
            .before(&serde_json::json!({ "testo": before.text, "indicatori": old.into_iter().map(|c| c.0).collect::<Vec<_>>() }))
            .after(&serde_json::json!({ "testo": text, "indicatori": new }));
        ((), entry)
    })
}

/// Deletes a line with its answers and its indicators.
pub async fn delete_finding(db: &Db, actor: &Actor, f: &FindingRef) -> Result<()> {
    audited!(db, actor, |tx| {
        for sql in [
            "DELETE FROM profile_answers WHERE finding_id = $1",
            "DELETE FROM profile_finding_indicators WHERE finding_id = $1",
            "DELETE FROM profile_findings WHERE id = $1",
        ] {
            sqlx::query(sql).bind(f.id).execute(&mut *tx).await?;
        }
        let entry = AuditEntry::new(action::DELETE, entity::HEALTH_PROFILE, Some(f.theme_id))
            .zone(Some(f.zone_id))
            .summary(format!(
                "Profilo di salute {}, «{}»: {} eliminato",
                f.year,
                f.theme,
                f.kind.label().to_lowercase()
            ))
            .before(f);
        ((), entry)
    })
}

/// Links a critical issue to what answers it.
pub async fn add_answer(
    db: &Db,
    actor: &Actor,
    f: &FindingRef,
    target: AnswerTarget,
    what: &str,
    evidence: Option<&str>,
) -> Result<i64> {
    let t = now();
    let (objective, programme, sheet) = match target {
        AnswerTarget::Objective(id) => (Some(id), None, None),
        AnswerTarget::Programme(id) => (None, Some(id), None),
        AnswerTarget::Sheet(id) => (None, None, Some(id)),
    };
    audited!(db, actor, |tx| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO profile_answers (finding_id, objective_id, programme_id, activity_id, evidence, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(f.id)
        .bind(objective)
        .bind(programme)
        .bind(sheet)
        .bind(evidence)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, UNIQUE))?;
        let entry = AuditEntry::new(action::UPDATE, entity::HEALTH_PROFILE, Some(f.theme_id))
            .zone(Some(f.zone_id))
            .summary(format!("Profilo di salute {}: «{}» risponde a «{}»", f.year, what, f.text))
            .after(&serde_json::json!({ "nodo_critico": f.text, "risposta": what, "evidenza": evidence }));
        (id, entry)
    })
}

/// Unlinks an answer from its critical issue.
pub async fn delete_answer(db: &Db, actor: &Actor, a: &Answer, f: &FindingRef) -> Result<()> {
    audited!(db, actor, |tx| {
        sqlx::query("DELETE FROM profile_answers WHERE id = $1")
            .bind(a.id)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::new(action::UPDATE, entity::HEALTH_PROFILE, Some(f.theme_id))
            .zone(Some(f.zone_id))
            .summary(format!("Profilo di salute {}: «{}» non risponde più a «{}»", f.year, a.what, f.text))
            .before(&serde_json::json!({ "nodo_critico": f.text, "risposta": a.what, "evidenza": a.evidence }));
        ((), entry)
    })
}

/// Something that may answer a critical issue, for a list to choose from.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Choice {
    /// `obiettivo:ID` or `programma:ID`.
    pub value: String,
    /// The plan: «PIS 2020-2022», «POA 2024».
    pub plan: String,
    pub title: String,
}

/// The zone's health objectives (PIS by PIS) and programmes (POA by POA,
/// latest first), to answer a critical issue.
pub async fn choices(db: &Db, zone_id: i64) -> Result<Vec<Choice>> {
    select_all(
        db,
        "SELECT value, plan, title FROM ( \
           SELECT 'obiettivo:' || o.id AS value, 'PIS ' || h.period_start || '-' || h.period_end AS plan, \
                  o.title, 0 AS kind, h.period_start AS year, o.position AS position \
           FROM health_objectives o JOIN health_plans h ON h.id = o.health_plan_id WHERE h.zone_id = $1 \
           UNION ALL \
           SELECT 'programma:' || g.id, 'POA ' || p.year, g.title, 1, p.year, g.position \
           FROM programmes g JOIN annual_plans p ON p.id = g.annual_plan_id WHERE p.zone_id = $1 \
         ) c ORDER BY kind, year DESC, position, title",
        zone_id,
    )
    .await
}
