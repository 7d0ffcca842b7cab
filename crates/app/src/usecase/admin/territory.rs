//! The territory frame: regions, zones, municipalities and their resident
//! population by year.

use super::{office, own_zone, read, Administered};
use crate::usecase::{Caller, Error, Input};
use zona_core::authz::Action;
use zona_store::audit::entity;
use zona_store::territory::{
    self, Deactivatable, Municipality, MunicipalityInput, Population, Region, RegionInput, Zone,
    ZoneInput,
};
use zona_store::{Actor, Db, StoreError};

pub struct Regions;

impl Administered for Regions {
    type Record = Region;
    type Input = RegionInput;
    const KIND: Deactivatable = Deactivatable::Region;
    const ENTITY: &'static str = entity::REGION;
    const DUPLICATES: &'static [(&'static str, &'static str)] = &[
        ("code", "Esiste già una regione con questo codice."),
        ("name", "Esiste già una regione con questo nome."),
    ];

    stored_by!(
        territory::get_region,
        territory::create_region,
        territory::update_region
    );
    fn zone_of(_: &Region) -> Option<i64> {
        None
    }
    /// A region's record is the region's own to edit.
    fn edit_action(_: Option<i64>, r: &Region) -> Action {
        Action::EditRegionalFrame { region_id: r.id }
    }
    fn create_action(_: i64, region_id: i64) -> Action {
        Action::EditRegionalFrame { region_id }
    }
    fn active(r: &Region) -> bool {
        r.active
    }
    fn label(r: &Region) -> String {
        format!("la regione «{}»", r.name)
    }
}

pub struct Zones;

impl Administered for Zones {
    type Record = Zone;
    type Input = ZoneInput;
    const KIND: Deactivatable = Deactivatable::Zone;
    const ENTITY: &'static str = entity::ZONE;
    const DUPLICATES: &'static [(&'static str, &'static str)] = &[
        ("code", "Esiste già una zona con questo codice."),
        ("name", "Esiste già una zona con questo nome."),
    ];

    stored_by!(
        territory::get_zone,
        territory::create_zone,
        territory::update_zone
    );
    fn zone_of(z: &Zone) -> Option<i64> {
        Some(z.id)
    }
    /// The seat is a municipality of the zone itself: a new zone has none
    /// yet.
    async fn check(db: &Db, _: i64, zone: Option<&Zone>, input: &ZoneInput) -> Result<(), Error> {
        let Some(seat) = input.seat_municipality_id else {
            return Ok(());
        };
        let ok = match zone {
            None => false,
            Some(z) => territory::get_municipality(db, seat)
                .await?
                .is_some_and(|m| m.zone_id == z.id),
        };
        if ok {
            Ok(())
        } else {
            let mut errors = zona_core::FieldErrors::new();
            errors.add(
                "seat_municipality_id",
                "Scegli la sede tra i comuni della zona.",
            );
            Err(Error::Invalid(errors))
        }
    }
    /// Each office edits its own zone only.
    fn edit_action(_: Option<i64>, z: &Zone) -> Action {
        Action::Administer { zone_id: z.id }
    }
    fn active(z: &Zone) -> bool {
        z.active
    }
    fn label(z: &Zone) -> String {
        format!("la zona «{}»", z.name)
    }
}

pub struct Municipalities;

impl Administered for Municipalities {
    type Record = Municipality;
    type Input = MunicipalityInput;
    const KIND: Deactivatable = Deactivatable::Municipality;
    const ENTITY: &'static str = entity::MUNICIPALITY;
    const DUPLICATES: &'static [(&'static str, &'static str)] = &[
        (
            "istat_code",
            "Esiste già un comune con questo codice ISTAT.",
        ),
        ("name", "Esiste già un comune con questo nome nella zona."),
    ];

    stored_by!(
        territory::get_municipality,
        territory::create_municipality,
        territory::update_municipality
    );
    async fn check(
        _: &Db,
        zone_id: i64,
        _: Option<&Self::Record>,
        input: &MunicipalityInput,
    ) -> Result<(), Error> {
        own_zone(input.zone_id, zone_id)
    }
    fn zone_of(m: &Municipality) -> Option<i64> {
        Some(m.zone_id)
    }
    fn active(m: &Municipality) -> bool {
        m.active
    }
    fn label(m: &Municipality) -> String {
        format!("il comune «{}»", m.name)
    }
}

/// Records (or corrects) a municipality's resident population at 31
/// December of a year.
pub async fn set_population(
    db: &Db,
    caller: &Caller,
    municipality_id: i64,
    input: Input<Population>,
) -> Result<(), Error> {
    office(caller)?;
    read::<Municipalities>(db, caller, municipality_id).await?;
    let p = input?;
    territory::set_population(db, &caller.actor, municipality_id, &p).await?;
    Ok(())
}
