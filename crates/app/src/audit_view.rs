//! The names an audit entry's ids stand for, read from the zone's records
//! (`zona_core::audit` shows the entry with them).

use zona_core::audit::Names;
use zona_store::territory::ListQuery;
use zona_store::{organisations, territory, Db, Page};

/// The zone's municipalities, units and bodies by id.
pub async fn names_of_zone(db: &Db, zone_id: i64) -> zona_store::Result<Names> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        ..Default::default()
    };
    let municipalities = territory::zone_municipalities(db, zone_id)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let units = organisations::list_units(db, &q, Page::all())
        .await?
        .0
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let organisations = organisations::list_organisations(db, &q, Page::all())
        .await?
        .0
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(Names {
        municipalities,
        units,
        organisations,
    })
}
