-- Co-programming notices counted from their real publication
-- (docs/participation.md, "The notice").

-- The day of a municipality's patron saint ("dd/mm"), a local holiday, and
-- the municipality where the zone's office sits: its patron day moves a
-- notice's deadline like a national holiday (art. 2963, comma 3, c.c.).
ALTER TABLE municipalities ADD COLUMN patron_day TEXT;
ALTER TABLE zones ADD COLUMN seat_municipality_id INTEGER REFERENCES municipalities (id);

-- When the notice became public in zona, an external publication (the albo
-- pretorio: its number and day), and the day the term really ends.
ALTER TABLE coprogramming_procedures ADD COLUMN notice_published_on TEXT;
ALTER TABLE coprogramming_procedures ADD COLUMN notice_external_ref TEXT;
ALTER TABLE coprogramming_procedures ADD COLUMN notice_external_on TEXT;
ALTER TABLE coprogramming_procedures ADD COLUMN notice_runs_to TEXT;

-- A notice published before this rule: its publication is taken as its
-- opening day, its term as written.
UPDATE coprogramming_procedures SET notice_published_on = notice_opens, notice_runs_to = notice_closes
    WHERE notice_opens IS NOT NULL;

-- Every change to a published notice, with its reason: shown on the public
-- page next to the notice.
CREATE TABLE notice_amendments (
    id            INTEGER PRIMARY KEY,
    procedure_id  INTEGER NOT NULL REFERENCES coprogramming_procedures (id),
    amended_on    TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    changes       TEXT    NOT NULL,
    closes_before TEXT    NOT NULL,
    closes_after  TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX notice_amendments_procedure_ix ON notice_amendments (procedure_id);

-- The family clinics' standard cites the section of DM 77/2022 that holds it
-- (Annex 1, § 13), where the stored text is still the default.
UPDATE care_standards SET source = 'DM 77/2022, All. 1, § 13 «Servizi per la salute dei minori, delle donne, delle coppie e delle famiglie»: 1 consultorio familiare ogni 20.000 abitanti con la possibilità di 1 ogni 10.000 nelle aree interne e rurali'
    WHERE code = 'family_clinics' AND source = 'DM 77/2022, All. 1, «Consultorio familiare»: 1 consultorio familiare ogni 20.000 abitanti con la possibilità di 1 ogni 10.000 nelle aree interne e rurali';
