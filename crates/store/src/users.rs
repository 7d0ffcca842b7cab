//! Users, their role grants, and the record of failed logins.

use crate::audit::audited;
use crate::audit::{action, entity, write_audit, Actor, AuditEntry};
use crate::db::BeginWrite;
use crate::db::{select_all, select_optional};
use crate::db::{Filter, Param};
use crate::territory::list_query;
use crate::{now, on_db, updated, Db, Page, Result, StoreError};
use serde::Serialize;
use time::OffsetDateTime;
use zona_core::authz::{Grant, Role};

/// A user as shown and exported: never the password hash.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub zone_id: i64,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<OffsetDateTime>,
    pub roles: Option<String>,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UserInput {
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub zone_id: i64,
    pub organisation_id: Option<i64>,
}

#[derive(Clone, Debug, Default)]
pub struct UserQuery {
    pub text: String,
    pub active: Option<bool>,
    pub zone_id: Option<i64>,
    pub role: Option<String>,
}

const USER_UNIQUE: &[(&str, &str)] = &[("users_username_uq", "username")];
// `roles` is a comma-separated list of role codes, for lists and exports; the
// aggregate differs between the two dialects.
fn user_select(db: &Db) -> String {
    let agg = match db {
        Db::Sqlite(_) => "group_concat(DISTINCT r.role)",
        Db::Postgres(_) => "string_agg(DISTINCT r.role, ',')",
    };
    format!(
        "SELECT * FROM (SELECT u.id, u.username, u.full_name, u.email, u.zone_id, u.organisation_id, \
         o.name AS organisation_name, u.active, u.must_change_password, u.last_login_at, \
         (SELECT {agg} FROM user_roles r WHERE r.user_id = u.id) AS roles, \
         u.version, u.created_at, u.updated_at \
         FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id) AS uu"
    )
}

pub async fn list_users(db: &Db, q: &UserQuery, page: Page) -> Result<(Vec<User>, i64)> {
    let mut f = Filter::default();
    f.search(
        &["username", "full_name", "email", "organisation_name"],
        &q.text,
    );
    if let Some(a) = q.active {
        f.eq("active", Param::Bool(a));
    }
    if let Some(z) = q.zone_id {
        f.eq("zone_id", Param::Int(z));
    }
    if let Some(r) = &q.role {
        let p = f.placeholder(Param::Text(r.clone()));
        f.raw(format!(
            "id IN (SELECT user_id FROM user_roles WHERE role = {p})"
        ));
    }
    list_query(db, &user_select(db), "ORDER BY username", f, page).await
}

pub async fn get_user(db: &Db, id: i64) -> Result<Option<User>> {
    let sql = format!("{} WHERE id = $1", user_select(db));
    select_optional::<User>(db, &sql, id).await
}

pub async fn get_user_by_username(db: &Db, username: &str) -> Result<Option<User>> {
    let sql = format!("{} WHERE username = $1", user_select(db));
    select_optional::<User>(db, &sql, username).await
}

/// What login needs: id, password hash, active flag.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub active: bool,
}

pub async fn credentials(db: &Db, username: &str) -> Result<Option<Credentials>> {
    select_optional::<Credentials>(
        db,
        "SELECT id, username, password_hash, active FROM users WHERE username = $1",
        username,
    )
    .await
}

pub async fn credentials_by_id(db: &Db, id: i64) -> Result<Option<Credentials>> {
    select_optional::<Credentials>(
        db,
        "SELECT id, username, password_hash, active FROM users WHERE id = $1",
        id,
    )
    .await
}

fn user_snapshot(u: &User) -> UserInput {
    UserInput {
        username: u.username.clone(),
        full_name: u.full_name.clone(),
        email: u.email.clone(),
        zone_id: u.zone_id,
        organisation_id: u.organisation_id,
    }
}

