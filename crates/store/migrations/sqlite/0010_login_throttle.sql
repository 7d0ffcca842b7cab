-- Failed logins are counted per login name AND client address, so that a
-- stranger who knows a name cannot lock its owner out from elsewhere, and
-- each attempt is counted before its password is checked (see docs/domain.md,
-- "Login and sessions"). The per-name table it replaces is dropped.
DROP TABLE login_attempts;

CREATE TABLE login_throttle (
    username         TEXT    NOT NULL,
    client           TEXT    NOT NULL,
    failures         INTEGER NOT NULL,
    locked_until     TEXT,
    last_failure_at  TEXT    NOT NULL,
    PRIMARY KEY (username, client)
);
