//! Demo co-design registry: every row of the table of the POA 2024 chapter
//! (seed 000), loaded through the same import as a user's file, then linked to
//! the POA 2024 activities that carry the same projects.

use anyhow::{bail, Result};
use zona_store::codesign as store;
use zona_store::sheets::{self, SheetQuery};
use zona_store::{Actor, Db, Page};

pub const TABLE_CSV: &str = include_str!("../../../examples/codesign/zona-livornese-poa-2024.csv");

/// Agreement subject (start) → POA 2024 activity title (start).
const LINKS: [(&str, &str); 3] = [
    ("PRONTO BADANTE", "Pronto Badante"),
    ("AMIBUS 4", "Progetto AMIBUS 4"),
    ("Sub-investimento 1.3.1", "PNRR M5C2 1.3.1"),
];

pub async fn load(db: &Db, actor: &Actor, zone_id: i64) -> Result<()> {
    let imported = match crate::codesign::parse_import(
        db,
        zone_id,
        TABLE_CSV.as_bytes(),
        false,
        true,
    )
    .await?
    {
        Ok(i) => i,
        Err(errors) => bail!("demo co-design table: {}", errors.join("; ")),
    };
    let mut inputs = imported.inputs;
    if let Some(plan) = zona_store::planning::annual_plan_id(db, zone_id, 2024).await? {
        let (sheets, _) =
            sheets::list_sheets(db, plan, &SheetQuery::default(), Page::all()).await?;
        for (subject, title) in LINKS {
            let sheet = sheets.iter().find(|s| s.title.starts_with(title));
            let input = inputs.iter_mut().find(|i| i.subject.starts_with(subject));
            if let (Some(s), Some(i)) = (sheet, input) {
                i.activity_ids.push(s.id);
            }
        }
    }
    store::create_agreements(db, actor, &inputs).await?;
    Ok(())
}
