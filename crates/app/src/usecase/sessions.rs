//! Signing in and out, and a person's own password.
//!
//! A login attempt is counted before its password is checked, atomically,
//! per name and client address (`users::admit_login`), so guesses sent in
//! parallel cannot all pass a lock read too early; after a run of failures
//! the pair is locked for a while (`zona_core::authz::login_lock`). Every
//! attempt, admitted or not, leaves an audit entry. The same answer is
//! given whether the name exists or not.

use super::{Caller, Error, Input};
use time::{Duration, OffsetDateTime};
use zona_core::authz::{login_lock, Grant, Principal, Role};
use zona_core::org::{check_new_password, parse_username};
use zona_core::FieldErrors;
use zona_store::audit::{self, action, entity, Actor, AuditEntry};
use zona_store::{sessions, territory, users, Db, StoreError};

/// The longest password any account can have (`check_new_password`).
const MAX_PASSWORD_CHARS: usize = 128;

/// The most characters of a typed login name kept in the audit log when it
/// cannot be a name: a real one has at most 40.
pub const MAX_ECHOED_CHARS: usize = 40;

/// A login as typed, from a client address.
pub struct Credentials {
    /// The name, as typed (compared in lower case).
    pub username: String,
    pub password: String,
    /// The client's address, as the audit log and the lock know it.
    pub ip: Option<String>,
}

/// A session opened.
#[derive(Debug)]
pub struct SignedIn {
    pub user_id: i64,
    /// The session's secret, for its cookie.
    pub token: String,
}

/// Why a login was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefused {
    /// The name or the password is empty.
    Incomplete,
    /// Wrong name or password (or an inactive account: the same answer);
    /// `locked_until` when this failure locked the name at this address.
    Wrong {
        locked_until: Option<OffsetDateTime>,
        attempt: i64,
    },
    /// Too many failures: the name is locked at this address until then.
    Locked { until: OffsetDateTime },
}

/// A typed name cut to what the audit log keeps of it.
pub fn bounded(typed: &str) -> String {
    let mut s: String = typed
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ECHOED_CHARS)
        .collect();
    if typed.chars().count() > MAX_ECHOED_CHARS {
        s.push('…');
    }
    s
}

async fn failed(
    db: &Db,
    actor: &Actor,
    user_id: Option<i64>,
    summary: String,
) -> Result<(), Error> {
    let entry = AuditEntry::new(action::LOGIN_FAILED, entity::SESSION, user_id).summary(summary);
    audit::record(db, actor, entry).await?;
    Ok(())
}

/// Signs a person in: a new session of `idle` inactivity, or the reason
/// for refusing it.
pub async fn login(
    db: &Db,
    c: &Credentials,
    idle: Duration,
) -> Result<Result<SignedIn, LoginRefused>, Error> {
    let username = c.username.trim().to_lowercase();
    if username.is_empty() || c.password.is_empty() {
        return Ok(Err(LoginRefused::Incomplete));
    }
    let anonymous = Actor {
        user_id: None,
        name: bounded(&username),
        ip: c.ip.clone(),
    };
    // A name no user can have, or a password longer than any can be, is
    // refused before anything is checked or counted; the audit keeps a
    // short, bounded trace of it (docs/domain.md, "Login and sessions").
    if parse_username(&username).is_err() || c.password.chars().count() > MAX_PASSWORD_CHARS {
        let summary = format!(
            "Accesso non riuscito per «{}» (nome utente o password non ammissibili)",
            bounded(&username)
        );
        failed(db, &anonymous, None, summary).await?;
        let wrong = LoginRefused::Wrong {
            locked_until: None,
            attempt: 0,
        };
        return Ok(Err(wrong));
    }
    let client =
        c.ip.as_deref()
            .and_then(|a| a.parse().ok())
            .map(zona_core::authn::throttle_key)
            .unwrap_or_else(|| "-".into());
    let attempt = match users::admit_login(db, &username, &client, login_lock).await? {
        users::Admission::Refused { failures, until } => {
            let summary = format!("Accesso rifiutato a «{username}»: sospeso per questo indirizzo dopo {failures} tentativi non riusciti");
            failed(db, &anonymous, None, summary).await?;
            return Ok(Err(LoginRefused::Locked { until }));
        }
        users::Admission::Judge { attempt } => attempt,
    };
    let creds = users::credentials(db, &username).await?;
    let hash = creds.as_ref().map(|c| c.password_hash.clone());
    let ok = crate::passwords::verify(c.password.clone(), hash).await?;
    match creds {
        Some(u) if ok && u.active => {
            users::clear_login_failures(db, &username, &client).await?;
            let (token, _) = sessions::create(db, u.id, idle).await?;
            users::touch_last_login(db, u.id).await?;
            let entry = AuditEntry::new(action::LOGIN, entity::SESSION, Some(u.id))
                .summary(format!("Accesso di «{}»", u.username));
            audit::record(db, &Actor::user(u.id, &u.username, c.ip.clone()), entry).await?;
            Ok(Ok(SignedIn {
                user_id: u.id,
                token,
            }))
        }
        other => {
            let reason = match &other {
                Some(u) if ok && !u.active => "utente disattivato",
                Some(_) => "password errata",
                None => "nome utente inesistente",
            };
            let actor = match &other {
                Some(u) => Actor::user(u.id, &u.username, c.ip.clone()),
                None => anonymous,
            };
            let summary =
                format!("Accesso non riuscito per «{username}» ({reason}), tentativo n. {attempt}");
            failed(db, &actor, other.as_ref().map(|u| u.id), summary).await?;
            Ok(Err(LoginRefused::Wrong {
                locked_until: login_lock(attempt).map(|lock| zona_store::now() + lock),
                attempt,
            }))
        }
    }
}

