//! Organisations (the health authority, the municipalities, Third Sector
//! bodies, other public bodies) with their other names, and their units.

use super::{office, open, own_zone, Administered};
use crate::codesign::Directory;
use crate::usecase::{Caller, Error, Input};
use zona_core::authz::Action;
use zona_store::audit::entity;
use zona_store::organisations::{self as orgs, Organisation, OrganisationInput, Unit, UnitInput};
use zona_store::territory::Deactivatable;
use zona_store::{Actor, Db, StoreError};

pub struct Organisations;

impl Administered for Organisations {
    type Record = Organisation;
    type Input = OrganisationInput;
    const KIND: Deactivatable = Deactivatable::Organisation;
    const ENTITY: &'static str = entity::ORGANISATION;
    const DUPLICATES: &'static [(&'static str, &'static str)] = &[
        ("name", "Esiste già un ente con questo nome nella zona."),
        (
            "tax_code",
            "Esiste già un ente con questo codice fiscale nella zona: usa quel record invece di crearne un doppione.",
        ),
    ];

    stored_by!(
        orgs::get_organisation,
        orgs::create_organisation,
        orgs::update_organisation
    );
    async fn check(
        _: &Db,
        zone_id: i64,
        _: Option<&Self::Record>,
        input: &OrganisationInput,
    ) -> Result<(), Error> {
        own_zone(input.zone_id, zone_id)
    }
    fn zone_of(o: &Organisation) -> Option<i64> {
        Some(o.zone_id)
    }
    fn active(o: &Organisation) -> bool {
        o.active
    }
    fn label(o: &Organisation) -> String {
        format!("l'ente «{}»", o.name)
    }
}

/// Adds another name of an organisation, as sources write it. A name that
/// already points at a body of the zone (this one or another) is refused:
/// the co-design import resolves names through them.
pub async fn add_alias(
    db: &Db,
    caller: &Caller,
    organisation_id: i64,
    alias: Input<String>,
) -> Result<(), Error> {
    office(caller)?;
    let o = open::<Organisations>(db, caller, organisation_id).await?;
    let alias = alias?;
    let directory = Directory::load(db, o.zone_id).await?;
    let refused = |m: String| {
        let mut errors = zona_core::FieldErrors::new();
        errors.add("alias", m);
        Err(Error::Invalid(errors))
    };
    match directory.find(&alias) {
        Some((other, _, name)) if *other != o.id => {
            refused(format!("«{alias}» indica già l'ente «{name}»."))
        }
        Some(_) => refused(format!("«{alias}» è già un nome di questo ente.")),
        None => {
            orgs::add_alias(db, &caller.actor, organisation_id, &alias).await?;
            Ok(())
        }
    }
}

pub async fn remove_alias(
    db: &Db,
    caller: &Caller,
    organisation_id: i64,
    alias_id: i64,
) -> Result<(), Error> {
    office(caller)?;
    open::<Organisations>(db, caller, organisation_id).await?;
    orgs::remove_alias(db, &caller.actor, organisation_id, alias_id).await?;
    Ok(())
}

/// A body's own contacts: e-mail, telephone, address.
pub struct Contacts {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// A body that the caller acts for (a Third Sector body's representative).
pub async fn open_own(db: &Db, caller: &Caller, id: i64) -> Result<Organisation, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ManageOrganisation {
        zone_id,
        organisation_id: id,
    })?;
    let o = orgs::get_organisation(db, id)
        .await?
        .ok_or(Error::NotFound)?;
    caller.same_zone(o.zone_id)?;
    Ok(o)
}

/// Saves a body's own contacts from the version its representative saw;
/// the name, tax code and registry data stay the office's to change.
pub async fn save_own_contacts(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    contacts: Input<Contacts>,
) -> Result<(), Error> {
    let o = open_own(db, caller, id).await?;
    let Contacts {
        email,
        phone,
        address,
    } = contacts?;
    let input = OrganisationInput {
        zone_id: o.zone_id,
        kind: o.kind,
        name: o.name,
        tax_code: o.tax_code,
        email,
        phone,
        address,
        legal_form: o.legal_form,
        runts_number: o.runts_number,
        runts_section: o.runts_section,
    };
    orgs::update_organisation(db, &caller.actor, id, version, &input).await?;
    Ok(())
}

pub struct Units;

impl Administered for Units {
    type Record = Unit;
    type Input = UnitInput;
    const KIND: Deactivatable = Deactivatable::Unit;
    const ENTITY: &'static str = entity::UNIT;
    const DUPLICATES: &'static [(&'static str, &'static str)] =
        &[("name", "Questo ente ha già un'unità con questo nome.")];

    stored_by!(orgs::get_unit, orgs::create_unit, orgs::update_unit);
    /// A unit belongs to an organisation of the zone.
    async fn check(
        db: &Db,
        zone_id: i64,
        _: Option<&Self::Record>,
        input: &UnitInput,
    ) -> Result<(), Error> {
        let ok = orgs::get_organisation(db, input.organisation_id)
            .await?
            .is_some_and(|o| o.zone_id == zone_id);
        if ok {
            Ok(())
        } else {
            let mut errors = zona_core::FieldErrors::new();
            errors.add("organisation_id", "Ente non valido: scegliere dall'elenco.");
            Err(Error::Invalid(errors))
        }
    }
    fn zone_of(u: &Unit) -> Option<i64> {
        Some(u.zone_id)
    }
    fn active(u: &Unit) -> bool {
        u.active
    }
    fn label(u: &Unit) -> String {
        format!("l'unità «{}»", u.name)
    }
}
