//! Server-side sessions, stored in the database so that several app instances
//! can serve the same users. The cookie holds a random token; the table holds
//! only its SHA-256, so a leaked database does not leak live sessions.

use crate::{now, on_db, Db, Result};
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a session and returns the token for the cookie.
pub async fn create(db: &Db, user_id: i64, ttl: Duration) -> Result<(String, Session)> {
    let token = random_token();
    let t = now();
    let s = Session {
        id: hash_token(&token),
        user_id,
        csrf_token: random_token(),
        created_at: t,
        expires_at: t + ttl,
        last_seen_at: t,
    };
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.id)
        .bind(s.user_id)
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.last_seen_at)
        .execute(pool)
        .await?;
        Ok::<(), crate::StoreError>(())
    })?;
    Ok((token, s))
}

/// How often a session's expiry slides forward: reading a page writes
/// nothing in between, and the idle timeout is kept to within this.
pub const REFRESH: Duration = Duration::minutes(5);

/// The live session of a cookie token, with its expiry slid forward when it
/// was last seen more than [`REFRESH`] ago (idle timeout, few writes).
pub async fn find(db: &Db, token: &str, idle_ttl: Duration) -> Result<Option<Session>> {
    let id = hash_token(token);
    let t = now();
    let s: Option<Session> = on_db!(db, |pool| sqlx::query_as::<_, Session>(
        "SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = $1 AND s.expires_at > $2 AND u.active = $3"
    )
    .bind(&id)
    .bind(t)
    .bind(true)
    .fetch_optional(pool)
    .await)?;
    if let Some(s) = &s {
        if t - s.last_seen_at > REFRESH {
            on_db!(db, |pool| sqlx::query(
                "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3"
            )
            .bind(t)
            .bind(t + idle_ttl)
            .bind(&id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        }
    }
    Ok(s)
}

pub async fn delete(db: &Db, token: &str) -> Result<()> {
    let id = hash_token(token);
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(&id)
            .execute(pool)
            .await?;
        Ok(())
    })
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(db: &Db) -> Result<u64> {
    on_db!(db, |pool| Ok(sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now())
    .execute(pool)
    .await?
    .rows_affected()))
}
