-- SOC26 service-objectives forms: one per municipality and year, stored as the
-- JSON of docs/soc26.md (what was typed, kept even when it does not validate).
-- Keep in step with migrations/postgres/0002_soc26.sql.

CREATE TABLE soc26_forms (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities (id),
    year             INTEGER NOT NULL,
    data             TEXT    NOT NULL,
    complete         BOOLEAN NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX soc26_forms_year_uq ON soc26_forms (municipality_id, year);
