//! The controlled vocabularies (sectors, target areas, funding sources,
//! kinds of intervention, indicator units, services catalogue), shared by
//! every zone: the region adds and edits terms; a term's code never changes.

use crate::usecase::{Caller, Error, Input};
use zona_core::planning::Vocabulary;
use zona_core::FieldErrors;
use zona_store::vocabularies::{self, Term, TermInput};
use zona_store::{Db, StoreError};

/// A term, with the vocabulary it belongs to.
pub async fn term(db: &Db, id: i64) -> Result<(Vocabulary, Term), Error> {
    for v in Vocabulary::ALL {
        if let Some(t) = vocabularies::terms(db, *v)
            .await?
            .into_iter()
            .find(|t| t.id == id)
        {
            return Ok((*v, t));
        }
    }
    Err(Error::NotFound)
}

fn duplicate(e: StoreError) -> Error {
    match e {
        StoreError::Duplicate { field } => {
            let mut errors = FieldErrors::new();
            errors.add(
                field,
                if field == "code" {
                    "Esiste già una voce con questo codice."
                } else {
                    "Esiste già una voce con questo nome."
                },
            );
            Error::Invalid(errors)
        }
        other => other.into(),
    }
}

pub async fn add_term(
    db: &Db,
    caller: &Caller,
    vocabulary: Vocabulary,
    input: Input<TermInput>,
) -> Result<i64, Error> {
    caller.regional_frame(db).await?;
    let input = input?;
    vocabularies::add_term(db, &caller.actor, vocabulary, &input)
        .await
        .map_err(duplicate)
}

/// Saves a term from the version the caller saw. The input's code is
/// ignored: the stored one stays.
pub async fn update_term(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<TermInput>,
) -> Result<(), Error> {
    caller.regional_frame(db).await?;
    let (_, t) = term(db, id).await?;
    let input = TermInput {
        code: t.code,
        ..input?
    };
    vocabularies::update_term(db, &caller.actor, id, version, &input)
        .await
        .map_err(duplicate)
}
