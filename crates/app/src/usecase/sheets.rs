//! Activity sheets (*schede attività*) of an annual operating plan: who may
//! open and edit one, in which mode, and the edit itself.
//!
//! The planning office edits every sheet; a unit editor the sheets of its
//! unit, while the sheet's state allows it (`zona_core::planning::can_edit`).
//! Once the plan is approved a change is an amendment (*variazione*), which
//! only the office records, with the act that orders it.

use super::{notify, Caller, Error, Input};
use zona_core::authz::Action;
use zona_core::format;
use zona_core::planning::{
    self as rules, validate_sheet, ActKind, PlanStatus, SheetContent, SheetEvent, SheetForm,
    SheetRefs, SheetStatus, Vocabularies,
};
use zona_core::validation::{optional_text, required_text};
use zona_core::FieldErrors;
use zona_store::planning::{self, ProgrammeRef};
use zona_store::sheets::{self, ActInput, Sheet};
use zona_store::territory::{self, ListQuery};
use zona_store::{organisations, vocabularies, Db, Page, StoreError};

/// How the caller may change a sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditMode {
    /// The plan is still open: the sheet is changed in place.
    Edit,
    /// The plan is approved: the change is an amendment, with its act.
    Amendment,
}

/// Everything a sheet's form can refer to, from the sheet's zone and plan.
pub struct Choices {
    pub programmes: Vec<ProgrammeRef>,
    /// (unit, its organisation, "organisation – unit").
    pub units: Vec<(i64, i64, String)>,
    pub organisations: Vec<(i64, String)>,
    pub municipalities: Vec<(i64, String)>,
    pub vocab: Vocabularies,
    /// The matters of the zone's agreements: (code, label).
    pub matters: Vec<(String, String)>,
}

/// The act of an amendment as typed in the form.
#[derive(Clone, Debug, Default)]
pub struct ActForm {
    /// Who issued the act.
    pub issuer: String,
    pub number: String,
    pub date: String,
    pub description: String,
}

/// An edit of a sheet, as the person sent it.
#[derive(Clone, Debug)]
pub struct SheetEdit {
    /// The version of the sheet the person read.
    pub version: i64,
    pub form: SheetForm,
    /// The act, when the change is an amendment.
    pub act: Option<ActForm>,
}

/// What an accepted edit did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SheetEdited {
    pub amended: bool,
}

/// The office of the sheet's zone.
pub fn is_office(caller: &Caller, zone_id: i64) -> bool {
    caller.allows(Action::Administer { zone_id })
}

/// The planning office edits every sheet; a unit editor the sheets of its unit.
pub fn may_edit(caller: &Caller, zone_id: i64, unit_id: Option<i64>) -> bool {
    is_office(caller, zone_id)
        || unit_id.is_some_and(|unit_id| caller.allows(Action::EditUnit { zone_id, unit_id }))
}

/// A sheet of the caller's zone, for anyone who reads its internal data.
pub async fn open(db: &Db, caller: &Caller, id: i64) -> Result<Sheet, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let s = sheets::get_sheet(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(s.row.zone_id)?;
    Ok(s)
}

/// Whether the caller may change this sheet now, and how.
pub fn edit_mode(caller: &Caller, s: &Sheet) -> Result<EditMode, Error> {
    let zone_id = s.row.zone_id;
    if !may_edit(caller, zone_id, s.content.unit_id) {
        return Err(Error::Forbidden);
    }
    let office = is_office(caller, zone_id);
    let plan = s.row.plan_status();
    if plan == PlanStatus::Approved && office {
        return Ok(EditMode::Amendment);
    }
    rules::can_edit(plan, s.row.status(), office).map_err(Error::Refused)?;
    Ok(EditMode::Edit)
}

/// Assignment is the planning office's: whatever a unit editor sends for the
/// programme, the unit and the organisation, the sheet keeps its own.
pub fn keep_assignment(caller: &Caller, s: &Sheet, form: &mut SheetForm) {
    if !is_office(caller, s.row.zone_id) {
        let keep = form_from(&s.content);
        form.unit_id = keep.unit_id;
        form.organisation_id = keep.organisation_id;
        form.programme_id = keep.programme_id;
    }
}

