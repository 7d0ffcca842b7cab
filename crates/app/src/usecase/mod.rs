//! Use cases: one function per change a person can make. Each takes who is
//! asking ([`Caller`]) and a typed input, and returns the outcome or an
//! [`Error`]. Authorisation, the rules and the store's transaction live in
//! the function, so the web pages, the command line and the tests go through
//! the same checks.
//!
//! The checks read the record at the version the person saw; the store's
//! update is conditional on that version. A check and its write therefore
//! see the same record: if someone else changed it in between, the write is
//! refused as a [`Error::Conflict`].

pub mod admin;
pub mod codesign;
pub mod coprogramming;
pub mod deadlines;
pub mod meetings;
pub mod monitoring;
pub mod network;
pub mod notify;
pub mod pis;
pub mod planning;
pub mod profile;
pub mod projects;
pub mod queue;
pub mod region;
pub mod search;
pub mod sessions;
pub mod sheets;
pub mod soc26;

use zona_core::authz::{allows, Action, Principal};
use zona_core::FieldErrors;
use zona_store::{Actor, StoreError};

/// An input as read from its form: the typed value, or the errors by field.
/// A use case checks who is asking before it looks at the input, so a
/// person who may not make a change is refused whatever they typed.
pub type Input<T> = Result<T, FieldErrors>;

/// Who is asking: the signed-in person (none for the anonymous public), the
/// zone they work in, and how the audit log names them.
#[derive(Clone, Debug)]
pub struct Caller {
    pub principal: Option<Principal>,
    pub zone_id: Option<i64>,
    pub actor: Actor,
}

impl Caller {
    pub fn allows(&self, action: Action) -> bool {
        allows(self.principal.as_ref(), action)
    }

    /// Refuses an action the caller may not take: to the anonymous public as
    /// "sign in first", to anyone else as forbidden.
    pub fn require(&self, action: Action) -> Result<(), Error> {
        if self.allows(action) {
            Ok(())
        } else if self.principal.is_none() {
            Err(Error::LoginRequired)
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The zone the signed-in caller works in.
    pub fn zone(&self) -> Result<i64, Error> {
        match (&self.principal, self.zone_id) {
            (Some(_), Some(z)) => Ok(z),
            (None, _) => Err(Error::LoginRequired),
            _ => Err(Error::Forbidden),
        }
    }

    /// The region of the caller's zone, for a caller who edits its shared
    /// frame (the regional role): the regional plans, the vocabularies, the
    /// DM 77/2022 standards, the region's record.
    pub async fn regional_frame(&self, db: &zona_store::Db) -> Result<i64, Error> {
        let region_id = pis::region_of(db, self.zone()?).await?;
        self.require(Action::EditRegionalFrame { region_id })?;
        Ok(region_id)
    }

    /// A record of another zone is, for this caller, a record that does not
    /// exist.
    pub fn same_zone(&self, zone_id: i64) -> Result<(), Error> {
        if self.zone_id == Some(zone_id) {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }
}

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("sign-in required")]
    LoginRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The input broke a rule of its fields: each message is Italian and
    /// names what to fix.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Someone else saved the record after the caller read it.
    #[error("changed by someone else")]
    Conflict,
    /// A rule refused the change as a whole; the message is Italian.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(StoreError),
    /// Anything else that failed (a worker thread, a document): logged, a 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::Conflict => Error::Conflict,
            StoreError::Refused(m) => Error::Refused(m),
            StoreError::Duplicate { field } => {
                let mut errors = FieldErrors::new();
                errors.add(field, "Esiste già un elemento con questo valore.");
                Error::Invalid(errors)
            }
            other => Error::Store(other),
        }
    }
}

/// A unique index's refusal, said with `message` on the field it guards.
pub(crate) fn taken_as(message: &'static str) -> impl FnOnce(StoreError) -> Error {
    move |e| match e {
        StoreError::Duplicate { field } => {
            let mut errors = FieldErrors::new();
            errors.add(field, message);
            Error::Invalid(errors)
        }
        other => other.into(),
    }
}

impl From<FieldErrors> for Error {
    fn from(e: FieldErrors) -> Self {
        Error::Invalid(e)
    }
}
