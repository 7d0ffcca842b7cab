//! Administration: the territory frame, organisations, units, users and the
//! controlled vocabularies. Every administered record is created, edited and
//! (de)activated the same way, by the planning office of its zone; a record
//! type says how it is stored in [`Administered`] and the functions here do
//! the rest: who may, which zone, duplicate names, concurrency, audit.

pub use organisations::{Organisations, Units};
pub use territory::{Municipalities, Regions, Zones};
pub use users::Users;

use super::{Caller, Error, Input};
use std::future::Future;
use zona_core::authz::Action;
use zona_core::FieldErrors;
use zona_store::territory::{self as store_territory, Deactivatable};
use zona_store::{Actor, Db, StoreError};

/// How one kind of administered record is read and stored.
pub trait Administered: Send + Sync + 'static {
    type Record: Send + Sync;
    type Input: Send + Sync;
    /// Which table (de)activation writes.
    const KIND: Deactivatable;
    /// Audit entity code.
    const ENTITY: &'static str;
    /// What to say, by field, when another record already has the value.
    const DUPLICATES: &'static [(&'static str, &'static str)];

    fn load(
        db: &Db,
        id: i64,
    ) -> impl Future<Output = Result<Option<Self::Record>, StoreError>> + Send;
    fn create(
        db: &Db,
        actor: &Actor,
        input: &Self::Input,
    ) -> impl Future<Output = Result<i64, Error>> + Send;
    fn update(
        db: &Db,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &Self::Input,
    ) -> impl Future<Output = Result<(), Error>> + Send;
    /// Checks against the database that the input only points at records of
    /// the caller's zone (a unit's organisation, a user's body, a zone's
    /// seat). `record` is the record being edited, `None` on creation.
    fn check(
        _db: &Db,
        _zone_id: i64,
        _record: Option<&Self::Record>,
        _input: &Self::Input,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        async { Ok(()) }
    }

    /// The zone a record belongs to; `None` for records above zones (regions).
    fn zone_of(r: &Self::Record) -> Option<i64>;
    fn active(r: &Self::Record) -> bool;
    /// `l'ente «Comune di Livorno»`: how confirmations and messages name it.
    fn label(r: &Self::Record) -> String;
    /// Who may edit this record: the planning office of its zone, or of the
    /// caller's zone for records above zones.
    fn edit_action(zone_id: Option<i64>, r: &Self::Record) -> Action {
        Action::Administer {
            zone_id: Self::zone_of(r).or(zone_id).unwrap_or(-1),
        }
    }
    /// Who may create a record of this type in a zone of region
    /// `region_id`: the zone's planning office.
    fn create_action(zone_id: i64, _region_id: i64) -> Action {
        Action::Administer { zone_id }
    }
    /// Refuses deactivating a record this caller must keep (their own
    /// account); the message is Italian.
    fn may_deactivate(_caller: &Caller, _r: &Self::Record) -> Result<(), Error> {
        Ok(())
    }
}

/// `load`, `create` and `update` of an [`Administered`] record type through
/// the store's functions of the same names, with the type's duplicate
/// messages.
macro_rules! stored_by {
    ($get:path, $create:path, $update:path) => {
        async fn load(db: &Db, id: i64) -> Result<Option<Self::Record>, StoreError> {
            $get(db, id).await
        }
        async fn create(db: &Db, actor: &Actor, input: &Self::Input) -> Result<i64, Error> {
            $create(db, actor, input)
                .await
                .map_err(super::duplicate::<Self>)
        }
        async fn update(
            db: &Db,
            actor: &Actor,
            id: i64,
            version: i64,
            input: &Self::Input,
        ) -> Result<(), Error> {
            $update(db, actor, id, version, input)
                .await
                .map_err(super::duplicate::<Self>)
        }
    };
}

/// An input that names its zone must name the caller's.
fn own_zone(input_zone: i64, zone_id: i64) -> Result<(), Error> {
    if input_zone == zone_id {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

pub mod organisations;
pub mod territory;
pub mod users;
pub mod vocabularies;

/// A unique index's refusal with the record type's own message.
pub fn duplicate<A: Administered>(e: StoreError) -> Error {
    match e {
        StoreError::Duplicate { field } => {
            let message = A::DUPLICATES
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, m)| *m)
                .unwrap_or("Esiste già un elemento con questo valore.");
            let mut errors = FieldErrors::new();
            errors.add(field, message);
            Error::Invalid(errors)
        }
        other => other.into(),
    }
}

/// The office of the caller's zone.
pub fn office(caller: &Caller) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    Ok(zone_id)
}

/// A record for a person of its zone who reads the administration (any
/// record above zones).
pub async fn read<A: Administered>(db: &Db, caller: &Caller, id: i64) -> Result<A::Record, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadAdministration { zone_id })?;
    let r = A::load(db, id).await?.ok_or(Error::NotFound)?;
    if let Some(z) = A::zone_of(&r) {
        caller.same_zone(z)?;
    }
    Ok(r)
}

/// A record its caller may edit.
pub async fn open<A: Administered>(db: &Db, caller: &Caller, id: i64) -> Result<A::Record, Error> {
    let r = read::<A>(db, caller, id).await?;
    caller.require(A::edit_action(caller.zone_id, &r))?;
    Ok(r)
}

/// Refuses a caller who may not create a record of this type; returns the
/// caller's zone.
pub async fn creatable<A: Administered>(db: &Db, caller: &Caller) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    let region_id = crate::usecase::pis::region_of(db, zone_id).await?;
    caller.require(A::create_action(zone_id, region_id))?;
    Ok(zone_id)
}

/// Creates a record in the caller's zone; returns its id.
pub async fn create<A: Administered>(
    db: &Db,
    caller: &Caller,
    input: Input<A::Input>,
) -> Result<i64, Error> {
    let zone_id = creatable::<A>(db, caller).await?;
    let input = input?;
    A::check(db, zone_id, None, &input).await?;
    A::create(db, &caller.actor, &input).await
}

/// Saves a record from the version the caller saw.
pub async fn update<A: Administered>(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<A::Input>,
) -> Result<(), Error> {
    let zone_id = caller.zone()?;
    let r = open::<A>(db, caller, id).await?;
    let input = input?;
    A::check(db, zone_id, Some(&r), &input).await?;
    A::update(db, &caller.actor, id, version, &input).await
}

/// A record about to be deactivated or reactivated, for its confirmation.
pub async fn open_toggle<A: Administered>(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<A::Record, Error> {
    // Whoever may edit the record may switch it off: `open` asks.
    open::<A>(db, caller, id).await
}

/// Deactivates an active record, reactivates an inactive one; returns the
/// record as it was.
pub async fn toggle<A: Administered>(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<A::Record, Error> {
    let r = open_toggle::<A>(db, caller, id).await?;
    let active = A::active(&r);
    if active {
        A::may_deactivate(caller, &r)?;
    }
    store_territory::set_active(
        db,
        &caller.actor,
        A::KIND,
        id,
        !active,
        A::zone_of(&r),
        &A::label(&r),
    )
    .await?;
    Ok(r)
}