pub async fn create_user(
    db: &Db,
    actor: &Actor,
    input: &UserInput,
    password_hash: &str,
    must_change_password: bool,
) -> Result<i64> {
    let t = now();
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, full_name, email, password_hash, zone_id, organisation_id, \
             must_change_password, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(&input.username)
        .bind(&input.full_name)
        .bind(&input.email)
        .bind(password_hash)
        .bind(input.zone_id)
        .bind(input.organisation_id)
        .bind(must_change_password)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, USER_UNIQUE))?;
        let entry = AuditEntry::new(action::CREATE, entity::USER, Some(id))
            .zone(Some(input.zone_id))
            .summary(format!("Utente «{}»", input.username))
            .after(input);
        (id, entry)
    })
}

pub async fn update_user(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &UserInput,
) -> Result<()> {
    let before = get_user(db, id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    audited!(db, actor, |tx| {
        let n = sqlx::query(
            "UPDATE users SET full_name = $1, email = $2, organisation_id = $3, updated_at = $4, \
             version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(&input.full_name)
        .bind(&input.email)
        .bind(input.organisation_id)
        .bind(t)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(n)?;
        let mut after = input.clone();
        after.username = before.username.clone();
        after.zone_id = before.zone_id;
        let entry = AuditEntry::new(action::UPDATE, entity::USER, Some(id))
            .zone(Some(before.zone_id))
            .summary(format!("Utente «{}»", before.username))
            .before(&user_snapshot(&before))
            .after(&after);
        ((), entry)
    })
}

/// Sets a new password hash. Every session of the user ends except
/// `keep_session` (the one of a user changing their own password).
pub async fn set_password(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    password_hash: &str,
    must_change_password: bool,
    keep_session: Option<&str>,
) -> Result<()> {
    let user = get_user(db, user_id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    let keep = keep_session
        .map(crate::sessions::hash_token)
        .unwrap_or_default();
    audited!(db, actor, |tx| {
        sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3, \
             version = version + 1 WHERE id = $4",
        )
        .bind(password_hash)
        .bind(must_change_password)
        .bind(t)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(&keep)
            .execute(&mut *tx)
            .await?;
        // A new password is the owner's way back in: every lock on the name ends.
        sqlx::query("DELETE FROM login_throttle WHERE username = $1")
            .bind(&user.username)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::new(action::PASSWORD_CHANGE, entity::USER, Some(user_id))
            .zone(Some(user.zone_id))
            .summary(format!("Password dell'utente «{}»", user.username));
        ((), entry)
    })
}

pub async fn touch_last_login(db: &Db, user_id: i64) -> Result<()> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now())
            .bind(user_id)
            .execute(pool)
            .await?;
        Ok(())
    })
}

// ---------------------------------------------------------------- grants

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct UserRole {
    pub id: i64,
    pub user_id: i64,
    pub role: Role,
    pub zone_id: i64,
    pub zone_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
}

impl UserRole {
    pub fn grant(&self) -> Grant {
        Grant {
            role: self.role,
            zone_id: self.zone_id,
            unit_id: self.unit_id,
            organisation_id: self.organisation_id,
        }
    }

    /// `Referente — UF Salute mentale adulti`
    pub fn describe(&self) -> String {
        let role = self.role.label();
        match (&self.unit_name, &self.organisation_name) {
            (Some(u), _) => format!("{role} — {u}"),
            (None, Some(o)) => format!("{role} — {o}"),
            _ => format!("{role} — {}", self.zone_name),
        }
    }
}

pub async fn roles(db: &Db, user_id: i64) -> Result<Vec<UserRole>> {
    select_all::<UserRole>(
        db,
        "SELECT r.id, r.user_id, r.role, r.zone_id, z.name AS zone_name, r.unit_id, \
         un.name AS unit_name, r.organisation_id, o.name AS organisation_name \
         FROM user_roles r JOIN zones z ON z.id = r.zone_id \
         LEFT JOIN units un ON un.id = r.unit_id \
         LEFT JOIN organisations o ON o.id = r.organisation_id \
         WHERE r.user_id = $1 ORDER BY r.id",
        user_id,
    )
    .await
}

