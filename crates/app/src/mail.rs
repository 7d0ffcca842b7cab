//! The notifier: a background task of the web server that sends the
//! deadline reminders of each day and, when mail is on, the e-mails of the
//! notifications.
//!
//! E-mails go through the outbox (`mail_outbox`): a notification becomes an
//! e-mail in the outbox (or a line of the next daily digest), and the outbox
//! is sent to the mail server. A server that is down or refuses a message
//! leaves it in the outbox, tried again after a wait that doubles at each
//! failure, up to an hour; so a person's action never waits for the mail
//! server, and no e-mail is lost while it is away.

use crate::config::MailConfig;
use crate::Config;
use anyhow::{Context, Result};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use time::{Date, OffsetDateTime};
use zona_store::notifications::{self, NewMail, PendingMail};
use zona_store::Db;

/// Notifications waiting longer for their e-mail are not mailed: turning mail
/// on does not send weeks-old news.
const STALE_AFTER: time::Duration = time::Duration::days(2);
/// How long an e-mail taken for sending is left to the instance that took
/// it, before another may try it.
const CLAIM: time::Duration = time::Duration::minutes(5);
/// The longest wait between two attempts of one e-mail.
const MAX_RETRY: Duration = Duration::from_secs(3600);

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Refuses settings that cannot work, when zona starts rather than at the
/// first e-mail.
pub fn check_settings(smtp_url: &str, from: &str) -> Result<()> {
    Transport::from_url(smtp_url).with_context(|| {
        format!(
            "--smtp-url {}: not a mail server address",
            zona_store::redact(smtp_url)
        )
    })?;
    from.parse::<Mailbox>()
        .with_context(|| format!("--mail-from {from}: not an e-mail address"))?;
    Ok(())
}

/// Starts the notifier on the runtime.
pub fn spawn(db: Db, config: Arc<Config>) {
    tokio::spawn(async move {
        let transport = config
            .mail
            .as_ref()
            .and_then(|m| match Transport::from_url(&m.smtp_url) {
                Ok(b) => Some((b.timeout(Some(Duration::from_secs(20))).build(), m.clone())),
                Err(e) => {
                    tracing::error!("mail is off: {e}");
                    None
                }
            });
        let mut reminded: Option<Date> = None;
        loop {
            let today = config.clock.today();
            if reminded != Some(today) {
                match crate::usecase::notify::remind_deadlines(&db, today).await {
                    Ok(_) => reminded = Some(today),
                    Err(e) => tracing::warn!("deadline reminders failed: {e}"),
                }
            }
            if let Some((transport, mail)) = &transport {
                if let Err(e) = deliver(&db, transport, mail, zona_store::now()).await {
                    tracing::warn!("mail delivery failed: {e}");
                }
            }
            tokio::time::sleep(config.notifier_interval).await;
        }
    });
}

/// One round: notifications into the outbox, then the outbox to the server.
async fn deliver(
    db: &Db,
    transport: &Transport,
    mail: &MailConfig,
    now: OffsetDateTime,
) -> Result<()> {
    notifications::skip_stale(db, now - STALE_AFTER).await?;
    let each = notifications::pending_mail(db, false, now).await?;
    let queued: Vec<(NewMail, Vec<i64>)> =
        each.iter().map(|n| (single(n, mail), vec![n.id])).collect();
    notifications::enqueue(db, &queued).await?;
    if let Some(before) = digest_cutoff(now, mail.digest_hour) {
        let waiting = notifications::pending_mail(db, true, before).await?;
        let mut by_user: BTreeMap<i64, Vec<&PendingMail>> = BTreeMap::new();
        for n in &waiting {
            by_user.entry(n.user_id).or_default().push(n);
        }
        let digests: Vec<(NewMail, Vec<i64>)> = by_user
            .values()
            .map(|ns| {
                (
                    digest(ns, mail, before.date()),
                    ns.iter().map(|n| n.id).collect(),
                )
            })
            .collect();
        notifications::enqueue(db, &digests).await?;
    }
    let from: Mailbox = mail.from.parse()?;
    for m in notifications::due(db, now, 50).await? {
        if !notifications::claim(db, &m, now + CLAIM).await? {
            continue;
        }
        let sent = match build(&from, &m.to_address, &m.subject, &m.body) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match sent {
            Ok(()) => notifications::sent(db, m.id).await?,
            Err(e) => {
                let wait = mail
                    .retry_after
                    .saturating_mul(1 << m.attempts.clamp(0, 16))
                    .min(MAX_RETRY);
                tracing::warn!("e-mail {} to {} not sent: {e}", m.id, m.to_address);
                notifications::failed(db, m.id, &e, now + wait).await?;
            }
        }
    }
    Ok(())
}

fn build(from: &Mailbox, to: &str, subject: &str, body: &str) -> Result<Message, String> {
    let to: Mailbox = to
        .parse()
        .map_err(|e| format!("indirizzo non valido: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|e| e.to_string())
}

/// The instant before which a digest gathers what arrived: today at the
/// digest hour, once that hour has come (Italian time).
fn digest_cutoff(now: OffsetDateTime, hour: u8) -> Option<OffsetDateTime> {
    let local = zona_core::format::to_italian_time(now);
    let at = time::Time::from_hms(hour.min(23), 0, 0).expect("a valid hour");
    (local.hour() >= hour.min(23)).then(|| local.replace_time(at))
}

const FOOTER: &str = "Ricevi questo messaggio perché hai un account su zona. \
Dal tuo profilo puoi scegliere di ricevere un solo riepilogo al giorno.";

fn single(n: &PendingMail, mail: &MailConfig) -> NewMail {
    NewMail {
        user_id: n.user_id,
        to: n.email.clone(),
        subject: format!("[zona] {}", n.title),
        body: format!(
            "Gentile {},\n\n{}.\n\nApri: {}{}\n\n-- \n{FOOTER}\nProfilo: {}/account\n",
            n.full_name, n.title, mail.public_url, n.link, mail.public_url
        ),
    }
}

fn digest(ns: &[&PendingMail], mail: &MailConfig, day: Date) -> NewMail {
    let first = ns[0];
    let lines: String = ns
        .iter()
        .map(|n| {
            format!(
                "- {} ({})\n  {}{}\n",
                n.title,
                zona_core::format::datetime(n.created_at),
                mail.public_url,
                n.link
            )
        })
        .collect();
    NewMail {
        user_id: first.user_id,
        to: first.email.clone(),
        subject: format!(
            "[zona] Riepilogo del {}: {}",
            zona_core::format::date(day),
            zona_core::format::count(ns.len() as i64, "notifica", "notifiche")
        ),
        body: format!(
            "Gentile {},\n\necco le notifiche arrivate dall'ultimo riepilogo:\n\n{lines}\n-- \n{FOOTER}\nProfilo: {}/account\n",
            first.full_name, mail.public_url
        ),
    }
}
