//! A region's territory as files (docs/region.md): its zones, their
//! municipalities and the population by year, in one folder whose files are a
//! zone bundle's with a `zona` column in `comuni.csv`. Loading splits it into
//! one bundle per zone and loads each through the zone bundle's loader, so
//! that every rule of those files holds here too.

use crate::bundle;
use anyhow::Result;
use std::collections::HashMap;
use std::path::Path;
use zona_store::bundle::{self as store, BundleError, FileIn, Problem, Report};
use zona_store::{Actor, Db};

/// The files a regional bundle holds, in the order they are read.
pub const FILES: [&str; 4] = ["regioni", "zone", "comuni", "popolazioni"];

/// A regional bundle read from disk and split by zone, not yet checked
/// against the database.
#[derive(Debug)]
pub struct RegionBundle {
    /// The region's code, from the manifest.
    pub region: String,
    /// Each zone's code with its own bundle's files, in `zone.csv`'s order.
    pub zones: Vec<(String, Vec<FileIn>)>,
}

impl RegionBundle {
    pub fn municipalities(&self) -> usize {
        self.zones
            .iter()
            .flat_map(|(_, files)| files.iter().filter(|f| f.file == "comuni"))
            .map(|f| f.rows.len())
            .sum()
    }
}

fn problem(file: &str, line: Option<usize>, column: Option<&str>, message: String) -> Problem {
    Problem {
        file: format!("{file}.csv"),
        line,
        column: column.map(str::to_string),
        message,
    }
}

/// Reads a regional bundle: a folder with `manifest.csv` (`regione;<code>`)
/// and the four files, or the same as an XLSX workbook.
pub async fn read(path: &Path) -> Result<Result<RegionBundle, Vec<Problem>>> {
    Ok(bundle::read_files(path).await?.and_then(split))
}

/// A regional bundle from its CSV files, by file name.
pub fn from_csv_files(csv: &[(String, Vec<u8>)]) -> Result<RegionBundle, Vec<Problem>> {
    bundle::csv_files(csv).and_then(split)
}

fn column(file: &FileIn, header: &str) -> Option<usize> {
    file.headers.iter().position(|h| h.trim() == header)
}

/// Splits the region's files into one bundle per zone: every zone gets the
/// region's row, its own row of `zone.csv`, its municipalities (without the
/// `zona` column) and their population.
fn split(mut files: Vec<FileIn>) -> Result<RegionBundle, Vec<Problem>> {
    let manifest = bundle::take_manifest(&mut files, "regione")?;
    let (_, region) = bundle::manifest_naming(&manifest, "regione")?;
    let mut problems = Vec::new();
    for f in &files {
        if !FILES.contains(&f.file.as_str()) {
            problems.push(problem(
                &f.file,
                None,
                None,
                format!(
                    "un pacchetto regionale contiene solo {}",
                    FILES.map(|f| format!("{f}.csv")).join(", ")
                ),
            ));
        }
    }
    let take = |name: &str, problems: &mut Vec<Problem>| {
        let f = files.iter().find(|f| f.file == name).cloned();
        if f.is_none() {
            problems.push(problem(name, None, None, "il file manca".into()));
        }
        f
    };
    let (regions, zones, municipalities, populations) = (
        take("regioni", &mut problems),
        take("zone", &mut problems),
        take("comuni", &mut problems),
        take("popolazioni", &mut problems),
    );
    let (Some(regions), Some(zones), Some(municipalities), Some(populations)) =
        (regions, zones, municipalities, populations)
    else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }

    // Codes compare without regard to case, as keys do in every bundle.
    let key = |s: &str| s.trim().to_uppercase();
    let Some(zone_code) = column(&zones, "codice") else {
        return Err(vec![problem(
            "zone",
            Some(1),
            None,
            "manca la colonna «codice»".into(),
        )]);
    };
    let zone_region = column(&zones, "regione");
    let mut order: Vec<(String, usize)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (line, row) in &zones.rows {
        let code = row[zone_code].trim().to_string();
        if let Some(r) = zone_region.map(|c| &row[c]) {
            if key(r) != key(&region) {
                problems.push(problem(
                    "zone",
                    Some(*line),
                    Some("regione"),
                    format!("la zona deve essere della regione del manifest, {region}"),
                ));
            }
        }
        if index.insert(key(&code), order.len()).is_some() {
            problems.push(problem(
                "zone",
                Some(*line),
                Some("codice"),
                format!("la zona «{code}» è già in un'altra riga"),
            ));
        }
        order.push((code, *line));
    }

    let Some(zone_of) = column(&municipalities, "zona") else {
        problems.push(problem(
            "comuni",
            Some(1),
            None,
            "manca la colonna «zona»: il codice della zona di ogni comune".into(),
        ));
        return Err(problems);
    };
    let istat = column(&municipalities, "codice_istat");
    let mut their_rows: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); order.len()];
    // Each municipality's zone; `None` for one whose zone is refused, so
    // that its population rows add no problem of their own.
    let mut municipality_zone: HashMap<String, Option<usize>> = HashMap::new();
    for (line, row) in &municipalities.rows {
        let code = row[zone_of].trim();
        let zone = index.get(&key(code)).copied();
        if let Some(c) = istat {
            if municipality_zone.insert(key(&row[c]), zone).is_some() {
                problems.push(problem(
                    "comuni",
                    Some(*line),
                    Some("codice_istat"),
                    format!("il comune «{}» è già in un'altra riga", row[c].trim()),
                ));
            }
        }
        let Some(z) = zone else {
            problems.push(problem(
                "comuni",
                Some(*line),
                Some("zona"),
                if code.is_empty() {
                    "indicare la zona del comune".into()
                } else {
                    format!("nessuna zona di zone.csv ha il codice «{code}»")
                },
            ));
            continue;
        };
        let mut cells = row.clone();
        cells.remove(zone_of);
        their_rows[z].push((*line, cells));
    }
    let mut comuni_headers = municipalities.headers.clone();
    comuni_headers.remove(zone_of);

    let mut their_populations: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); order.len()];
    if let Some(of) = column(&populations, "comune") {
        for (line, row) in &populations.rows {
            match municipality_zone.get(&key(&row[of])) {
                Some(Some(z)) => their_populations[*z].push((*line, row.clone())),
                Some(None) => {}
                None => problems.push(problem(
                    "popolazioni",
                    Some(*line),
                    Some("comune"),
                    format!(
                        "nessun comune di comuni.csv ha il codice «{}»",
                        row[of].trim()
                    ),
                )),
            }
        }
    }
    for (z, (code, line)) in order.iter().enumerate() {
        if their_rows[z].is_empty() {
            problems.push(problem(
                "zone",
                Some(*line),
                None,
                format!("la zona «{code}» non ha comuni in comuni.csv"),
            ));
        }
    }
    if !problems.is_empty() {
        problems.truncate(store::MAX_PROBLEMS);
        return Err(problems);
    }

    let zones_out = order
        .iter()
        .enumerate()
        .map(|(z, (code, line))| {
            let row = zones
                .rows
                .iter()
                .find(|(l, _)| l == line)
                .cloned()
                .into_iter()
                .collect();
            let files = vec![
                regions.clone(),
                FileIn {
                    file: "zone".into(),
                    headers: zones.headers.clone(),
                    rows: row,
                },
                FileIn {
                    file: "comuni".into(),
                    headers: comuni_headers.clone(),
                    rows: std::mem::take(&mut their_rows[z]),
                },
                FileIn {
                    file: "popolazioni".into(),
                    headers: populations.headers.clone(),
                    rows: std::mem::take(&mut their_populations[z]),
                },
            ];
            (code.clone(), files)
        })
        .collect();
    Ok(RegionBundle {
        region,
        zones: zones_out,
    })
}