pub async fn add_role(db: &Db, actor: &Actor, user_id: i64, grant: &Grant) -> Result<i64> {
    let user = get_user(db, user_id).await?.ok_or(StoreError::NotFound)?;
    audited!(db, actor, |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO user_roles (user_id, role, zone_id, unit_id, organisation_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(grant.role.code())
        .bind(grant.zone_id)
        .bind(grant.unit_id)
        .bind(grant.organisation_id)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_unique(e, &[("user_roles_grant_uq", "role")]))?;
        let entry = AuditEntry::new(action::ROLE_GRANT, entity::USER, Some(user_id))
            .zone(Some(grant.zone_id))
            .summary(format!(
                "Ruolo {} all'utente «{}»",
                grant.role.label(),
                user.username
            ))
            .after(grant);
        (id, entry)
    })
}

pub async fn remove_role(db: &Db, actor: &Actor, user_id: i64, role_id: i64) -> Result<()> {
    let user = get_user(db, user_id).await?.ok_or(StoreError::NotFound)?;
    let existing = roles(db, user_id)
        .await?
        .into_iter()
        .find(|r| r.id == role_id)
        .ok_or(StoreError::NotFound)?;
    audited!(db, actor, |tx| {
        sqlx::query("DELETE FROM user_roles WHERE id = $1 AND user_id = $2")
            .bind(role_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::new(action::ROLE_REVOKE, entity::USER, Some(user_id))
            .zone(Some(existing.zone_id))
            .summary(format!(
                "Ruolo {} dell'utente «{}»",
                existing.describe(),
                user.username
            ))
            .before(&existing.grant());
        ((), entry)
    })
}

// ---------------------------------------------------------------- failed logins

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LoginAttempts {
    pub failures: i64,
    pub locked_until: Option<OffsetDateTime>,
}

/// The answer to "may this password be checked now?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Check it: this is the n-th attempt counted for the name from this
    /// client since its last success.
    Judge { attempt: i64 },
    /// Do not check it: the name is throttled for this client.
    Refused {
        failures: i64,
        until: OffsetDateTime,
    },
}

/// Counts one attempt for a login name from a client **before** its password
/// is checked, in one atomic step, and tells whether it may be checked.
///
/// The count and the lock are read and written under the row's lock (one
/// upsert, then the lock in the same transaction), so guesses sent in
/// parallel are counted one after the other: once `lock_for(n)` gives a
/// lock, every later attempt is refused until it ends, however many were
/// sent at once. A refused attempt is not counted. The count is kept per
/// name and client address, whether or not the user exists (so that the
/// lock does not reveal which names are real), and a success clears it
/// with [`clear_login_failures`].
pub async fn admit_login(
    db: &Db,
    username: &str,
    client: &str,
    lock_for: impl Fn(i64) -> Option<time::Duration>,
) -> Result<Admission> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let counted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO login_throttle (username, client, failures, last_failure_at) \
             VALUES ($1, $2, 1, $3) \
             ON CONFLICT (username, client) DO UPDATE SET \
             failures = login_throttle.failures + 1, last_failure_at = excluded.last_failure_at \
             WHERE login_throttle.locked_until IS NULL OR login_throttle.locked_until <= $3 \
             RETURNING failures",
        )
        .bind(username)
        .bind(client)
        .bind(t)
        .fetch_optional(&mut *tx)
        .await?;
        let answer = match counted {
            Some(n) => {
                let locked_until = lock_for(n).map(|d| t + d);
                sqlx::query(
                    "UPDATE login_throttle SET locked_until = $1 WHERE username = $2 AND client = $3",
                )
                .bind(locked_until)
                .bind(username)
                .bind(client)
                .execute(&mut *tx)
                .await?;
                Admission::Judge { attempt: n }
            }
            None => {
                let a = sqlx::query_as::<_, LoginAttempts>(
                    "SELECT failures, locked_until FROM login_throttle \
                     WHERE username = $1 AND client = $2",
                )
                .bind(username)
                .bind(client)
                .fetch_one(&mut *tx)
                .await?;
                Admission::Refused {
                    failures: a.failures,
                    until: a.locked_until.unwrap_or(t),
                }
            }
        };
        tx.commit().await?;
        Ok(answer)
    })
}

