-- The regional frame (PSSIR and its general objectives) and the sections of
-- the integrated health plan (PIS): knowledge section, strategic lines, the
-- links of health objectives, the timeline.
-- Keep in step with the other backend's 0006_pis.sql.

CREATE TABLE regional_plans (
    id            INTEGER PRIMARY KEY,
    region_id     INTEGER NOT NULL REFERENCES regions (id),
    title         TEXT    NOT NULL,
    period_start  INTEGER NOT NULL,
    period_end    INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    CHECK (period_end >= period_start)
);
CREATE UNIQUE INDEX regional_plans_period_start_uq ON regional_plans (region_id, period_start);

CREATE TABLE regional_objectives (
    id                INTEGER PRIMARY KEY,
    regional_plan_id  INTEGER NOT NULL REFERENCES regional_plans (id),
    position          INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    created_at        TEXT    NOT NULL
);
CREATE UNIQUE INDEX regional_objectives_title_uq ON regional_objectives (regional_plan_id, lower(title));

ALTER TABLE health_plans ADD COLUMN regional_plan_id INTEGER REFERENCES regional_plans (id);
ALTER TABLE health_plans ADD COLUMN status TEXT NOT NULL DEFAULT 'in_force';
ALTER TABLE health_plans ADD COLUMN health_profile TEXT;
ALTER TABLE health_plans ADD COLUMN services_profile TEXT;
ALTER TABLE health_plans ADD COLUMN documents TEXT;

CREATE TABLE strategic_lines (
    id              INTEGER PRIMARY KEY,
    health_plan_id  INTEGER NOT NULL REFERENCES health_plans (id),
    position        INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    description     TEXT,
    created_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX strategic_lines_title_uq ON strategic_lines (health_plan_id, lower(title));

CREATE TABLE health_objective_links (
    health_objective_id    INTEGER NOT NULL REFERENCES health_objectives (id),
    regional_objective_id  INTEGER REFERENCES regional_objectives (id),
    strategic_line_id      INTEGER REFERENCES strategic_lines (id),
    CHECK ((regional_objective_id IS NULL) <> (strategic_line_id IS NULL))
);
CREATE INDEX health_objective_links_ix ON health_objective_links (health_objective_id);

CREATE TABLE plan_milestones (
    id              INTEGER PRIMARY KEY,
    health_plan_id  INTEGER NOT NULL REFERENCES health_plans (id),
    label           TEXT    NOT NULL,
    starts_on       TEXT    NOT NULL,
    ends_on         TEXT,
    public          BOOLEAN NOT NULL,
    created_at      TEXT    NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX plan_milestones_plan_ix ON plan_milestones (health_plan_id);
