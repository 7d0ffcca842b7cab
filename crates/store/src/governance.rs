//! The zone's governance agreements, as the zone page and the public site
//! show them. They are written by the zone bundle (`convenzioni*.csv`).

use crate::db::select_all;
use crate::{Db, Result};
use serde::Serialize;
use time::Date;
use zona_core::governance::{AgreementKind, MatterStatus, PartyRole};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AgreementRow {
    pub id: i64,
    pub kind: AgreementKind,
    pub title: String,
    pub legal_basis: Option<String>,
    pub in_force_from: Option<i64>,
    pub organisation_document: Option<String>,
    pub notes: Option<String>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Party {
    pub agreement_id: i64,
    pub name: String,
    pub role: PartyRole,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Matter {
    pub agreement_id: i64,
    pub code: String,
    pub label: String,
    pub status: MatterStatus,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Act {
    pub agreement_id: i64,
    pub issuer: String,
    pub number: String,
    pub act_date: Date,
    pub description: Option<String>,
}

/// An agreement with its parties, matters and acts.
#[derive(Clone, Debug, Serialize)]
pub struct Agreement {
    pub row: AgreementRow,
    pub parties: Vec<Party>,
    pub matters: Vec<Matter>,
    pub acts: Vec<Act>,
}

impl Agreement {
    pub fn lead(&self) -> Option<&Party> {
        self.parties.iter().find(|p| p.role == PartyRole::Lead)
    }
}

/// The zone's agreements in their order, each with its parties (in their
/// order), matters (in their order) and acts (by date).
pub async fn agreements(db: &Db, zone_id: i64) -> Result<Vec<Agreement>> {
    let rows: Vec<AgreementRow> = select_all(
        db,
        "SELECT id, kind, title, legal_basis, in_force_from, organisation_document, notes \
         FROM governance_agreements WHERE zone_id = $1 ORDER BY position, id",
        zone_id,
    )
    .await?;
    let parties: Vec<Party> = select_all(
        db,
        "SELECT p.agreement_id, o.name, p.role FROM governance_parties p \
         JOIN organisations o ON o.id = p.organisation_id \
         JOIN governance_agreements a ON a.id = p.agreement_id \
         WHERE a.zone_id = $1 ORDER BY p.position, o.name",
        zone_id,
    )
    .await?;
    let matters: Vec<Matter> = select_all(
        db,
        "SELECT m.agreement_id, m.code, m.label, m.status FROM governance_matters m \
         JOIN governance_agreements a ON a.id = m.agreement_id \
         WHERE a.zone_id = $1 ORDER BY m.position, m.id",
        zone_id,
    )
    .await?;
    let acts: Vec<Act> = select_all(
        db,
        "SELECT t.agreement_id, t.issuer, t.number, t.act_date, t.description FROM governance_acts t \
         JOIN governance_agreements a ON a.id = t.agreement_id \
         WHERE a.zone_id = $1 ORDER BY t.act_date, t.id",
        zone_id,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Agreement {
            parties: parties
                .iter()
                .filter(|p| p.agreement_id == row.id)
                .cloned()
                .collect(),
            matters: matters
                .iter()
                .filter(|m| m.agreement_id == row.id)
                .cloned()
                .collect(),
            acts: acts
                .iter()
                .filter(|a| a.agreement_id == row.id)
                .cloned()
                .collect(),
            row,
        })
        .collect())
}
