//! Synthetic plans at regional scale, for load tests: `zona bench-data`
//! fills every active zone that has no annual plan yet with ten years of
//! plans (PIS, health objectives, POA, programmes, activity sheets, their
//! target areas and funding lines), the SOC26 forms of its municipalities
//! and its permanent social workers (docs/operations.md).
//!
//! Everything goes in through the zone bundle loader, as an office's files
//! would, so the data passes the same checks as real data. Everything is
//! marked synthetic: titles and descriptions say so, and the forms' notes
//! (R16) too. Zones that already have plans, the demo's among them, are
//! left as they are. The figures are drawn from a fixed seed: two runs on
//! the same territory make the same data.

use anyhow::{bail, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use serde_json::Value;
use zona_core::planning::Vocabulary;
use zona_core::soc26::Soc26Spec;
use zona_core::Cents;
use zona_store::bundle::{BundleError, FileIn, Table};
use zona_store::territory::{self, ListQuery, Municipality, Zone};
use zona_store::{planning, vocabularies, Actor, Db, Page};

/// The SOC26 form every synthetic form is scaled from: a municipality of
/// 16.383 inhabitants, its counts and amounts scaled to each municipality's
/// population.
const FORM_MODEL: &str = include_str!("../../../examples/bench-data/soc26-modello.json");
const MODEL_POPULATION: i64 = 16383;

/// The mark every synthetic text carries.
pub const MARK: &str = "dati sintetici per le prove di carico";

/// How much to make.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// The first of the ten years.
    pub first_year: i64,
    pub years: i64,
    /// The activity sheets of a POA: from `sheets.0` to `sheets.1`.
    pub sheets: (usize, usize),
    /// The funding lines of a sheet, drawn from these counts.
    pub lines: &'static [usize],
}

impl Scale {
    /// The region's size: 27 zones × 10 years × about 133 sheets ≈ 36.000
    /// sheets, × about 2,8 lines ≈ 100.000 funding lines.
    pub const REGION: Scale = Scale {
        first_year: 2016,
        years: 10,
        sheets: (100, 166),
        lines: &[1, 2, 3, 3, 3, 4, 4],
    };
}

/// What was made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Made {
    pub zones: usize,
    pub plans: usize,
    pub sheets: usize,
    pub funding_lines: usize,
    pub forms: usize,
}

/// A bundle file being built: every column of its table, the cells a row
/// does not name left empty.
struct File {
    name: &'static str,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl File {
    fn new(name: &'static str) -> File {
        let headers = Table::named(name)
            .map(|t| t.fields.iter().map(|f| f.header).collect())
            .unwrap_or_default();
        File {
            name,
            headers,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, cells: &[(&str, String)]) {
        let mut row = vec![String::new(); self.headers.len()];
        for (header, value) in cells {
            // A column the format does not have is a mistake here, and the
            // loader's check would name it; the cell is dropped.
            if let Some(i) = self.headers.iter().position(|h| h == header) {
                row[i] = value.clone();
            }
        }
        self.rows.push(row);
    }

    fn into_file(self) -> FileIn {
        FileIn {
            file: self.name.to_string(),
            headers: self.headers.iter().map(|h| h.to_string()).collect(),
            // Line numbers as a CSV would have them, after the header.
            rows: self
                .rows
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i + 2, r))
                .collect(),
        }
    }
}

/// The active codes of a vocabulary.
async fn codes(db: &Db, vocabulary: Vocabulary) -> Result<Vec<String>> {
    let codes: Vec<String> = vocabularies::terms(db, vocabulary)
        .await?
        .into_iter()
        .filter(|t| t.active)
        .map(|t| t.code)
        .collect();
    if codes.is_empty() {
        bail!(
            "the vocabulary {} has no active term: load the region's vocabularies first",
            vocabulary.code()
        );
    }
    Ok(codes)
}

