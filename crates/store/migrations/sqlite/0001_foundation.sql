-- Foundation schema: territory, organisations, users and roles, sessions, audit log.
-- Keep in step with migrations/postgres/0001_foundation.sql (a test compares the two schemas).

CREATE TABLE regions (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX regions_code_uq ON regions (code);
CREATE UNIQUE INDEX regions_name_uq ON regions (lower(name));

CREATE TABLE zones (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL REFERENCES regions (id),
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    lead_body   TEXT,
    active      BOOLEAN NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX zones_code_uq ON zones (code);
CREATE UNIQUE INDEX zones_name_uq ON zones (lower(name));
CREATE INDEX zones_region_ix ON zones (region_id);

CREATE TABLE municipalities (
    id          INTEGER PRIMARY KEY,
    zone_id     INTEGER NOT NULL REFERENCES zones (id),
    istat_code  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX municipalities_istat_code_uq ON municipalities (istat_code);
CREATE UNIQUE INDEX municipalities_name_uq ON municipalities (zone_id, lower(name));

CREATE TABLE municipality_populations (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    year            INTEGER NOT NULL,
    population      INTEGER NOT NULL CHECK (population >= 0),
    source          TEXT,
    PRIMARY KEY (municipality_id, year)
);

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    zone_id     INTEGER NOT NULL REFERENCES zones (id),
    kind        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    tax_code    TEXT,
    email       TEXT,
    phone       TEXT,
    address     TEXT,
    active      BOOLEAN NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX organisations_name_uq ON organisations (zone_id, lower(name));
CREATE INDEX organisations_kind_ix ON organisations (zone_id, kind);

CREATE TABLE units (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    name             TEXT    NOT NULL,
    description      TEXT,
    email            TEXT,
    active           BOOLEAN NOT NULL DEFAULT 1,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX units_name_uq ON units (organisation_id, lower(name));

CREATE TABLE users (
    id                    INTEGER PRIMARY KEY,
    username              TEXT    NOT NULL,
    full_name             TEXT    NOT NULL,
    email                 TEXT,
    password_hash         TEXT    NOT NULL,
    zone_id               INTEGER NOT NULL REFERENCES zones (id),
    organisation_id       INTEGER REFERENCES organisations (id),
    active                BOOLEAN NOT NULL DEFAULT 1,
    must_change_password  BOOLEAN NOT NULL DEFAULT 0,
    last_login_at         TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_username_uq ON users (username);

CREATE TABLE user_roles (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    role             TEXT    NOT NULL,
    zone_id          INTEGER NOT NULL REFERENCES zones (id),
    unit_id          INTEGER REFERENCES units (id),
    organisation_id  INTEGER REFERENCES organisations (id),
    created_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX user_roles_grant_uq ON user_roles (user_id, role, zone_id, coalesce(unit_id, 0), coalesce(organisation_id, 0));

CREATE TABLE sessions (
    id            TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    csrf_token    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    last_seen_at  TEXT    NOT NULL
);
CREATE INDEX sessions_user_ix ON sessions (user_id);
CREATE INDEX sessions_expires_ix ON sessions (expires_at);

CREATE TABLE login_attempts (
    username         TEXT    PRIMARY KEY,
    failures         INTEGER NOT NULL,
    locked_until     TEXT,
    last_failure_at  TEXT    NOT NULL
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT    NOT NULL,
    actor_id     INTEGER,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    entity       TEXT    NOT NULL,
    entity_id    INTEGER,
    zone_id      INTEGER,
    summary      TEXT    NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    ip           TEXT
);
CREATE INDEX audit_log_at_ix ON audit_log (at);
CREATE INDEX audit_log_entity_ix ON audit_log (entity, entity_id);

-- The audit log is append-only, whatever the application does.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
