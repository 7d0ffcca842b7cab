-- Participation meetings and the co-programming procedure (art. 55 D.lgs
-- 117/2017; art. 13 LR Toscana 65/2020).
-- Keep in step with the other backend's 0008_participation.sql.

CREATE TABLE stakeholder_groups (
    id           INTEGER PRIMARY KEY,
    zone_id      INTEGER NOT NULL REFERENCES zones (id),
    name         TEXT    NOT NULL,
    description  TEXT,
    created_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX stakeholder_groups_name_uq ON stakeholder_groups (zone_id, lower(name));

CREATE TABLE coprogramming_procedures (
    id                    INTEGER PRIMARY KEY,
    zone_id               INTEGER NOT NULL REFERENCES zones (id),
    subject               TEXT    NOT NULL,
    health_plan_id        INTEGER REFERENCES health_plans (id),
    act_body              TEXT,
    act_number            TEXT,
    act_date              TEXT,
    strategic_lines       TEXT,
    notice_purpose        TEXT,
    notice_subject        TEXT,
    notice_requirements   TEXT,
    notice_terms          TEXT,
    notice_participation  TEXT,
    notice_opens          TEXT,
    notice_closes         TEXT,
    report_text           TEXT,
    report_status         TEXT,
    report_approved_on    TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    CHECK (notice_closes IS NULL OR notice_opens IS NULL OR notice_closes > notice_opens)
);
CREATE UNIQUE INDEX coprogramming_procedures_subject_uq ON coprogramming_procedures (zone_id, lower(subject));

CREATE TABLE working_tables (
    id            INTEGER PRIMARY KEY,
    procedure_id  INTEGER NOT NULL REFERENCES coprogramming_procedures (id),
    position      INTEGER NOT NULL,
    name          TEXT    NOT NULL
);
CREATE UNIQUE INDEX working_tables_name_uq ON working_tables (procedure_id, lower(name));

CREATE TABLE meetings (
    id                 INTEGER PRIMARY KEY,
    zone_id            INTEGER NOT NULL REFERENCES zones (id),
    kind               TEXT    NOT NULL,
    group_id           INTEGER REFERENCES stakeholder_groups (id),
    procedure_id       INTEGER REFERENCES coprogramming_procedures (id),
    subject            TEXT    NOT NULL,
    held_on            TEXT    NOT NULL,
    starts_at          TEXT,
    place              TEXT,
    online_url         TEXT,
    agenda             TEXT,
    minutes            TEXT,
    public             BOOLEAN NOT NULL DEFAULT 1,
    minutes_published  BOOLEAN NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    CHECK (place IS NOT NULL OR online_url IS NOT NULL)
);
CREATE INDEX meetings_zone_ix ON meetings (zone_id, held_on);
CREATE INDEX meetings_procedure_ix ON meetings (procedure_id);

-- Who took part: a body (or a named person without a body), at a table or in plenary.
CREATE TABLE meeting_attendance (
    id                INTEGER PRIMARY KEY,
    meeting_id        INTEGER NOT NULL REFERENCES meetings (id),
    organisation_id   INTEGER REFERENCES organisations (id),
    person_name       TEXT,
    working_table_id  INTEGER REFERENCES working_tables (id),
    CHECK (organisation_id IS NOT NULL OR person_name IS NOT NULL)
);
CREATE UNIQUE INDEX meeting_attendance_uq ON meeting_attendance (meeting_id, coalesce(organisation_id, 0), coalesce(person_name, ''), coalesce(working_table_id, 0));

CREATE TABLE meeting_attachments (
    id            INTEGER PRIMARY KEY,
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id),
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256        TEXT    NOT NULL,
    content       BLOB    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX meeting_attachments_meeting_ix ON meeting_attachments (meeting_id);

CREATE TABLE coprogramming_applications (
    id               INTEGER PRIMARY KEY,
    procedure_id     INTEGER NOT NULL REFERENCES coprogramming_procedures (id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    applicant_kind   TEXT    NOT NULL,
    justification    TEXT,
    contact_name     TEXT    NOT NULL,
    contact_email    TEXT    NOT NULL,
    tables           TEXT,
    decision         TEXT    NOT NULL DEFAULT 'pending',
    decision_reason  TEXT,
    submitted_on     TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX coprogramming_applications_uq ON coprogramming_applications (procedure_id, organisation_id);

CREATE TABLE contributions (
    id                INTEGER PRIMARY KEY,
    procedure_id      INTEGER NOT NULL REFERENCES coprogramming_procedures (id),
    working_table_id  INTEGER NOT NULL REFERENCES working_tables (id),
    meeting_id        INTEGER REFERENCES meetings (id),
    organisation_id   INTEGER REFERENCES organisations (id),
    kind              TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX contributions_procedure_ix ON contributions (procedure_id, working_table_id);

-- The PIS health objectives that the final report's outcomes informed.
CREATE TABLE procedure_objectives (
    procedure_id         INTEGER NOT NULL REFERENCES coprogramming_procedures (id),
    health_objective_id  INTEGER NOT NULL REFERENCES health_objectives (id),
    PRIMARY KEY (procedure_id, health_objective_id)
);
