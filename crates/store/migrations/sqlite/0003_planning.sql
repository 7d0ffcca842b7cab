-- The planning tree: integrated health plan (PIS) with its health objectives,
-- annual operating plans (POA) with programmes and activity sheets.
-- Keep in step with migrations/postgres/0003_planning.sql.

CREATE TABLE health_plans (
    id            INTEGER PRIMARY KEY,
    zone_id       INTEGER NOT NULL REFERENCES zones (id),
    title         TEXT    NOT NULL,
    period_start  INTEGER NOT NULL,
    period_end    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    CHECK (period_end >= period_start)
);
CREATE UNIQUE INDEX health_plans_period_start_uq ON health_plans (zone_id, period_start);

CREATE TABLE health_objectives (
    id              INTEGER PRIMARY KEY,
    health_plan_id  INTEGER NOT NULL REFERENCES health_plans (id),
    position        INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX health_objectives_title_uq ON health_objectives (health_plan_id, lower(title));

CREATE TABLE annual_plans (
    id              INTEGER PRIMARY KEY,
    zone_id         INTEGER NOT NULL REFERENCES zones (id),
    year            INTEGER NOT NULL,
    health_plan_id  INTEGER NOT NULL REFERENCES health_plans (id),
    status          TEXT    NOT NULL DEFAULT 'open',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX annual_plans_year_uq ON annual_plans (zone_id, year);

CREATE TABLE programmes (
    id                   INTEGER PRIMARY KEY,
    annual_plan_id       INTEGER NOT NULL REFERENCES annual_plans (id),
    health_objective_id  INTEGER NOT NULL REFERENCES health_objectives (id),
    position             INTEGER NOT NULL,
    title                TEXT    NOT NULL,
    created_at           TEXT    NOT NULL
);
CREATE UNIQUE INDEX programmes_title_uq ON programmes (annual_plan_id, lower(title));

CREATE TABLE activities (
    id              INTEGER PRIMARY KEY,
    annual_plan_id  INTEGER NOT NULL REFERENCES annual_plans (id),
    programme_id    INTEGER NOT NULL REFERENCES programmes (id),
    code            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    description     TEXT,
    demo            BOOLEAN NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX activities_code_uq ON activities (annual_plan_id, code);
CREATE INDEX activities_programme_ix ON activities (programme_id);
