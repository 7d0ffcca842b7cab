//! The co-design registry in and out: the table of the POA chapter
//! ("Soggetto titolare · Attività oggetto di co-progettazione · Soggetti
//! coinvolti · Stato · Data/periodo") exported as CSV, XLSX and PDF, and
//! imported from the same layout. On import the CUP and CIG codes written in
//! the subject are recognised and checked, and every partner must be a body
//! of the registry (by name or by one of its other names): no free-text
//! duplicates.

use std::collections::HashMap;
use time::Date;
use zona_core::codesign::{
    check_cig, check_cup, consistency_warning, find_codes, find_local_code, name_key,
    split_partners, AgreementStatus, CodeKind, HolderKind, PartnerItem, Period,
};
use zona_core::org::OrganisationKind;
use zona_core::Cents;
use zona_reports::{Cell, Column, ColumnKind, Table};
use zona_store::codesign::{self as store, Agreement, AgreementCode, AgreementInput, Partner};
use zona_store::organisations::{self as orgs};
use zona_store::territory::ListQuery;
use zona_store::{Db, Page};

/// Column keys (JSON, import) and headers (CSV, XLSX, PDF, screen).
pub const COLUMNS: [(&str, &str); 10] = [
    ("titolare", "Soggetto titolare"),
    ("oggetto", "Attività oggetto di co-progettazione"),
    ("soggetti", "Soggetti coinvolti"),
    ("stato", "Stato"),
    ("periodo", "Data/periodo"),
    ("cup", "CUP"),
    ("cig", "CIG"),
    ("codice_locale", "Codice locale progetto"),
    ("risorse", "Risorse (€)"),
    ("attivita_poa", "Attività POA collegate"),
];

/// The columns of the POA chapter; the rest are the registry's own.
pub const CHAPTER_COLUMNS: usize = 5;

pub fn export_table(agreements: &[Agreement], title: &str) -> Table {
    let kinds = [
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Text,
        ColumnKind::Money,
        ColumnKind::Text,
    ];
    let mut t = Table::new(
        title,
        COLUMNS
            .iter()
            .zip(kinds)
            .map(|((k, h), kind)| Column::new(*k, *h, kind))
            .collect(),
    );
    for a in agreements {
        let join = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<_>>().join("; ");
        t.push(vec![
            Cell::Text(a.row.holder_text.clone()),
            Cell::Text(a.row.subject.clone()),
            Cell::Text(a.partners_text()),
            Cell::Text(a.status_text()),
            Cell::Text(a.period_text()),
            Cell::Text(join(&mut a.cups().map(|c| c.code.clone()))),
            Cell::Text(join(&mut a.cigs().map(|c| c.code.clone()))),
            a.row.local_code.clone().into(),
            a.resources().into(),
            Cell::Text(join(&mut a.activities.iter().map(|x| x.code.clone()))),
        ]);
    }
    t
}

/// The table as the POA chapter prints it: its five columns only.
pub fn chapter_table(agreements: &[Agreement], title: &str) -> Table {
    let mut t = export_table(agreements, title);
    t.columns.truncate(CHAPTER_COLUMNS);
    for r in &mut t.rows {
        r.truncate(CHAPTER_COLUMNS);
    }
    t
}

pub fn pdf(agreements: &[Agreement], zone_name: &str, today: Date) -> anyhow::Result<Vec<u8>> {
    let t = chapter_table(agreements, "Co-progettazione");
    Ok(zona_reports::pdf::table_pdf(
        &t,
        &format!("{zone_name} – procedure di co-progettazione (art. 55, comma 3, D.lgs 117/2017)"),
        &[3, 9, 5, 2, 3],
        today,
    )?)
}

/// Warnings of one agreement: codes that failed their check, status against period.
pub fn warnings(a: &Agreement, today: Date) -> Vec<String> {
    let mut w: Vec<String> = a.codes.iter().filter_map(|c| c.warning.clone()).collect();
    w.extend(consistency_warning(a.status(), a.period().as_ref(), today));
    w
}

// ---------------------------------------------------------------- bodies

/// The zone's organisations by name and by their other names.
pub struct Directory {
    by_key: HashMap<String, (i64, OrganisationKind, String)>,
}

