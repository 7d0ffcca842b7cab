//! Meetings: the participation meetings with stakeholder groups and the
//! meetings of a co-programming path, with their attendance and attachments.
//!
//! Internal roles of a zone read its meetings; its planning office records
//! them. A meeting refers only to a group and a path of its own zone, and a
//! meeting of a path stays in that path.

use super::{Caller, Error, Input};
use crate::codesign::Directory;
use zona_core::authz::Action;
use zona_core::codesign::{split_partners, PartnerItem};
use zona_core::coprogramming::MeetingKind;
use zona_core::FieldErrors;
use zona_store::participation::{
    self as store, Attachment, AttendanceInput, Meeting, MeetingInput,
};
use zona_store::{Db, StoreError};

/// Another meeting of the zone has this subject on this day.
const MEETING_TAKEN: &str = "Esiste già un incontro con questo oggetto in questo giorno.";

/// A new stakeholder group.
pub struct NewGroup {
    pub name: String,
    pub description: Option<String>,
}

fn invalid(field: &str, message: &str) -> Error {
    let mut e = FieldErrors::new();
    e.add(field, message);
    Error::Invalid(e)
}

/// The caller's zone, for its planning office.
fn office_zone(caller: &Caller) -> Result<i64, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::Administer { zone_id })?;
    Ok(zone_id)
}

/// Adds a stakeholder group to the caller's zone; names are unique in a zone.
pub async fn add_group(db: &Db, caller: &Caller, input: Input<NewGroup>) -> Result<i64, Error> {
    let zone_id = office_zone(caller)?;
    let g = input?;
    match store::create_group(
        db,
        &caller.actor,
        zone_id,
        &g.name,
        g.description.as_deref(),
    )
    .await
    {
        Err(StoreError::Duplicate { .. }) => {
            Err(invalid("name", "Esiste già un gruppo con questo nome."))
        }
        other => Ok(other?),
    }
}

/// A meeting of the caller's zone, for its internal readers.
pub async fn open(db: &Db, caller: &Caller, id: i64) -> Result<Meeting, Error> {
    let zone_id = caller.zone()?;
    caller.require(Action::ReadInternal { zone_id })?;
    let m = store::get_meeting(db, id).await?.ok_or(Error::NotFound)?;
    caller.same_zone(m.zone_id)?;
    Ok(m)
}

/// A meeting of the caller's zone, for its planning office.
async fn open_for_office(db: &Db, caller: &Caller, id: i64) -> Result<Meeting, Error> {
    office_zone(caller)?;
    open(db, caller, id).await
}

/// A co-programming path of the caller's zone, to start a meeting of it.
pub async fn open_path(db: &Db, caller: &Caller, procedure_id: i64) -> Result<(), Error> {
    office_zone(caller)?;
    let p = store::get_procedure(db, procedure_id)
        .await?
        .ok_or(Error::NotFound)?;
    caller.same_zone(p.zone_id)
}

/// The rules that need the zone: the path and the group are the zone's, and
/// the kind fits the meeting (a participation meeting is not part of a path,
/// every other kind is).
async fn check(db: &Db, zone_id: i64, m: &MeetingInput) -> Result<(), Error> {
    let mut e = FieldErrors::new();
    if let Some(p) = m.procedure_id {
        let ours = store::get_procedure(db, p)
            .await?
            .is_some_and(|x| x.zone_id == zone_id);
        if !ours {
            e.add("kind", "Procedimento non valido.");
        }
    }
    if m.procedure_id.is_some() == (m.kind == MeetingKind::Participation) {
        e.add("kind", "Scegli il tipo di incontro dall'elenco.");
    }
    if let Some(g) = m.group_id {
        if !store::groups(db, zone_id).await?.iter().any(|x| x.id == g) {
            e.add("group_id", "Scegli il gruppo dall'elenco.");
        }
    }
    e.into_result(()).map_err(Error::Invalid)
}

/// Records a meeting of the caller's zone.
pub async fn create(db: &Db, caller: &Caller, input: Input<MeetingInput>) -> Result<i64, Error> {
    let zone_id = office_zone(caller)?;
    let m = input?;
    check(db, zone_id, &m).await?;
    let id = store::create_meeting(db, &caller.actor, zone_id, &m)
        .await
        .map_err(super::taken_as(MEETING_TAKEN))?;
    tell_invited(db, id).await;
    Ok(id)
}