/// Fills every active zone without plans. `progress` hears of each zone
/// as it is loaded: (zones done, zones to do, zone code).
pub async fn fill(db: &Db, scale: Scale, progress: impl Fn(usize, usize, &str)) -> Result<Made> {
    let sectors = codes(db, Vocabulary::Sector).await?;
    let areas = codes(db, Vocabulary::TargetArea).await?;
    let sources = codes(db, Vocabulary::FundingSource).await?;
    let active = ListQuery {
        active: Some(true),
        ..Default::default()
    };
    let (zones, _) = territory::list_zones(db, &active, Page::all()).await?;
    let spec = zona_store::soc26::forms(db).await?.latest().clone();
    // Only zones with nothing of what is made: no plan, no SOC26 form, no
    // permanent staff. A zone's real data is never overwritten.
    let mut empty = Vec::new();
    for z in zones {
        let within = territory::Within::Zone(z.id);
        let untouched = planning::annual_plans(db, z.id).await?.is_empty()
            && zona_store::soc26::latest_year(db, within).await?.is_none()
            && zona_store::soc26::staff_within(db, within, i64::from(spec.year))
                .await?
                .is_empty();
        if untouched {
            empty.push(z);
        }
    }
    let (municipalities, _) = territory::list_municipalities(db, &active, Page::all()).await?;
    let actor = Actor::system("bench-data");
    let mut made = Made::default();
    for (i, zone) in empty.iter().enumerate() {
        progress(i, empty.len(), &zone.code);
        // Each zone its own seed, so that a zone's data does not depend on
        // which other zones were filled.
        let mut rng = StdRng::seed_from_u64(zone.id as u64 ^ 0x5a6f_6e61);
        let theirs: Vec<&Municipality> = municipalities
            .iter()
            .filter(|m| m.zone_id == zone.id)
            .collect();
        let vocab = Vocabularies {
            sectors: &sectors,
            areas: &areas,
            sources: &sources,
        };
        let files = zone_files(&mut rng, scale, zone, &theirs, &vocab, &spec, &mut made);
        let loaded = zona_store::bundle::load(db, &actor, &zone.code, &files, false).await;
        match loaded {
            Ok(_) => made.zones += 1,
            Err(BundleError::Problems(p)) => {
                let lines: Vec<String> = p.iter().take(10).map(ToString::to_string).collect();
                bail!(
                    "the synthetic data of {} was refused:\n{}",
                    zone.code,
                    lines.join("\n")
                );
            }
            Err(BundleError::Store(e)) => return Err(e.into()),
        }
    }
    progress(empty.len(), empty.len(), "");
    if made.zones > 0 {
        db.analyze().await?;
    }
    Ok(made)
}

struct Vocabularies<'a> {
    sectors: &'a [String],
    areas: &'a [String],
    sources: &'a [String],
}

fn pick<'a>(rng: &mut StdRng, from: &'a [String]) -> &'a String {
    &from[rng.random_range(0..from.len())]
}

fn amount(rng: &mut StdRng) -> String {
    // From 5.000,00 to 250.000,00 €, to the cent.
    Cents(rng.random_range(500_000..25_000_000))
        .format_plain()
        .replace('.', "")
}