impl Directory {
    pub async fn load(db: &Db, zone_id: i64) -> anyhow::Result<Directory> {
        let q = ListQuery {
            zone_id: Some(zone_id),
            ..Default::default()
        };
        let (all, _) = orgs::list_organisations(db, &q, Page::all()).await?;
        let mut by_key = HashMap::new();
        let mut names = HashMap::new();
        for o in &all {
            let kind = o.kind;
            names.insert(o.id, (kind, o.name.clone()));
            by_key.insert(name_key(&o.name), (o.id, kind, o.name.clone()));
        }
        for a in orgs::aliases(db, zone_id).await? {
            if let Some((kind, name)) = names.get(&a.organisation_id) {
                by_key.entry(name_key(&a.alias)).or_insert((
                    a.organisation_id,
                    *kind,
                    name.clone(),
                ));
            }
        }
        Ok(Directory { by_key })
    }

    pub fn find(&self, written: &str) -> Option<&(i64, OrganisationKind, String)> {
        self.by_key.get(&name_key(written))
    }
}

/// Holder as written: "Comuni della Zona …", or a municipality or health
/// authority of the registry.
pub fn read_holder(dir: &Directory, written: &str) -> Result<(HolderKind, Option<i64>), String> {
    let w = written.trim();
    if name_key(w).starts_with("comuni ") || name_key(w) == "comuni" {
        return Ok((HolderKind::ZoneMunicipalities, None));
    }
    match dir.find(w) {
        Some((id, OrganisationKind::Municipality, _)) => Ok((HolderKind::Municipality, Some(*id))),
        Some((id, OrganisationKind::HealthAuthority, _)) => {
            Ok((HolderKind::HealthAuthority, Some(*id)))
        }
        Some((_, _, name)) => Err(format!(
            "Il soggetto titolare «{w}» ({name}) non è un comune né l'azienda sanitaria."
        )),
        None => Err(format!(
            "Soggetto titolare «{w}» non trovato tra gli enti: scrivere «Comuni della Zona …», il nome di un comune o dell'azienda sanitaria."
        )),
    }
}

/// Checks a list of codes (one field of a form, or found in a text):
/// the accepted codes with their warnings, or the first refusal.
pub fn check_codes(found: &[(CodeKind, String)]) -> Result<Vec<AgreementCode>, String> {
    let mut out: Vec<AgreementCode> = Vec::new();
    for (kind, code) in found {
        let c = match kind {
            CodeKind::Cup => check_cup(code)?,
            CodeKind::Cig => check_cig(code)?,
        };
        if !out.iter().any(|x| x.kind == *kind && x.code == c.code()) {
            out.push(AgreementCode {
                kind: *kind,
                code: c.code().to_string(),
                warning: c.warning().map(str::to_string),
            });
        }
    }
    Ok(out)
}

/// An import's outcome: the agreements to save and what deserves a look.
pub struct Imported {
    pub inputs: Vec<AgreementInput>,
    pub warnings: Vec<String>,
}

fn key_of(h: &str) -> String {
    let h = h.trim();
    COLUMNS
        .iter()
        .find(|(k, head)| head.eq_ignore_ascii_case(h) || k.eq_ignore_ascii_case(h))
        .map_or_else(|| h.to_lowercase(), |(k, _)| k.to_string())
}

/// Reads a registry file (CSV as exported, or XLSX), all or nothing: every
/// problem is reported with its line.
pub async fn parse_import(
    db: &Db,
    zone_id: i64,
    bytes: &[u8],
    xlsx: bool,
    published: bool,
) -> anyhow::Result<Result<Imported, Vec<String>>> {
    let rows = match crate::import::read_rows(bytes, xlsx, key_of).await {
        Ok(r) => r,
        Err(e) => return Ok(Err(vec![e])),
    };
    if let Some((_, first)) = rows.first() {
        for (k, h) in &COLUMNS[..CHAPTER_COLUMNS] {
            if !first.contains_key(*k) {
                return Ok(Err(vec![format!("Manca la colonna «{h}».")]));
            }
        }
    } else {
        return Ok(Err(vec!["Il file non contiene righe.".into()]));
    }
    let dir = Directory::load(db, zone_id).await?;
    let mut wanted_activities: Vec<String> = Vec::new();
    for (_, r) in &rows {
        wanted_activities.extend(activity_codes(r));
    }
    let activities = store::activity_ids(db, zone_id, &wanted_activities).await?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut inputs = Vec::new();
    for (line, r) in &rows {
        match read_row(&dir, &activities, r, zone_id, published) {
            Ok((input, w)) => {
                warnings.extend(w.into_iter().map(|w| format!("Riga {line}: {w}")));
                inputs.push(input);
            }
            Err(es) => errors.extend(es.into_iter().map(|(_, e)| format!("Riga {line}: {e}"))),
        }
    }
    Ok(if errors.is_empty() {
        Ok(Imported { inputs, warnings })
    } else {
        Err(errors)
    })
}