/// Edits a sheet, or records its amendment once the plan is approved.
pub async fn edit(
    db: &Db,
    caller: &Caller,
    id: i64,
    input: SheetEdit,
) -> Result<SheetEdited, Error> {
    let s = open(db, caller, id).await?;
    let mode = edit_mode(caller, &s)?;
    let mut form = input.form;
    keep_assignment(caller, &s, &mut form);
    let ch = choices(db, s.row.zone_id, s.row.annual_plan_id).await?;
    let mut errors = FieldErrors::new();
    let act = match (mode, &input.act) {
        (EditMode::Amendment, Some(act)) => check_act(act, &mut errors),
        (EditMode::Amendment, None) => check_act(&ActForm::default(), &mut errors),
        (EditMode::Edit, _) => None,
    };
    let content = match validate(&ch, s.row.year, &form) {
        Ok(c) if errors.is_empty() => c,
        Ok(_) => return Err(Error::Invalid(errors)),
        Err(mut all) => {
            for (k, v) in errors.iter() {
                all.add(k, v);
            }
            return Err(Error::Invalid(all));
        }
    };
    sheets::update_sheet(db, &caller.actor, id, input.version, &content, act.as_ref()).await?;
    Ok(SheetEdited {
        amended: act.is_some(),
    })
}

/// What the form can refer to in this zone and plan: the plan's programmes,
/// the zone's active units and organisations (third-sector bodies are
/// partners, not owners of a sheet), its municipalities and the vocabularies.
pub async fn choices(db: &Db, zone_id: i64, plan_id: i64) -> Result<Choices, StoreError> {
    let q = ListQuery {
        zone_id: Some(zone_id),
        active: Some(true),
        ..Default::default()
    };
    let (units, _) = organisations::list_units(db, &q, Page::all()).await?;
    let (orgs, _) = organisations::list_organisations(db, &q, Page::all()).await?;
    let (municipalities, _) = territory::list_municipalities(
        db,
        &ListQuery {
            zone_id: Some(zone_id),
            ..Default::default()
        },
        Page::all(),
    )
    .await?;
    Ok(Choices {
        programmes: planning::programmes(db, plan_id).await?,
        units: units
            .into_iter()
            .map(|u| {
                (
                    u.id,
                    u.organisation_id,
                    format!("{} – {}", u.organisation_name, u.name),
                )
            })
            .collect(),
        organisations: orgs
            .into_iter()
            .filter(|o| o.kind != zona_core::org::OrganisationKind::ThirdSectorBody)
            .map(|o| (o.id, o.name))
            .collect(),
        municipalities: municipalities.into_iter().map(|m| (m.id, m.name)).collect(),
        vocab: vocabularies::active(db).await?,
        matters: matters(db, zone_id).await?,
    })
}

/// The matters of the zone's agreements a sheet may belong to, each once,
/// in the agreements' order.
async fn matters(db: &Db, zone_id: i64) -> Result<Vec<(String, String)>, StoreError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for a in zona_store::governance::agreements(db, zone_id).await? {
        for m in a.matters {
            if !out.iter().any(|(c, _)| *c == m.code) {
                let label = match m.status {
                    zona_core::governance::MatterStatus::Integrated => m.label,
                    zona_core::governance::MatterStatus::Foreseen => {
                        format!("{} (prevista)", m.label)
                    }
                };
                out.push((m.code, label));
            }
        }
    }
    Ok(out)
}