/// Closes the caller's session.
pub async fn logout(db: &Db, caller: &Caller, token: &str) -> Result<(), Error> {
    let Some(p) = &caller.principal else {
        return Ok(());
    };
    sessions::delete(db, token).await?;
    let entry = AuditEntry::new(action::LOGOUT, entity::SESSION, Some(p.user_id))
        .summary(format!("Uscita di «{}»", p.username));
    audit::record(db, &caller.actor, entry).await?;
    Ok(())
}

/// A change of one's own password, as typed.
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

/// Changes the caller's password: the current one must be right, the new
/// one strong enough, different, and typed twice alike. The caller's other
/// sessions are closed; `keep` stays open.
pub async fn change_password(
    db: &Db,
    caller: &Caller,
    change: Input<PasswordChange>,
    keep: Option<&str>,
) -> Result<(), Error> {
    let p = caller.principal.as_ref().ok_or(Error::LoginRequired)?;
    let c = change?;
    let creds = users::credentials_by_id(db, p.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut e = FieldErrors::new();
    let right = !c.current.is_empty()
        && crate::passwords::verify(c.current.clone(), Some(creds.password_hash)).await?;
    if !right {
        e.add("current", "La password attuale non è corretta.");
    }
    if let Err(m) = check_new_password(&c.new, &p.username) {
        e.add("new", m);
    } else if c.new == c.current {
        e.add(
            "new",
            "La nuova password deve essere diversa da quella attuale.",
        );
    } else if c.new != c.confirm {
        e.add("confirm", "Le due password non coincidono.");
    }
    e.into_result(())?;
    let hash = crate::passwords::hash(c.new).await?;
    users::set_password(db, &caller.actor, p.user_id, &hash, false, keep).await?;
    Ok(())
}

/// The longest sign-in link token read (they are 64 characters).
const MAX_TOKEN_CHARS: usize = 128;

/// Makes a one-time sign-in link for a user (command line): the token, which
/// the link carries; valid for `days`.
pub async fn invite(db: &Db, actor: &Actor, username: &str, days: i64) -> Result<String, Error> {
    if !(1..=30).contains(&days) {
        return Err(Error::Refused(
            "Un collegamento di accesso vale da 1 a 30 giorni.".into(),
        ));
    }
    let user = users::get_user_by_username(db, &username.trim().to_lowercase())
        .await?
        .ok_or(Error::NotFound)?;
    if !user.active {
        return Err(Error::Refused(format!(
            "L'utente «{}» è disattivato: riattivarlo prima di invitarlo.",
            user.username
        )));
    }
    Ok(users::invite(db, actor, user.id, Duration::days(days)).await?)
}

/// The user a sign-in link is for: not found when the link is unknown, used
/// or expired.
pub async fn invitation(db: &Db, token: &str) -> Result<users::User, Error> {
    if token.len() > MAX_TOKEN_CHARS {
        return Err(Error::NotFound);
    }
    users::invited(db, token).await?.ok_or(Error::NotFound)
}

/// A new password typed twice on a sign-in link's page.
#[derive(Debug, Default)]
pub struct NewPassword {
    pub new: String,
    pub confirm: String,
}

/// Sets the password of the user a sign-in link is for; the link then stops
/// working. Returns the user's name.
pub async fn accept_invitation(db: &Db, token: &str, p: NewPassword) -> Result<String, Error> {
    let user = invitation(db, token).await?;
    let mut e = FieldErrors::new();
    if let Err(m) = check_new_password(&p.new, &user.username) {
        e.add("new", m);
    } else if p.new != p.confirm {
        e.add("confirm", "Le due password non coincidono.");
    }
    e.into_result(())?;
    let hash = crate::passwords::hash(p.new).await?;
    if !users::accept_invitation(db, token, &hash).await? {
        return Err(Error::NotFound);
    }
    Ok(user.username)
}

/// A user with their grants, whether their password must change, and their
/// zone; `None` when the user is gone or inactive.
pub async fn principal_of(
    db: &Db,
    user_id: i64,
) -> Result<Option<(Principal, bool, i64)>, StoreError> {
    let Some(u) = users::get_user(db, user_id).await? else {
        return Ok(None);
    };
    if !u.active {
        return Ok(None);
    }
    let grants: Vec<Grant> = users::roles(db, user_id)
        .await?
        .iter()
        .map(|r| r.grant())
        .collect();
    let held: Vec<i64> = grants
        .iter()
        .filter(|g| g.role == Role::Region)
        .map(|g| g.zone_id)
        .collect();
    let (regions, region_zones) = territory::regions_of(db, &held).await?;
    Ok(Some((
        Principal {
            user_id: u.id,
            username: u.username,
            full_name: u.full_name,
            grants,
            regions,
            region_zones,
        },
        u.must_change_password,
        u.zone_id,
    )))
}

/// A user as the use cases see them, outside a web session (their
/// calendar feed): `None` when the user is gone or inactive.
pub async fn caller_of(db: &Db, user_id: i64) -> Result<Option<Caller>, Error> {
    Ok(principal_of(db, user_id)
        .await?
        .map(|(p, _, zone_id)| Caller {
            actor: Actor::user(p.user_id, &p.username, None),
            principal: Some(p),
            zone_id: Some(zone_id),
        }))
}
