-- Daily work: the deadlines the office sets on an annual plan, the
-- notifications each person receives, and the outbox of e-mails.
-- Keep in step with the other backend's 0020_daily_work.sql.

-- A POA's deadlines: when its sheets are due, and each monitoring round.
CREATE TABLE plan_deadlines (
    id              INTEGER PRIMARY KEY,
    annual_plan_id  INTEGER NOT NULL REFERENCES annual_plans (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('compilation', 'monitoring')),
    label           TEXT    NOT NULL,
    due_on          TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX plan_deadlines_label_uq ON plan_deadlines (annual_plan_id, lower(label));

-- What a person is told in the application. `event_key` names the event,
-- so that one event reaches one person once. `mail` is the e-mail's state:
-- none (no address), pending (to send, alone or in the daily digest),
-- queued (in the outbox), skipped (too old when mail was turned on).
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    event_key   TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    read_at     TEXT,
    mail        TEXT    NOT NULL CHECK (mail IN ('none', 'pending', 'queued', 'skipped'))
);
CREATE UNIQUE INDEX notifications_event_uq ON notifications (user_id, event_key);
CREATE INDEX notifications_user_ix ON notifications (user_id, created_at);
CREATE INDEX notifications_mail_ix ON notifications (mail);

-- E-mails to send, kept until the mail server takes them.
CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    to_address       TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    sent_at          TEXT,
    last_error       TEXT
);
CREATE INDEX mail_outbox_due_ix ON mail_outbox (sent_at, next_attempt_at);

-- A person may take one e-mail a day instead of one per event; and reads
-- their deadlines in a calendar program through a private address, of
-- which only the hash is kept.
ALTER TABLE users ADD COLUMN mail_digest BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN calendar_token_hash TEXT;
CREATE UNIQUE INDEX users_calendar_token_uq ON users (calendar_token_hash);