/// The attempts counted for a name from a client, and its lock.
pub async fn login_attempts(
    db: &Db,
    username: &str,
    client: &str,
) -> Result<Option<LoginAttempts>> {
    on_db!(db, |pool| Ok(sqlx::query_as::<_, LoginAttempts>(
        "SELECT failures, locked_until FROM login_throttle WHERE username = $1 AND client = $2"
    )
    .bind(username)
    .bind(client)
    .fetch_optional(pool)
    .await?))
}

/// A success from a client clears that client's count for the name; other
/// clients' counts stay, so a success does not reset a stranger's back-off.
pub async fn clear_login_failures(db: &Db, username: &str, client: &str) -> Result<()> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM login_throttle WHERE username = $1 AND client = $2")
            .bind(username)
            .bind(client)
            .execute(pool)
            .await?;
        Ok(())
    })
}

/// A person who acts for a Third Sector body (holds its role).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Representative {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub active: bool,
}

pub async fn representatives(db: &Db, organisation_id: i64) -> Result<Vec<Representative>> {
    select_all::<Representative>(
        db,
        "SELECT DISTINCT u.id, u.username, u.full_name, u.email, u.active FROM users u \
         JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = 'third_sector' AND r.organisation_id = $1 ORDER BY u.full_name",
        organisation_id,
    )
    .await
}

/// Makes a one-time sign-in link for a user: returns the token, of which
/// only the hash is stored. Earlier unused links of the user stop working.
pub async fn invite(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    valid_for: time::Duration,
) -> Result<String> {
    let user = get_user(db, user_id).await?.ok_or(StoreError::NotFound)?;
    let token = crate::sessions::random_token();
    let t = now();
    audited!(db, actor, |tx| {
        sqlx::query(
            "UPDATE user_invitations SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(t)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO user_invitations (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(crate::sessions::hash_token(&token))
        .bind(user_id)
        .bind(t)
        .bind(t + valid_for)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry::new(action::INVITE, entity::USER, Some(user_id))
            .zone(Some(user.zone_id))
            .summary(format!(
                "Collegamento di accesso per l'utente «{}», valido fino al {}",
                user.username,
                zona_core::format::datetime(t + valid_for)
            ));
        (token.clone(), entry)
    })
}

/// The user a sign-in link is for, while it is unused and in time.
pub async fn invited(db: &Db, token: &str) -> Result<Option<User>> {
    let row: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT user_id FROM user_invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(crate::sessions::hash_token(token))
        .bind(now())
        .fetch_optional(pool)
        .await
    })?;
    match row {
        Some((id,)) => get_user(db, id).await,
        None => Ok(None),
    }
}

/// Sets a user's password through a sign-in link, which then stops working:
/// in one transaction, so a link is never used twice. `false` when the link
/// is unknown, used or expired.
pub async fn accept_invitation(db: &Db, token: &str, password_hash: &str) -> Result<bool> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let used: Option<(i64,)> = sqlx::query_as(
            "UPDATE user_invitations SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(t)
        .bind(crate::sessions::hash_token(token))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id,)) = used else {
            return Ok(false);
        };
        let (username, zone_id): (String, i64) =
            sqlx::query_as("SELECT username, zone_id FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3, \
             version = version + 1 WHERE id = $4",
        )
        .bind(password_hash)
        .bind(false)
        .bind(t)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM login_throttle WHERE username = $1")
            .bind(&username)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::new(action::PASSWORD_CHANGE, entity::USER, Some(user_id))
            .zone(Some(zone_id))
            .summary(format!(
                "Password dell'utente «{username}» impostata con il collegamento di accesso"
            ));
        write_audit!(&mut *tx, &Actor::user(user_id, &username, None), entry);
        tx.commit().await?;
        Ok(true)
    })
}