/// A zone's synthetic bundle.
fn zone_files(
    rng: &mut StdRng,
    scale: Scale,
    zone: &Zone,
    municipalities: &[&Municipality],
    vocab: &Vocabularies,
    spec: &Soc26Spec,
    made: &mut Made,
) -> Vec<FileIn> {
    // The zone and its region as stored: the bundle names its zone, and
    // loading it changes neither.
    let mut region = File::new("regioni");
    region.push(&[
        ("codice", zone.region_code.clone()),
        ("nome", zone.region_name.clone()),
        ("attivo", "Sì".into()),
    ]);
    let yes_no = |b: bool| if b { "Sì" } else { "No" }.to_string();
    let mut zone_file = File::new("zone");
    zone_file.push(&[
        ("codice", zone.code.clone()),
        ("nome", zone.name.clone()),
        ("regione", zone.region_code.clone()),
        (
            "ente_capofila",
            zone.lead_organisation.clone().unwrap_or_default(),
        ),
        (
            "comune_sede",
            municipalities
                .iter()
                .find(|m| Some(m.id) == zone.seat_municipality_id)
                .map(|m| m.istat_code.clone())
                .unwrap_or_default(),
        ),
        (
            "consultori_aree_interne",
            yes_no(zone.family_clinics_inner_rate),
        ),
        (
            "codice_asl",
            zone.health_authority_code.clone().unwrap_or_default(),
        ),
        ("attivo", yes_no(zone.active)),
    ]);
    let mut pis = File::new("pis");
    let mut objectives = File::new("obiettivi_salute");
    let mut plans = File::new("poa");
    let mut programmes = File::new("programmi");
    let mut sheets = File::new("schede");
    let mut sheet_areas = File::new("schede_aree");
    let mut lines = File::new("finanziamenti");
    let last_year = scale.first_year + scale.years - 1;
    // Triennial PIS covering the years.
    let mut start = scale.first_year;
    while start <= last_year {
        pis.push(&[
            ("anno_inizio", start.to_string()),
            ("anno_fine", (start + 2).to_string()),
            ("titolo", format!("PIS {start}–{} ({MARK})", start + 2)),
            (
                "stato",
                if start + 2 < last_year {
                    "closed"
                } else {
                    "in_force"
                }
                .into(),
            ),
        ]);
        for o in 1..=5 {
            objectives.push(&[
                ("pis", start.to_string()),
                ("posizione", o.to_string()),
                ("titolo", format!("Obiettivo di salute sintetico {o}")),
            ]);
        }
        start += 3;
    }
    for year in scale.first_year..=last_year {
        let pis_start = scale.first_year + (year - scale.first_year) / 3 * 3;
        plans.push(&[
            ("anno", year.to_string()),
            ("pis", pis_start.to_string()),
            ("stato", "approved".into()),
            ("approvata_il", format!("{year}-03-31T10:00:00Z")),
        ]);
        made.plans += 1;
        for p in 1..=8 {
            programmes.push(&[
                ("anno", year.to_string()),
                ("posizione", p.to_string()),
                ("titolo", format!("Programma sintetico {p}")),
                ("pis", pis_start.to_string()),
                (
                    "obiettivo",
                    format!("Obiettivo di salute sintetico {}", (p - 1) % 5 + 1),
                ),
            ]);
        }
        let count = rng.random_range(scale.sheets.0..=scale.sheets.1);
        for s in 1..=count {
            let code = format!("S{s:04}");
            sheets.push(&[
                ("anno", year.to_string()),
                ("codice", code.clone()),
                (
                    "programma",
                    format!("Programma sintetico {}", rng.random_range(1..=8)),
                ),
                ("titolo", format!("Attività sintetica {s}")),
                (
                    "descrizione",
                    format!("Scheda generata da zona bench-data: {MARK}, non è una programmazione reale."),
                ),
                ("segnaposto", "No".into()),
                ("settore", pick(rng, vocab.sectors).clone()),
                ("inizio", format!("01/01/{year}")),
                ("fine", format!("31/12/{year}")),
                ("stato", "accepted".into()),
            ]);
            made.sheets += 1;
            let first = rng.random_range(0..vocab.areas.len());
            let n_areas = rng.random_range(1..=2).min(vocab.areas.len());
            for a in 0..n_areas {
                sheet_areas.push(&[
                    ("anno", year.to_string()),
                    ("scheda", code.clone()),
                    ("area", vocab.areas[(first + a) % vocab.areas.len()].clone()),
                ]);
            }
            let n_lines = scale.lines[rng.random_range(0..scale.lines.len())];
            for l in 1..=n_lines {
                lines.push(&[
                    ("anno", year.to_string()),
                    ("scheda", code.clone()),
                    ("posizione", l.to_string()),
                    ("fonte", pick(rng, vocab.sources).clone()),
                    ("anno_risorse", year.to_string()),
                    ("importo", amount(rng)),
                ]);
                made.funding_lines += 1;
            }
        }
    }
    let mut forms = File::new("soc26");
    let mut staff = File::new("assistenti_sociali");
    let mut zone_population = 0i64;
    for m in municipalities {
        let population = m.population.unwrap_or(5000).max(1);
        zone_population += population;
        let (json, complete) = form(spec, zone, m, population);
        forms.push(&[
            ("comune", m.istat_code.clone()),
            ("anno", spec.year.to_string()),
            ("dati", json),
            ("completa", yes_no(complete)),
        ]);
        made.forms += 1;
    }
    // The ATS's permanent social workers: about one every 5.500 inhabitants.
    let fte = Decimal::new(zone_population * 100 / 5500, 2);
    staff.push(&[
        ("anno", spec.year.to_string()),
        (
            "equivalenti_tempo_pieno",
            zona_core::format::decimal(fte).replace('.', ""),
        ),
    ]);
    [
        region,
        zone_file,
        pis,
        objectives,
        plans,
        programmes,
        sheets,
        sheet_areas,
        lines,
        forms,
        staff,
    ]
    .into_iter()
    .map(File::into_file)
    .collect()
}

