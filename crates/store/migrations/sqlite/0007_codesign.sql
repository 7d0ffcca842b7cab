-- Third Sector registry fields on organisations, and the co-design registry
-- (co-progettazione, art. 55-56 D.lgs 117/2017).
-- Keep in step with the other backend's 0007_codesign.sql.

ALTER TABLE organisations ADD COLUMN legal_form TEXT;
ALTER TABLE organisations ADD COLUMN runts_number TEXT;
ALTER TABLE organisations ADD COLUMN runts_section TEXT;
-- One record per body: the tax code identifies it within a zone.
CREATE UNIQUE INDEX organisations_tax_code_uq ON organisations (zone_id, tax_code) WHERE tax_code IS NOT NULL;

-- Other names under which documents write a body ("Fondazione Caritas
-- Livorno" for "Fondazione Caritas Livorno ETS"), so imports find the one record.
CREATE TABLE organisation_aliases (
    id               INTEGER PRIMARY KEY,
    zone_id          INTEGER NOT NULL REFERENCES zones (id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    alias            TEXT    NOT NULL,
    created_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX organisation_aliases_uq ON organisation_aliases (zone_id, lower(alias));

CREATE TABLE codesign_agreements (
    id                      INTEGER PRIMARY KEY,
    zone_id                 INTEGER NOT NULL REFERENCES zones (id),
    position                INTEGER NOT NULL,
    holder_kind             TEXT    NOT NULL,
    holder_organisation_id  INTEGER REFERENCES organisations (id),
    holder_text             TEXT    NOT NULL,
    subject                 TEXT    NOT NULL,
    local_code              TEXT,
    status                  TEXT    NOT NULL,
    status_note             TEXT,
    period_text             TEXT,
    start_date              TEXT,
    start_precision         TEXT,
    end_date                TEXT,
    end_precision           TEXT,
    resources_cents         INTEGER CHECK (resources_cents IS NULL OR resources_cents >= 0),
    partners_note           TEXT,
    published               BOOLEAN NOT NULL DEFAULT 1,
    version                 INTEGER NOT NULL DEFAULT 1,
    created_at              TEXT    NOT NULL,
    updated_at              TEXT    NOT NULL,
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX codesign_agreements_zone_ix ON codesign_agreements (zone_id, position);

CREATE TABLE codesign_codes (
    id            INTEGER PRIMARY KEY,
    agreement_id  INTEGER NOT NULL REFERENCES codesign_agreements (id),
    position      INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    code          TEXT    NOT NULL,
    warning       TEXT
);
CREATE UNIQUE INDEX codesign_codes_uq ON codesign_codes (agreement_id, kind, code);
CREATE INDEX codesign_codes_code_ix ON codesign_codes (code);

CREATE TABLE codesign_partners (
    id               INTEGER PRIMARY KEY,
    agreement_id     INTEGER NOT NULL REFERENCES codesign_agreements (id),
    position         INTEGER NOT NULL,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    written_name     TEXT    NOT NULL
);
CREATE UNIQUE INDEX codesign_partners_uq ON codesign_partners (agreement_id, organisation_id);
CREATE INDEX codesign_partners_org_ix ON codesign_partners (organisation_id);

CREATE TABLE codesign_activities (
    agreement_id  INTEGER NOT NULL REFERENCES codesign_agreements (id),
    activity_id   INTEGER NOT NULL REFERENCES activities (id),
    PRIMARY KEY (agreement_id, activity_id)
);
