-- The zone's governance as records: the agreements between its bodies (the
-- social-health agreement of art. 70 bis LR 40/2005, the municipalities'
-- agreement for the associated social functions), their parties, the
-- matters they cover and the acts that approved them.
-- Keep in step with the other backend's 0016_governance.sql.

CREATE TABLE governance_agreements (
    id              INTEGER PRIMARY KEY,
    zone_id         INTEGER NOT NULL REFERENCES zones (id),
    position        INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    legal_basis     TEXT,
    in_force_from   INTEGER,
    organisation_document TEXT,
    notes           TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX governance_agreements_title_uq ON governance_agreements (zone_id, lower(title));

CREATE TABLE governance_parties (
    agreement_id     INTEGER NOT NULL REFERENCES governance_agreements (id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    position         INTEGER NOT NULL,
    role             TEXT    NOT NULL,
    PRIMARY KEY (agreement_id, organisation_id)
);

CREATE TABLE governance_matters (
    id            INTEGER PRIMARY KEY,
    agreement_id  INTEGER NOT NULL REFERENCES governance_agreements (id),
    position      INTEGER NOT NULL,
    code          TEXT    NOT NULL,
    label         TEXT    NOT NULL,
    status        TEXT    NOT NULL
);
CREATE UNIQUE INDEX governance_matters_code_uq ON governance_matters (agreement_id, code);

CREATE TABLE governance_acts (
    id            INTEGER PRIMARY KEY,
    agreement_id  INTEGER NOT NULL REFERENCES governance_agreements (id),
    issuer        TEXT    NOT NULL,
    number        TEXT    NOT NULL,
    act_date      TEXT    NOT NULL,
    description   TEXT
);
CREATE INDEX governance_acts_agreement_ix ON governance_acts (agreement_id);