/// Tells the bodies of a path of a meeting scheduled or moved, and of its
/// published minutes (each once).
async fn tell_invited(db: &Db, id: i64) {
    use super::notify::{tell, Event};
    tell(db, Event::MeetingScheduled(id)).await;
    tell(db, Event::MinutesPublished(id)).await;
}

/// Changes a meeting, from the version the caller saw. The path it belongs
/// to does not change: the input's is ignored.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: i64,
    version: i64,
    input: Input<MeetingInput>,
) -> Result<(), Error> {
    let before = open_for_office(db, caller, id).await?;
    let m = MeetingInput {
        procedure_id: before.procedure_id,
        ..input?
    };
    check(db, before.zone_id, &m).await?;
    store::update_meeting(db, &caller.actor, id, version, &m)
        .await
        .map_err(super::taken_as(MEETING_TAKEN))?;
    tell_invited(db, id).await;
    Ok(())
}

/// Records who attended, replacing what was recorded: one text per box
/// (the plenary, then each working table of the path), one body of the
/// zone's registry per line, or a person without a body in square brackets.
/// Returns how many were recorded.
pub async fn set_attendance(
    db: &Db,
    caller: &Caller,
    id: i64,
    boxes: &[(&str, &str)],
) -> Result<usize, Error> {
    let m = open_for_office(db, caller, id).await?;
    let tables = match m.procedure_id {
        Some(p) => store::working_tables(db, p).await?,
        None => Vec::new(),
    };
    let dir = Directory::load(db, m.zone_id).await?;
    let mut e = FieldErrors::new();
    let mut rows: Vec<AttendanceInput> = Vec::new();
    for (i, &(field, text)) in boxes.iter().enumerate().take(tables.len() + 1) {
        let table = if i == 0 { None } else { Some(tables[i - 1].id) };
        for item in split_partners(text) {
            let row = match item {
                PartnerItem::Note(person) => AttendanceInput {
                    organisation_id: None,
                    person_name: Some(person),
                    working_table_id: table,
                },
                PartnerItem::Body(name) => match dir.find(&name) {
                    Some((oid, _, _)) => AttendanceInput {
                        organisation_id: Some(*oid),
                        person_name: None,
                        working_table_id: table,
                    },
                    None => {
                        e.add(field, format!("«{name}» non è nel registro degli enti: aggiungerlo, oppure scrivere una persona tra parentesi quadre."));
                        continue;
                    }
                },
            };
            if rows.contains(&row) {
                e.add(field, "Un ente è scritto due volte.");
            } else {
                rows.push(row);
            }
        }
    }
    e.into_result(()).map_err(Error::Invalid)?;
    store::set_attendance(db, &caller.actor, id, &rows).await?;
    Ok(rows.len())
}

/// Attaches a file to a meeting, once its name, size and content are
/// checked; a refused file is `Refused` with the reason.
pub async fn add_attachment(
    db: &Db,
    caller: &Caller,
    id: i64,
    file: Option<(String, Vec<u8>)>,
) -> Result<String, Error> {
    open_for_office(db, caller, id).await?;
    let (name, bytes) = file.unwrap_or_default();
    let (name, ctype) = zona_core::attachment::check(&name, &bytes).map_err(Error::Refused)?;
    store::add_attachment(db, &caller.actor, id, &name, ctype, &bytes).await?;
    Ok(name)
}

/// An attachment and its content: for internal readers of its zone, or,
/// when `public`, for anyone while its meeting is public and its minutes
/// published. Who may ask is checked before anything is read.
pub async fn attachment(
    db: &Db,
    caller: &Caller,
    id: i64,
    public: bool,
) -> Result<(Attachment, Vec<u8>), Error> {
    if !public {
        let zone_id = caller.zone()?;
        caller.require(Action::ReadInternal { zone_id })?;
    }
    let (a, content) = store::attachment_content(db, id)
        .await?
        .ok_or(Error::NotFound)?;
    let m = store::get_meeting(db, a.meeting_id)
        .await?
        .ok_or(Error::NotFound)?;
    if public && !(m.public && m.minutes_published) {
        return Err(Error::NotFound);
    }
    caller.same_zone(m.zone_id)?;
    Ok((a, content))
}

/// Removes an attachment; returns it, to name it and go back to its meeting.
pub async fn delete_attachment(db: &Db, caller: &Caller, id: i64) -> Result<Attachment, Error> {
    office_zone(caller)?;
    let (a, _) = attachment(db, caller, id, false).await?;
    store::delete_attachment(db, &caller.actor, id).await?;
    Ok(a)
}