/// What loading a regional bundle did (or would do), zone by zone.
#[derive(Debug, Default)]
pub struct RegionReport {
    pub zones: Vec<(String, Report)>,
}

impl RegionReport {
    pub fn changes(&self) -> usize {
        self.zones.iter().map(|(_, r)| r.changes()).sum()
    }
}

/// The municipalities the bundle puts in another zone than the stored one.
/// A move is refused: the municipality's records (its population, the
/// sheets that serve it, its SOC26 forms) belong to the old zone's plans,
/// and a bundle cannot say what becomes of them.
async fn moved(db: &Db, region: &RegionBundle) -> Result<Vec<Problem>> {
    let (stored, _) = zona_store::territory::list_municipalities(
        db,
        &Default::default(),
        zona_store::Page::all(),
    )
    .await?;
    let stored: HashMap<&str, &str> = stored
        .iter()
        .map(|m| (m.istat_code.as_str(), m.zone_code.as_str()))
        .collect();
    let mut problems = Vec::new();
    for (zone, files) in &region.zones {
        for f in files.iter().filter(|f| f.file == "comuni") {
            let Some(istat) = column(f, "codice_istat") else {
                continue;
            };
            for (line, row) in &f.rows {
                match stored.get(row[istat].trim()) {
                    Some(was) if !was.eq_ignore_ascii_case(zone) => problems.push(problem(
                        "comuni",
                        Some(*line),
                        Some("zona"),
                        format!(
                            "il comune «{}» è registrato nella zona «{was}»: un comune non si sposta tra zone con un pacchetto",
                            row[istat].trim()
                        ),
                    )),
                    _ => {}
                }
            }
        }
    }
    problems.truncate(store::MAX_PROBLEMS);
    Ok(problems)
}

/// Loads (or with `check_only` checks) a regional bundle. Every zone is
/// checked first, and nothing is written unless all of them pass; each
/// zone is then written in its own transaction, in `zone.csv`'s order.
pub async fn load(
    db: &Db,
    region: &RegionBundle,
    check_only: bool,
) -> Result<Result<RegionReport, Vec<Problem>>> {
    let actor = Actor::system("bundle");
    let mut problems = moved(db, region).await?;
    let mut report = RegionReport::default();
    for (code, files) in &region.zones {
        if !problems.is_empty() {
            break;
        }
        match store::load(db, &actor, code, files, true).await {
            Ok(r) => report.zones.push((code.clone(), r)),
            Err(BundleError::Problems(p)) => problems.extend(p),
            Err(BundleError::Store(e)) => return Err(e.into()),
        }
        if problems.len() >= store::MAX_PROBLEMS {
            break;
        }
    }
    if !problems.is_empty() {
        problems.truncate(store::MAX_PROBLEMS);
        return Ok(Err(problems));
    }
    if check_only {
        return Ok(Ok(report));
    }
    let mut done = RegionReport::default();
    for (code, files) in &region.zones {
        match store::load(db, &actor, code, files, false).await {
            Ok(r) => done.zones.push((code.clone(), r)),
            Err(BundleError::Problems(p)) => return Ok(Err(p)),
            Err(BundleError::Store(e)) => return Err(e.into()),
        }
    }
    Ok(Ok(done))
}
