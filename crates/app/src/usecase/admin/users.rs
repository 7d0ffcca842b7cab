//! Users and their roles. An office sets a password only as a temporary
//! one: the person must change it at the first login.

use super::{duplicate, office, open, Administered};
use crate::usecase::{Caller, Error, Input};
use zona_core::authz::{Grant, Role};
use zona_core::org::{check_new_password, OrganisationKind};
use zona_core::FieldErrors;
use zona_store::audit::entity;
use zona_store::organisations as orgs;
use zona_store::territory::Deactivatable;
use zona_store::users::{self, User, UserInput};
use zona_store::{Actor, Db, StoreError};

pub struct Users;

/// A user as created: the record and the temporary password, which is only
/// typed on creation.
pub struct NewUser {
    pub input: UserInput,
    pub password: Option<String>,
}

fn invalid(field: &'static str, message: impl Into<String>) -> Error {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    Error::Invalid(errors)
}

impl Administered for Users {
    type Record = User;
    type Input = NewUser;
    const KIND: Deactivatable = Deactivatable::User;
    const ENTITY: &'static str = entity::USER;
    const DUPLICATES: &'static [(&'static str, &'static str)] =
        &[("username", "Questo nome utente è già in uso.")];

    async fn load(db: &Db, id: i64) -> Result<Option<User>, StoreError> {
        users::get_user(db, id).await
    }
    async fn create(db: &Db, actor: &Actor, n: &NewUser) -> Result<i64, Error> {
        let Some(password) = n.password.clone() else {
            return Err(invalid("password", "Campo obbligatorio."));
        };
        check_new_password(&password, &n.input.username).map_err(|m| invalid("password", m))?;
        let hash = crate::passwords::hash(password).await?;
        users::create_user(db, actor, &n.input, &hash, true)
            .await
            .map_err(duplicate::<Self>)
    }
    async fn update(
        db: &Db,
        actor: &Actor,
        id: i64,
        version: i64,
        n: &NewUser,
    ) -> Result<(), Error> {
        users::update_user(db, actor, id, version, &n.input)
            .await
            .map_err(duplicate::<Self>)
    }
    /// A user of the zone, belonging (if to anyone) to one of its bodies.
    async fn check(
        db: &Db,
        zone_id: i64,
        _: Option<&Self::Record>,
        n: &NewUser,
    ) -> Result<(), Error> {
        if n.input.zone_id != zone_id {
            return Err(Error::Forbidden);
        }
        if let Some(id) = n.input.organisation_id {
            let ok = orgs::get_organisation(db, id)
                .await?
                .is_some_and(|o| o.zone_id == zone_id);
            if !ok {
                return Err(invalid(
                    "organisation_id",
                    "Ente non valido: scegliere dall'elenco.",
                ));
            }
        }
        Ok(())
    }
    fn zone_of(u: &User) -> Option<i64> {
        Some(u.zone_id)
    }
    fn active(u: &User) -> bool {
        u.active
    }
    fn label(u: &User) -> String {
        format!("l'utente «{}»", u.username)
    }
    fn may_deactivate(caller: &Caller, u: &User) -> Result<(), Error> {
        if caller.principal.as_ref().is_some_and(|p| p.user_id == u.id) {
            Err(Error::Refused(
                "Non puoi disattivare il tuo stesso account.".into(),
            ))
        } else {
            Ok(())
        }
    }
}

/// A role to grant, with its unit or body where the role needs one.
pub struct RoleInput {
    pub role: Role,
    pub unit_id: Option<i64>,
    pub organisation_id: Option<i64>,
}

/// Grants a role in the user's zone. A unit editor's unit and a Third
/// Sector representative's body must be of that zone; the same role with
/// the same scope twice is refused.
pub async fn add_role(
    db: &Db,
    caller: &Caller,
    user_id: i64,
    input: Input<RoleInput>,
) -> Result<(), Error> {
    office(caller)?;
    let u = open::<Users>(db, caller, user_id).await?;
    let RoleInput {
        role,
        unit_id,
        organisation_id,
    } = input?;
    let grant = Grant {
        role,
        zone_id: u.zone_id,
        unit_id,
        organisation_id,
    };
    // A zone's office grants roles in its zone; the regional role reaches
    // every zone of the region, so no zone grants it.
    if role == Role::Region {
        return Err(invalid(
            "role",
            "Il ruolo Regione non si assegna da una zona.",
        ));
    }
    if let Err(m) = grant.check_scope() {
        let field = match role {
            Role::UnitEditor => "unit_id",
            Role::ThirdSector => "organisation_id",
            _ => "role",
        };
        return Err(invalid(field, m));
    }
    let mut errors = FieldErrors::new();
    if let Some(id) = unit_id {
        let ok = orgs::get_unit(db, id)
            .await?
            .is_some_and(|x| x.zone_id == u.zone_id);
        if !ok {
            errors.add("unit_id", "Unità non valida: scegliere dall'elenco.");
        }
    }
    if let Some(id) = organisation_id {
        let ok = orgs::get_organisation(db, id)
            .await?
            .is_some_and(|x| x.zone_id == u.zone_id && x.kind == OrganisationKind::ThirdSectorBody);
        if !ok {
            errors.add(
                "organisation_id",
                "Ente non valido: scegliere un ente del Terzo Settore dall'elenco.",
            );
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    match users::add_role(db, &caller.actor, user_id, &grant).await {
        Ok(_) => Ok(()),
        Err(StoreError::Duplicate { .. }) => Err(invalid(
            "role",
            "L'utente ha già questo ruolo con lo stesso ambito.",
        )),
        Err(other) => Err(other.into()),
    }
}

/// Revokes a role. An office cannot revoke its own last planning-office
/// role: the zone would be left without anyone to administer it.
pub async fn remove_role(
    db: &Db,
    caller: &Caller,
    user_id: i64,
    role_id: i64,
) -> Result<(), Error> {
    office(caller)?;
    let u = open::<Users>(db, caller, user_id).await?;
    if caller.principal.as_ref().is_some_and(|p| p.user_id == u.id) {
        let roles = users::roles(db, u.id).await?;
        let offices = roles
            .iter()
            .filter(|r| r.role == Role::PlanningOffice)
            .count();
        let last = roles
            .iter()
            .any(|r| r.id == role_id && r.role == Role::PlanningOffice)
            && offices == 1;
        if last {
            return Err(Error::Refused(
                "Non puoi revocare a te stesso l'ultimo ruolo Ufficio di Piano.".into(),
            ));
        }
    }
    users::remove_role(db, &caller.actor, u.id, role_id).await?;
    Ok(())
}

/// Sets a temporary password, which the person must change at the next
/// login; it follows the rules of a new password for that user.
pub async fn reset_password(
    db: &Db,
    caller: &Caller,
    user_id: i64,
    password: Input<String>,
) -> Result<(), Error> {
    office(caller)?;
    let u = open::<Users>(db, caller, user_id).await?;
    let password = password?;
    check_new_password(&password, &u.username).map_err(|m| invalid("password", m))?;
    let hash = crate::passwords::hash(password).await?;
    users::set_password(db, &caller.actor, u.id, &hash, true, None).await?;
    Ok(())
}
