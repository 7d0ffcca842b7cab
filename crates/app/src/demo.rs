//! The demo zone: Zona Distretto Livornese, from the source documents
//! (docs/demo-data.md says where each record comes from). Its data is the
//! zone bundle `examples/zona-livornese/`, embedded in the binary so that the
//! demo starts anywhere, and loaded through the bundle loader like any
//! zone's data.

use anyhow::{bail, Result};
use rust_embed::RustEmbed;
use zona_store::users::{self, UserQuery};
use zona_store::{Actor, Db, Page};

/// The password of every demo account, printed when the demo starts.
pub const DEMO_PASSWORD: &str = "demo-livornese-2026";

#[derive(RustEmbed)]
#[folder = "../../examples/zona-livornese/"]
struct Livornese;

/// The territory of Tuscany, for `zona demo --region` (docs/region.md).
#[derive(RustEmbed)]
#[folder = "../../examples/regione-toscana/"]
struct Toscana;

/// The demo zone's code.
pub const ZONE: &str = "ZD-LIV";

/// The health profile's indicators of the demo (definitions, then values),
/// shared by every zone: docs/demo-data.md.
#[derive(RustEmbed)]
#[folder = "../../examples/profilo-indicatori/"]
struct Indicators;

/// The demo bundle's files, by name.
pub fn files() -> Vec<(String, Vec<u8>)> {
    embedded::<Livornese>()
}

/// The files of an embedded folder, by name.
fn embedded<E: RustEmbed>() -> Vec<(String, Vec<u8>)> {
    E::iter()
        .filter_map(|name| {
            let file = E::get(&name)?;
            Some((name.to_string(), file.data.into_owned()))
        })
        .collect()
}

/// Loads the zones of Tuscany with their municipalities and population: the
/// regional bundle `examples/regione-toscana/`. Returns how many zones.
pub async fn load_region(db: &Db) -> Result<usize> {
    let files = embedded::<Toscana>();
    let refused = |problems: Vec<zona_store::bundle::Problem>| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the region's bundle is refused:\n{}", lines.join("\n"))
    };
    let region = crate::region::from_csv_files(&files).map_err(refused)?;
    crate::region::load(db, &region, false)
        .await?
        .map_err(refused)?;
    Ok(region.zones.len())
}

/// The regional demo account: a reader of every zone of the region, held in
/// the demo zone (the zone it opens first), with the demo password.
pub const REGIONAL_ACCOUNT: &str = "regione.toscana";

/// Adds the regional demo account, for `zona demo --region`. Returns its
/// name and role, to print them.
pub async fn add_regional_account(db: &Db) -> Result<(String, String)> {
    let zone = match zona_store::territory::get_zone_by_code(db, ZONE).await? {
        Some(z) => z.id,
        None => bail!("the demo zone is missing"),
    };
    let demo = Actor::system("demo");
    let hash = crate::passwords::hash(DEMO_PASSWORD.to_string()).await?;
    let user = users::create_user(
        db,
        &demo,
        &users::UserInput {
            username: REGIONAL_ACCOUNT.into(),
            full_name: "Lucia Orsini".into(),
            email: None,
            zone_id: zone,
            organisation_id: None,
        },
        &hash,
        false,
    )
    .await?;
    let role = zona_core::authz::Role::Region;
    users::add_role(
        db,
        &demo,
        user,
        &zona_core::authz::Grant {
            role,
            zone_id: zone,
            unit_id: None,
            organisation_id: None,
        },
    )
    .await?;
    Ok((REGIONAL_ACCOUNT.into(), role.label().into()))
}

/// Loads the demo zone into an empty database and gives every account the
/// demo password. Returns the accounts with their roles, to print them.
pub async fn load(db: &Db) -> Result<Vec<(String, String)>> {
    let refused = |problems: Vec<zona_store::bundle::Problem>| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the demo bundle is refused:\n{}", lines.join("\n"))
    };
    let demo = Actor::system("demo");
    // The indicators first: the bundle's profile rests on them
    // (profilo_voci_indicatori.csv), as a zone's rests on the region's.
    for name in ["definizioni.csv", "valori.csv"] {
        let file = Indicators::get(name).ok_or_else(|| anyhow::anyhow!("{name} missing"))?;
        crate::usecase::profile::import(db, &demo, &file.data, false)
            .await
            .map_err(|e| anyhow::anyhow!("the demo's {name} is refused: {e:?}"))?;
    }
    let bundle = crate::bundle::from_csv_files(&files()).map_err(refused)?;
    crate::bundle::load(db, &bundle, false)
        .await?
        .map_err(refused)?;
    let zone = match zona_store::territory::get_zone_by_code(db, &bundle.manifest.zone).await? {
        Some(z) => z.id,
        None => bail!("the demo zone is missing after loading it"),
    };
    let hash = crate::passwords::hash(DEMO_PASSWORD.to_string()).await?;
    let query = UserQuery {
        zone_id: Some(zone),
        ..UserQuery::default()
    };
    let (accounts, _) = users::list_users(db, &query, Page::all()).await?;
    let mut printed = Vec::new();
    for user in accounts {
        users::set_password(db, &demo, user.id, &hash, false, None).await?;
        let roles = users::roles(db, user.id).await?;
        let role = roles
            .first()
            .map(|r| r.role.label().to_string())
            .unwrap_or_default();
        printed.push((user.username, role));
    }
    Ok(printed)
}
