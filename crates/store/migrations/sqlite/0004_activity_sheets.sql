-- The full activity sheet: controlled vocabularies, the sheet's fields,
-- funding lines, indicators, covered municipalities, and the acts of the
-- plans (approval, amendments).
-- Keep in step with migrations/postgres/0004_activity_sheets.sql.

-- Shared by every zone, so that sheets are comparable across zones and years.
CREATE TABLE vocabulary_terms (
    id           INTEGER PRIMARY KEY,
    vocabulary   TEXT    NOT NULL,
    code         TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    description  TEXT,
    position     INTEGER NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX vocabulary_terms_code_uq ON vocabulary_terms (vocabulary, code);
CREATE UNIQUE INDEX vocabulary_terms_label_uq ON vocabulary_terms (vocabulary, lower(label));

ALTER TABLE annual_plans ADD COLUMN approved_at TEXT;

ALTER TABLE activities ADD COLUMN sector TEXT;
ALTER TABLE activities ADD COLUMN kind TEXT;
ALTER TABLE activities ADD COLUMN unit_id INTEGER REFERENCES units (id);
ALTER TABLE activities ADD COLUMN organisation_id INTEGER REFERENCES organisations (id);
ALTER TABLE activities ADD COLUMN start_date TEXT;
ALTER TABLE activities ADD COLUMN end_date TEXT;
ALTER TABLE activities ADD COLUMN status TEXT NOT NULL DEFAULT 'to_fill';
ALTER TABLE activities ADD COLUMN review_comment TEXT;
ALTER TABLE activities ADD COLUMN progress INTEGER;
ALTER TABLE activities ADD COLUMN survey_date TEXT;
ALTER TABLE activities ADD COLUMN monitoring_notes TEXT;
ALTER TABLE activities ADD COLUMN internal_notes TEXT;
ALTER TABLE activities ADD COLUMN previous_id INTEGER REFERENCES activities (id);
CREATE INDEX activities_unit_ix ON activities (unit_id);

CREATE TABLE activity_target_areas (
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    area         TEXT    NOT NULL,
    PRIMARY KEY (activity_id, area)
);

CREATE TABLE activity_municipalities (
    activity_id      INTEGER NOT NULL REFERENCES activities (id),
    municipality_id  INTEGER NOT NULL REFERENCES municipalities (id),
    PRIMARY KEY (activity_id, municipality_id)
);

CREATE TABLE funding_lines (
    id            INTEGER PRIMARY KEY,
    activity_id   INTEGER NOT NULL REFERENCES activities (id),
    position      INTEGER NOT NULL,
    source        TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    amount_cents  INTEGER NOT NULL,
    CHECK (amount_cents >= 0)
);
CREATE INDEX funding_lines_activity_ix ON funding_lines (activity_id);

-- Indicator values are exact decimals kept as text ("12,5" is stored "12.5").
CREATE TABLE indicators (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    position     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    unit         TEXT    NOT NULL,
    baseline     TEXT,
    target       TEXT,
    actual       TEXT
);
CREATE INDEX indicators_activity_ix ON indicators (activity_id);

CREATE TABLE plan_acts (
    id              INTEGER PRIMARY KEY,
    zone_id         INTEGER NOT NULL REFERENCES zones (id),
    health_plan_id  INTEGER REFERENCES health_plans (id),
    annual_plan_id  INTEGER REFERENCES annual_plans (id),
    kind            TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    number          TEXT    NOT NULL,
    act_date        TEXT    NOT NULL,
    description     TEXT,
    created_at      TEXT    NOT NULL,
    CHECK ((health_plan_id IS NULL) <> (annual_plan_id IS NULL))
);
CREATE INDEX plan_acts_annual_plan_ix ON plan_acts (annual_plan_id);
