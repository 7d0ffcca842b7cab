//! Notifications and the e-mail outbox.
//!
//! A notification tells one person of one event, in the application (the
//! bell) and, when mail is on, by e-mail. An e-mail waits in the outbox until
//! the mail server takes it: a mail server that is down delays it, never
//! loses it, and never fails the action that caused it.

use crate::audit::{action, audited, entity, Actor, AuditEntry};
use crate::db::{select_all, BeginWrite};
use crate::{now, on_db, Db, Page, Result};
use serde::Serialize;
use time::OffsetDateTime;

/// One event for one person. `event_key` names the event, so that telling
/// the same person of the same event twice has no effect.
#[derive(Clone, Debug)]
pub struct NewNotification {
    pub user_id: i64,
    pub event_key: String,
    pub title: String,
    pub link: String,
}

/// Records notifications; one already recorded (same person, same event) is
/// left as it is. A person with an e-mail address gets it by mail too.
/// Returns how many were new.
pub async fn notify(db: &Db, items: &[NewNotification]) -> Result<u64> {
    if items.is_empty() {
        return Ok(0);
    }
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let mut added = 0;
        for n in items {
            added += sqlx::query(
                "INSERT INTO notifications (user_id, event_key, title, link, created_at, mail) \
                 SELECT id, $2, $3, $4, $5, \
                 CASE WHEN email IS NOT NULL AND email <> '' THEN 'pending' ELSE 'none' END \
                 FROM users WHERE id = $1 AND active \
                 ON CONFLICT (user_id, event_key) DO NOTHING",
            )
            .bind(n.user_id)
            .bind(&n.event_key)
            .bind(&n.title)
            .bind(&n.link)
            .bind(t)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub link: String,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

pub async fn unread(db: &Db, user_id: i64) -> Result<i64> {
    on_db!(db, |pool| {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(pool)
        .await?;
        Ok(n)
    })
}

/// A person's notifications, newest first, and how many there are.
pub async fn list(db: &Db, user_id: i64, page: &Page) -> Result<(Vec<Notification>, i64)> {
    on_db!(db, |pool| {
        let rows = sqlx::query_as::<_, Notification>(
            "SELECT id, title, link, created_at, read_at FROM notifications WHERE user_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(user_id)
        .bind(page.size)
        .bind(page.offset())
        .fetch_all(pool)
        .await?;
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(pool)
                .await?;
        Ok((rows, total))
    })
}

/// Marks a person's notifications as read: the ones given, seen on a page.
pub async fn mark_read(db: &Db, user_id: i64, ids: &[i64]) -> Result<()> {
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        for id in ids {
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
            )
            .bind(t)
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// One notification of a person (none for someone else's).
pub async fn get(db: &Db, user_id: i64, id: i64) -> Result<Option<Notification>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as::<_, Notification>(
        "SELECT id, title, link, created_at, read_at FROM notifications WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?)
    })
}

/// The active people holding a role in a zone: all of them, or only those
/// of one unit or one body.
pub async fn holders(
    db: &Db,
    zone_id: i64,
    role: &str,
    unit_id: Option<i64>,
    organisation_id: Option<i64>,
) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE u.active AND r.zone_id = $1 AND r.role = $2 \
             AND ($3 IS NULL OR r.unit_id = $3) AND ($4 IS NULL OR r.organisation_id = $4) \
             ORDER BY u.id",
        )
        .bind(zone_id)
        .bind(role)
        .bind(unit_id)
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A pending notification waiting for its e-mail.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PendingMail {
    pub id: i64,
    pub user_id: i64,
    pub email: String,
    pub full_name: String,
    pub title: String,
    pub link: String,
    pub created_at: OffsetDateTime,
}

/// Drops the e-mail of notifications older than `stale` that still wait
/// for it: mail turned on today does not send last month's news. Writes
/// only when there is something to drop.
pub async fn skip_stale(db: &Db, stale: OffsetDateTime) -> Result<()> {
    on_db!(db, |pool| {
        let (waiting,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM notifications WHERE mail = 'pending' AND created_at < $1",
        )
        .bind(stale)
        .fetch_one(pool)
        .await?;
        if waiting > 0 {
            sqlx::query(
                "UPDATE notifications SET mail = 'skipped' WHERE mail = 'pending' AND created_at < $1",
            )
            .bind(stale)
            .execute(pool)
            .await?;
        }
        Ok(())
    })
}

/// Pending e-mails: of the people who take one per event, or of those who
/// take the daily digest, recorded before `before`.
pub async fn pending_mail(
    db: &Db,
    digest: bool,
    before: OffsetDateTime,
) -> Result<Vec<PendingMail>> {
    on_db!(db, |pool| Ok(sqlx::query_as::<_, PendingMail>(
        "SELECT n.id, n.user_id, u.email, u.full_name, n.title, n.link, n.created_at \
         FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.mail = 'pending' AND u.mail_digest = $1 AND n.created_at < $2 \
         AND u.email IS NOT NULL ORDER BY n.user_id, n.created_at, n.id LIMIT 1000",
    )
    .bind(digest)
    // SQLite compares instants as text: one given in Italian time (the
    // digest's cutoff) must be written as the stored ones are, in UTC, or
    // 00:30 in Rome would read as later than 23:45 UTC of the day before.
    .bind(before.to_offset(time::UtcOffset::UTC))
    .fetch_all(pool)
    .await?))
}

/// An e-mail to send.
#[derive(Clone, Debug)]
pub struct NewMail {
    pub user_id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Puts e-mails in the outbox and marks the notifications they carry as
/// queued, in one transaction. When another instance queued one of them
/// first, nothing is queued: the next round reads the pending ones again.
pub async fn enqueue(db: &Db, mails: &[(NewMail, Vec<i64>)]) -> Result<()> {
    if mails.is_empty() {
        return Ok(());
    }
    let t = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        for (m, carried) in mails {
            let mut claimed = 0;
            for id in carried {
                claimed += sqlx::query(
                    "UPDATE notifications SET mail = 'queued' WHERE id = $1 AND mail = 'pending'",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            if claimed != carried.len() as u64 {
                tx.rollback().await?;
                return Ok(());
            }
            sqlx::query(
                "INSERT INTO mail_outbox (user_id, to_address, subject, body, created_at, next_attempt_at) \
                 VALUES ($1, $2, $3, $4, $5, $5)",
            )
            .bind(m.user_id)
            .bind(&m.to)
            .bind(&m.subject)
            .bind(&m.body)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Takes an e-mail of the outbox to send it: moves its next attempt to
/// `until`, unless another instance took it first (`false`). Sent, it is
/// marked so; if this instance stops while sending, it is tried again then.
pub async fn claim(db: &Db, m: &OutboxMail, until: OffsetDateTime) -> Result<bool> {
    on_db!(db, |pool| {
        let n = sqlx::query(
            "UPDATE mail_outbox SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3 AND sent_at IS NULL",
        )
        .bind(until)
        .bind(m.id)
        .bind(m.next_attempt_at)
        .execute(pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub next_attempt_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
}

/// After this many failed attempts an e-mail is given up (its error stays
/// in the outbox): at an hour apart, that is about half a day.
pub const MAX_ATTEMPTS: i64 = 16;

/// The e-mails due now, oldest first.
pub async fn due(db: &Db, at: OffsetDateTime, limit: i64) -> Result<Vec<OutboxMail>> {
    on_db!(db, |pool| {
        Ok(sqlx::query_as::<_, OutboxMail>(
        "SELECT id, to_address, subject, body, attempts, next_attempt_at, sent_at, last_error \
         FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 AND attempts < $3 ORDER BY id LIMIT $2",
    )
    .bind(at)
    .bind(limit)
    .bind(MAX_ATTEMPTS)
    .fetch_all(pool)
    .await?)
    })
}

pub async fn sent(db: &Db, id: i64) -> Result<()> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(pool)
            .await?;
        Ok(())
    })
}

/// Records a failed attempt and when to try again.
pub async fn failed(db: &Db, id: i64, error: &str, retry_at: OffsetDateTime) -> Result<()> {
    let error: String = error.chars().take(1000).collect();
    on_db!(db, |pool| {
        sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
        )
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .execute(pool)
        .await?;
        Ok(())
    })
}

/// The outbox, newest first (for the office's administration page and the
/// tests).
pub async fn outbox(db: &Db, limit: i64) -> Result<Vec<OutboxMail>> {
    select_all::<OutboxMail>(
        db,
        "SELECT id, to_address, subject, body, attempts, next_attempt_at, sent_at, last_error \
         FROM mail_outbox ORDER BY id DESC LIMIT $1",
        limit,
    )
    .await
}

/// Whether a person takes one e-mail a day instead of one per event.
pub async fn set_digest(db: &Db, actor: &Actor, user_id: i64, digest: bool) -> Result<()> {
    let (before, _) = preferences(db, user_id).await?;
    let label = |d: bool| {
        if d {
            "un riepilogo al giorno"
        } else {
            "un messaggio per evento"
        }
    };
    audited!(db, actor, |tx| {
        sqlx::query("UPDATE users SET mail_digest = $1 WHERE id = $2")
            .bind(digest)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::new(action::UPDATE, entity::USER, Some(user_id))
            .summary(format!("Avvisi per e-mail: {}", label(digest)))
            .before(&serde_json::json!({ "riepilogo_giornaliero": before }))
            .after(&serde_json::json!({ "riepilogo_giornaliero": digest }));
        ((), entry)
    })
}

/// Gives a person a new private address for their calendar feed: returns
/// its token, of which only the hash is kept. The earlier address stops
/// working.
pub async fn new_calendar_token(db: &Db, actor: &Actor, user_id: i64) -> Result<String> {
    let token = crate::sessions::random_token();
    audited!(db, actor, |tx| {
        sqlx::query("UPDATE users SET calendar_token_hash = $1 WHERE id = $2")
            .bind(crate::sessions::hash_token(&token))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::new(action::UPDATE, entity::USER, Some(user_id))
            .summary("Nuovo indirizzo privato del calendario delle scadenze".to_string());
        (token.clone(), entry)
    })
}

/// The active person a calendar token belongs to.
pub async fn calendar_owner(db: &Db, token: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id FROM users WHERE calendar_token_hash = $1 AND active")
            .bind(crate::sessions::hash_token(token))
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(id,)| id))
}

/// A person's choices: the daily digest, and whether they have a calendar
/// address.
pub async fn preferences(db: &Db, user_id: i64) -> Result<(bool, bool)> {
    on_db!(db, |pool| {
        let (d, feed): (bool, bool) = sqlx::query_as(
            "SELECT mail_digest, calendar_token_hash IS NOT NULL FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_one(pool)
        .await?;
        Ok((d, feed))
    })
}

/// A Third Sector body's representative in a zone.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BodyUser {
    pub user_id: i64,
    pub organisation_id: i64,
}

pub async fn third_sector_users(db: &Db, zone_id: i64) -> Result<Vec<BodyUser>> {
    select_all::<BodyUser>(
        db,
        "SELECT DISTINCT u.id AS user_id, r.organisation_id FROM users u \
         JOIN user_roles r ON r.user_id = u.id \
         WHERE u.active AND r.zone_id = $1 AND r.role = 'third_sector' AND r.organisation_id IS NOT NULL \
         ORDER BY u.id",
        zone_id,
    )
    .await
}

/// The procedures, of every zone, whose published notice closes in a span
/// of days.
pub async fn notices_closing(db: &Db, from: time::Date, to: time::Date) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id FROM coprogramming_procedures WHERE notice_published_on IS NOT NULL \
             AND COALESCE(notice_runs_to, notice_closes) BETWEEN $1 AND $2 ORDER BY id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