/// Validates a sheet's form against what it may refer to.
pub fn validate(ch: &Choices, year: i64, f: &SheetForm) -> Result<SheetContent, FieldErrors> {
    let programme_ids: Vec<i64> = ch.programmes.iter().map(|p| p.id).collect();
    let unit_pairs: Vec<(i64, i64)> = ch.units.iter().map(|(u, o, _)| (*u, *o)).collect();
    let org_ids: Vec<i64> = ch.organisations.iter().map(|(o, _)| *o).collect();
    let mun_ids: Vec<i64> = ch.municipalities.iter().map(|(m, _)| *m).collect();
    let matters: Vec<String> = ch.matters.iter().map(|(c, _)| c.clone()).collect();
    validate_sheet(
        f,
        &SheetRefs {
            year,
            programmes: &programme_ids,
            units: &unit_pairs,
            organisations: &org_ids,
            municipalities: &mun_ids,
            vocabularies: &ch.vocab,
            matters: &matters,
        },
    )
}

/// The act of an amendment: who issued it, its number and date are required.
fn check_act(a: &ActForm, errors: &mut FieldErrors) -> Option<ActInput> {
    let issuer = errors.check("act_issuer", required_text(&a.issuer, 200));
    let number = errors.check("act_number", required_text(&a.number, 50));
    let date = match a.date.trim() {
        "" => {
            errors.add("act_date", "Indicare la data dell'atto.");
            None
        }
        s => errors.check("act_date", format::parse_date(s)),
    };
    let description = errors
        .check("act_description", optional_text(&a.description, 2000))
        .flatten();
    Some(ActInput {
        kind: ActKind::Amendment,
        issuer: issuer?,
        number: number?,
        act_date: date?,
        description,
    })
}

/// A stored sheet as its form shows it.
pub fn form_from(c: &SheetContent) -> SheetForm {
    let d = |d: Option<time::Date>| d.map(format::date).unwrap_or_default();
    let n = |d: Option<rust_decimal::Decimal>| {
        d.map(|d| d.to_string().replace('.', ","))
            .unwrap_or_default()
    };
    SheetForm {
        title: c.title.clone(),
        description: c.description.clone().unwrap_or_default(),
        programme_id: c.programme_id.to_string(),
        sector: c.sector.clone().unwrap_or_default(),
        kind: c.kind.clone().unwrap_or_default(),
        target_areas: c.target_areas.clone(),
        unit_id: c.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        organisation_id: c.organisation_id.map(|o| o.to_string()).unwrap_or_default(),
        municipality_ids: c.municipality_ids.iter().map(i64::to_string).collect(),
        start_date: d(c.start_date),
        end_date: d(c.end_date),
        funding: c
            .funding
            .iter()
            .map(|f| {
                [
                    f.source.clone(),
                    f.year.to_string(),
                    f.amount.format_plain(),
                ]
            })
            .collect(),
        indicators: c
            .indicators
            .iter()
            .map(|i| {
                [
                    i.name.clone(),
                    i.unit.clone(),
                    n(i.baseline),
                    n(i.target),
                    n(i.actual),
                ]
            })
            .collect(),
        internal_notes: c.internal_notes.clone().unwrap_or_default(),
        integrated_matter: c.integrated_matter.clone().unwrap_or_default(),
    }
}

/// Moves a sheet through its workflow: its unit's editor (or the office)
/// submits it; only the office returns it with a comment or accepts it.
/// The store checks the move against the sheet's state in its transaction.
pub async fn apply_event(
    db: &Db,
    caller: &Caller,
    id: i64,
    input: Input<(SheetEvent, i64)>,
    comment: &str,
) -> Result<SheetStatus, Error> {
    let s = open(db, caller, id).await?;
    let zone_id = s.row.zone_id;
    if !may_edit(caller, zone_id, s.content.unit_id) {
        return Err(Error::Forbidden);
    }
    let (event, version) = input?;
    if event != SheetEvent::Submit {
        caller.require(Action::Administer { zone_id })?;
    }
    let status = sheets::apply_event(db, &caller.actor, id, version, event, Some(comment)).await?;
    let told = match event {
        SheetEvent::Submit => notify::Event::SheetSubmitted(id),
        SheetEvent::Return => notify::Event::SheetReturned(id),
        SheetEvent::Accept => notify::Event::SheetAccepted(id),
    };
    notify::tell(db, told).await;
    Ok(status)
}
