-- The network of territorial services (DM 77/2022), the territorial-care
-- standards, PNRR investments and the zone's projects with their cards.
-- Keep in step with the other backend's 0009_network.sql.

-- The PNRR catalogue, filled after the migrations from zona_core::projects.
CREATE TABLE pnrr_investments (
    code       TEXT    PRIMARY KEY,
    mission    TEXT    NOT NULL,
    component  TEXT    NOT NULL,
    parent     TEXT    REFERENCES pnrr_investments (code),
    title      TEXT    NOT NULL,
    position   INTEGER NOT NULL
);

CREATE TABLE pnrr_targets (
    id               INTEGER PRIMARY KEY,
    investment_code  TEXT    NOT NULL REFERENCES pnrr_investments (code),
    position         INTEGER NOT NULL,
    year             INTEGER,
    description      TEXT    NOT NULL
);

CREATE TABLE projects (
    id                           INTEGER PRIMARY KEY,
    zone_id                      INTEGER NOT NULL REFERENCES zones (id),
    title                        TEXT    NOT NULL,
    summary                      TEXT    NOT NULL,
    service                      TEXT,
    zone_note                    TEXT,
    duration_text                TEXT    NOT NULL,
    start_date                   TEXT,
    end_date                     TEXT,
    resources_cents              INTEGER CHECK (resources_cents IS NULL OR resources_cents >= 0),
    funding                      TEXT,
    pnrr_code                    TEXT    REFERENCES pnrr_investments (code),
    cup                          TEXT,
    cup_warning                  TEXT,
    responsible_organisation_id  INTEGER REFERENCES organisations (id),
    status                       TEXT    NOT NULL,
    published                    BOOLEAN NOT NULL DEFAULT 1,
    version                      INTEGER NOT NULL DEFAULT 1,
    created_at                   TEXT    NOT NULL,
    updated_at                   TEXT    NOT NULL,
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX projects_zone_ix ON projects (zone_id);

CREATE TABLE project_actions (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects (id),
    position          INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    description       TEXT,
    amount_min_cents  INTEGER CHECK (amount_min_cents IS NULL OR amount_min_cents >= 0),
    amount_max_cents  INTEGER,
    amount_basis      TEXT,
    CHECK (amount_max_cents IS NULL OR amount_max_cents >= amount_min_cents)
);
CREATE INDEX project_actions_ix ON project_actions (project_id, position);

-- The project's own targets and how far it has gone.
CREATE TABLE project_targets (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    position     INTEGER NOT NULL,
    description  TEXT    NOT NULL,
    target       INTEGER NOT NULL CHECK (target >= 0),
    achieved     INTEGER CHECK (achieved IS NULL OR achieved >= 0),
    due_date     TEXT
);
CREATE INDEX project_targets_ix ON project_targets (project_id, position);

CREATE TABLE project_activities (
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    PRIMARY KEY (project_id, activity_id)
);

CREATE TABLE facilities (
    id               INTEGER PRIMARY KEY,
    zone_id          INTEGER NOT NULL REFERENCES zones (id),
    position         INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    hub_spoke        TEXT,
    opening_hours    TEXT,
    catchment        INTEGER CHECK (catchment IS NULL OR catchment >= 0),
    address          TEXT,
    municipality_id  INTEGER REFERENCES municipalities (id),
    status           TEXT    NOT NULL,
    focus            TEXT,
    users_min        INTEGER CHECK (users_min IS NULL OR users_min >= 0),
    users_max        INTEGER,
    accesses         INTEGER CHECK (accesses IS NULL OR accesses >= 0),
    places           INTEGER CHECK (places IS NULL OR places >= 0),
    project_id       INTEGER REFERENCES projects (id),
    notes            TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    CHECK (users_max IS NULL OR users_max >= users_min)
);
CREATE UNIQUE INDEX facilities_name_uq ON facilities (zone_id, lower(name));

CREATE TABLE facility_beds (
    id           INTEGER PRIMARY KEY,
    facility_id  INTEGER NOT NULL REFERENCES facilities (id),
    care_level   TEXT    NOT NULL,
    beds         INTEGER NOT NULL CHECK (beds >= 0),
    note         TEXT
);
CREATE UNIQUE INDEX facility_beds_uq ON facility_beds (facility_id, care_level);

-- Which facility offers which service of the catalogue (vocabulary "service").
CREATE TABLE facility_services (
    facility_id   INTEGER NOT NULL REFERENCES facilities (id),
    service_code  TEXT    NOT NULL,
    PRIMARY KEY (facility_id, service_code)
);

-- The standards of DM 77/2022, filled after the migrations from
-- zona_core::network and edited by the planning office when the rules change.
CREATE TABLE care_standards (
    code        TEXT    PRIMARY KEY,
    label       TEXT    NOT NULL,
    measure     TEXT    NOT NULL,
    min_amount  INTEGER NOT NULL CHECK (min_amount >= 0),
    min_per     INTEGER NOT NULL CHECK (min_per > 0),
    max_amount  INTEGER,
    max_per     INTEGER,
    source      TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL,
    CHECK ((max_amount IS NULL) = (max_per IS NULL))
);

-- Counts entered by hand for standards measured on staff (family nurses…).
CREATE TABLE network_counts (
    zone_id        INTEGER NOT NULL REFERENCES zones (id),
    standard_code  TEXT    NOT NULL REFERENCES care_standards (code),
    open_count     INTEGER NOT NULL CHECK (open_count >= 0),
    planned_count  INTEGER NOT NULL DEFAULT 0 CHECK (planned_count >= 0),
    note           TEXT,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (zone_id, standard_code)
);