/// A municipality's synthetic SOC26 form: the model scaled to its
/// population, and whether the year's rules find it complete.
fn form(spec: &Soc26Spec, zone: &Zone, m: &Municipality, population: i64) -> (String, bool) {
    let mut data: Value = serde_json::from_str(FORM_MODEL).unwrap_or(Value::Null);
    let factor = Decimal::from(population) / Decimal::from(MODEL_POPULATION);
    let scale_int = |v: &Value| -> Value {
        v.as_i64()
            .map(|n| {
                let scaled = (Decimal::from(n) * factor).round();
                Value::from(i64::try_from(scaled).unwrap_or(0).max(0))
            })
            .unwrap_or_else(|| v.clone())
    };
    let scale_amount = |v: &Value| -> Value {
        v.as_str()
            .and_then(|s| zona_core::number::read_amount(s).ok())
            .map(|d| {
                let c = Cents::from_decimal(d * factor).unwrap_or(Cents::ZERO);
                Value::from(c.format_plain().replace('.', ""))
            })
            .unwrap_or_else(|| v.clone())
    };
    data["name"] = Value::from(m.name.to_uppercase());
    data["year"] = Value::from(spec.year);
    for section in ["current_year", "reference_year", "hours"] {
        if let Some(Value::Object(fields)) = data.get_mut(section) {
            for (code, v) in fields.iter_mut() {
                if code.starts_with('M') {
                    *v = scale_int(v);
                } else if ["R06", "R07", "R08", "R09"].contains(&code.as_str()) {
                    *v = scale_amount(v);
                }
            }
        }
    }
    if let Some(Value::Object(q)) = data.get_mut("quadro3") {
        for (_, o) in q.iter_mut() {
            if let Some(s) = o.get("spending").cloned() {
                o["spending"] = scale_amount(&s);
            }
        }
    }
    let current = &mut data["current_year"];
    current["R03"] = Value::from(population);
    current["R0C"] = Value::from(zone.name.to_uppercase());
    current["R0D"] = Value::from(
        zone.lead_organisation
            .clone()
            .unwrap_or_else(|| zone.name.clone())
            .to_uppercase(),
    );
    // Social workers of any contract: about one every 5.000 inhabitants.
    let workers = Decimal::new(population * 100 / 5000, 2);
    current["R01"] = Value::from(zona_core::format::decimal(workers).replace('.', ""));
    let text = data.to_string();
    let complete = matches!(zona_core::soc26_json::read(spec, &text), Ok((_, p)) if p.is_empty());
    (text, complete)
}