pub fn activity_codes(r: &Row) -> Vec<String> {
    r.get("attivita_poa")
        .map(|s| {
            s.split([';', '\n', ','])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

pub type Row = std::collections::BTreeMap<String, String>;

/// Problems of one row, each with the column (form field) it concerns.
pub type RowErrors = Vec<(&'static str, String)>;

pub fn read_row(
    dir: &Directory,
    activities: &HashMap<String, i64>,
    r: &Row,
    zone_id: i64,
    published: bool,
) -> Result<(AgreementInput, Vec<String>), RowErrors> {
    let get = |k: &str| r.get(k).map(|s| s.trim()).unwrap_or("");
    let mut errors: RowErrors = Vec::new();
    let mut warnings = Vec::new();
    let holder_text = get("titolare").to_string();
    let holder = read_holder(dir, &holder_text)
        .map_err(|e| errors.push(("titolare", e)))
        .ok();
    let subject = get("oggetto").to_string();
    if subject.is_empty() {
        errors.push((
            "oggetto",
            "Manca l'attività oggetto di co-progettazione.".into(),
        ));
    }
    let mut found = find_codes(&subject);
    for (col, kind) in [("cup", CodeKind::Cup), ("cig", CodeKind::Cig)] {
        for c in get(col)
            .split([';', '\n', ','])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            found.push((kind, c.to_string()));
        }
    }
    let codes = check_codes(&found)
        .map_err(|e| {
            errors.push((
                if e.starts_with("Il CUP") {
                    "cup"
                } else {
                    "cig"
                },
                e,
            ))
        })
        .ok();
    if let Some(cs) = &codes {
        warnings.extend(cs.iter().filter_map(|c| c.warning.clone()));
    }
    let local_code = match get("codice_locale") {
        "" => find_local_code(&subject),
        c => Some(c.to_string()),
    };
    let status = match AgreementStatus::read(get("stato")) {
        Some(s) => Some(s),
        None => {
            errors.push((
                "stato",
                format!(
                    "Stato «{}» non riconosciuto: In programma, Avviato iter per l'affidamento, In corso o Conclusa.",
                    get("stato")
                ),
            ));
            None
        }
    };
    let period_text = get("periodo").to_string();
    let period = if period_text.is_empty() {
        None
    } else {
        match Period::read(&period_text) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(("periodo", e));
                None
            }
        }
    };
    let mut partners = Vec::new();
    let mut notes = Vec::new();
    for item in split_partners(get("soggetti")) {
        match item {
            PartnerItem::Note(n) => notes.push(n),
            PartnerItem::Body(name) => match dir.find(&name) {
                Some((id, _, _)) if partners.iter().any(|p: &Partner| p.organisation_id == *id) => {
                    errors.push(("soggetti", format!("«{name}» è già tra i soggetti coinvolti.")))
                }
                Some((id, _, _)) => partners.push(Partner {
                    organisation_id: *id,
                    written_name: name,
                }),
                None => errors.push((
                    "soggetti",
                    format!(
                        "«{name}» non è nel registro degli enti: aggiungerlo (o aggiungere questo nome tra gli «altri nomi» dell'ente) e riprovare."
                    ),
                )),
            },
        }
    }
    let resources = match get("risorse") {
        "" => None,
        s => match Cents::parse_it(s) {
            Ok(c) if c.0 >= 0 => Some(c),
            _ => {
                errors.push((
                    "risorse",
                    format!("Risorse «{s}» non valide: un importo in euro, per esempio 12.345,67."),
                ));
                None
            }
        },
    };
    let mut activity_ids = Vec::new();
    for code in activity_codes(r) {
        match activities.get(&code) {
            Some(id) => activity_ids.push(*id),
            None => errors.push((
                "attivita_poa",
                format!("Attività POA «{code}» non trovata."),
            )),
        }
    }
    match (holder, status, codes) {
        (Some((holder_kind, holder_organisation_id)), Some((status, status_note)), Some(codes))
            if errors.is_empty() =>
        {
            Ok((
                AgreementInput {
                    zone_id,
                    holder_kind,
                    holder_organisation_id,
                    holder_text,
                    subject,
                    local_code,
                    status,
                    status_note,
                    period_text: (!period_text.is_empty()).then_some(period_text),
                    period,
                    resources,
                    partners_note: (!notes.is_empty()).then(|| notes.join("; ")),
                    published,
                    codes,
                    partners,
                    activity_ids,
                },
                warnings,
            ))
        }
        _ => Err(errors),
    }
}
