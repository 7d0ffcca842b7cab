//! Controlled vocabularies (sectors, target areas, funding sources, …),
//! shared by every zone.

use crate::audit::audited;
use crate::audit::{action, entity, write_audit, Actor, AuditEntry};
use crate::db::BeginWrite;
use crate::{now, on_db, Db, Result, StoreError};
use serde::Serialize;
use zona_core::planning::{Vocabularies, Vocabulary};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Term {
    pub id: i64,
    pub vocabulary: String,
    pub code: String,
    pub label: String,
    pub description: Option<String>,
    pub position: i64,
    pub active: bool,
    pub version: i64,
}

/// Adds the seed terms of every vocabulary that has none yet. Runs after the
/// migrations, so a new installation starts with the lists of the seeds and
/// an administrator's changes are never overwritten.
pub async fn seed_missing(db: &Db) -> Result<()> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        for v in Vocabulary::ALL {
            let n: i64 =
                sqlx::query_scalar("SELECT count(*) FROM vocabulary_terms WHERE vocabulary = $1")
                    .bind(v.code())
                    .fetch_one(&mut *tx)
                    .await?;
            if n > 0 {
                continue;
            }
            for (i, (code, label)) in v.seed().iter().enumerate() {
                sqlx::query(
                    "INSERT INTO vocabulary_terms (vocabulary, code, label, position, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(v.code())
                .bind(*code)
                .bind(*label)
                .bind(i as i64 + 1)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Every term of one vocabulary, active or not, in their order.
pub async fn terms(db: &Db, vocabulary: Vocabulary) -> Result<Vec<Term>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as::<_, Term>(
        "SELECT id, vocabulary, code, label, description, position, active, version FROM vocabulary_terms \
         WHERE vocabulary = $1 ORDER BY position, id"
    )
    .bind(vocabulary.code())
    .fetch_all(pool)
    .await?)
    })
}

/// The active terms of every vocabulary, to fill and check forms.
pub async fn active(db: &Db) -> Result<Vocabularies> {
    let rows: Vec<Term> = on_db!(db, |pool| {
        sqlx::query_as::<_, Term>(
        "SELECT id, vocabulary, code, label, description, position, active, version FROM vocabulary_terms \
         WHERE active ORDER BY vocabulary, position, id"
    )
    .fetch_all(pool)
    .await
    })?;
    let mut v = Vocabularies::new();
    for r in rows {
        if let Some(voc) = Vocabulary::from_code(&r.vocabulary) {
            v.add(voc, &r.code, &r.label);
        }
    }
    Ok(v)
}

/// Labels of every term, active or not: a sheet keeps showing a term that
/// was later retired.
pub async fn all_labels(db: &Db) -> Result<Vocabularies> {
    let rows: Vec<Term> = on_db!(db, |pool| {
        sqlx::query_as::<_, Term>(
        "SELECT id, vocabulary, code, label, description, position, active, version FROM vocabulary_terms \
         ORDER BY vocabulary, position, id"
    )
    .fetch_all(pool)
    .await
    })?;
    let mut v = Vocabularies::new();
    for r in rows {
        if let Some(voc) = Vocabulary::from_code(&r.vocabulary) {
            v.add(voc, &r.code, &r.label);
        }
    }
    Ok(v)
}

#[derive(Clone, Debug, Serialize)]
pub struct TermInput {
    pub code: String,
    pub label: String,
    pub description: Option<String>,
    pub active: bool,
}

pub async fn add_term(
    db: &Db,
    actor: &Actor,
    vocabulary: Vocabulary,
    input: &TermInput,
) -> Result<i64> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let position: i64 = sqlx::query_scalar(
            "SELECT coalesce(max(position), 0) + 1 FROM vocabulary_terms WHERE vocabulary = $1",
        )
        .bind(vocabulary.code())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO vocabulary_terms (vocabulary, code, label, description, position, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(vocabulary.code())
        .bind(&input.code)
        .bind(&input.label)
        .bind(&input.description)
        .bind(position)
        .bind(input.active)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::from_unique(
                e,
                &[
                    ("vocabulary_terms_code_uq", "code"),
                    ("vocabulary_terms_label_uq", "label"),
                ],
            )
        })?;
        let entry = AuditEntry::new(action::CREATE, entity::VOCABULARY_TERM, Some(id))
            .summary(format!("{}: «{}»", vocabulary.label(), input.label))
            .after(input);
        write_audit!(&mut *tx, actor, entry);
        tx.commit().await?;
        Ok(id)
    })
}

/// Changes a term's label, description or active flag. The code never
/// changes: sheets refer to it.
/// `version` is the one the form was read at: a term changed since is
/// [`StoreError::Conflict`], nothing saved.
pub async fn update_term(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &TermInput,
) -> Result<()> {
    let t = now();
    audited!(db, actor, |tx| {
        let before = sqlx::query_as::<_, Term>(
            "SELECT id, vocabulary, code, label, description, position, active, version FROM vocabulary_terms WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let n = sqlx::query(
            "UPDATE vocabulary_terms SET label = $1, description = $2, active = $3, updated_at = $4, \
             version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(&input.label)
        .bind(&input.description)
        .bind(input.active)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("vocabulary_terms_label_uq", "label")]))?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict);
        }
        let entry = AuditEntry::new(action::UPDATE, entity::VOCABULARY_TERM, Some(id))
            .summary(format!("Voce «{}»", input.label))
            .before(&TermInput {
                code: before.code.clone(),
                label: before.label,
                description: before.description,
                active: before.active,
            })
            .after(&TermInput {
                code: before.code,
                ..input.clone()
            });
        ((), entry)
    })
}
