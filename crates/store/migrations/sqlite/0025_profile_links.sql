-- Knowing in order to plan, completed: a critical issue is answered by a
-- health objective of a PIS too, and any line of the profile may rest on
-- indicators (docs/health-profile.md).
-- Keep in step with the other backend's 0025_profile_links.sql.

CREATE TABLE profile_answers_new (
    id            INTEGER PRIMARY KEY,
    finding_id    INTEGER NOT NULL REFERENCES profile_findings (id),
    objective_id  INTEGER REFERENCES health_objectives (id),
    programme_id  INTEGER REFERENCES programmes (id),
    activity_id   INTEGER REFERENCES activity_sheets (id),
    evidence      TEXT,
    created_at    TEXT    NOT NULL,
    CHECK ((objective_id IS NOT NULL) + (programme_id IS NOT NULL) + (activity_id IS NOT NULL) = 1)
);
INSERT INTO profile_answers_new (id, finding_id, programme_id, activity_id, evidence, created_at)
    SELECT id, finding_id, programme_id, activity_id, evidence, created_at FROM profile_answers;
DROP TABLE profile_answers;
ALTER TABLE profile_answers_new RENAME TO profile_answers;
CREATE UNIQUE INDEX profile_answers_uq ON profile_answers
    (finding_id, coalesce(objective_id, 0), coalesce(programme_id, 0), coalesce(activity_id, 0));
CREATE INDEX profile_answers_objective_ix ON profile_answers (objective_id);
CREATE INDEX profile_answers_programme_ix ON profile_answers (programme_id);
CREATE INDEX profile_answers_activity_ix ON profile_answers (activity_id);

CREATE TABLE profile_finding_indicators (
    finding_id    INTEGER NOT NULL REFERENCES profile_findings (id),
    indicator_id  INTEGER NOT NULL REFERENCES health_indicators (id),
    PRIMARY KEY (finding_id, indicator_id)
);
CREATE INDEX profile_finding_indicators_indicator_ix ON profile_finding_indicators (indicator_id);

-- A value for every age has no age band (NULL rather than ''), as a bundle
-- reads an empty cell; the key still holds one value per breakdown.
CREATE TABLE indicator_values_new (
    id            INTEGER PRIMARY KEY,
    indicator_id  INTEGER NOT NULL REFERENCES health_indicators (id),
    level         TEXT    NOT NULL CHECK (level IN ('comune', 'zona', 'asl', 'regione')),
    territory     TEXT    NOT NULL,
    period_from   INTEGER NOT NULL,
    period_to     INTEGER NOT NULL,
    sex           TEXT    NOT NULL CHECK (sex IN ('T', 'M', 'F')),
    age_band      TEXT    CHECK (age_band <> ''),
    value         TEXT    NOT NULL,
    numerator     TEXT,
    denominator   TEXT,
    ci_low        TEXT,
    ci_high       TEXT,
    demo          BOOLEAN NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    CHECK (period_to >= period_from)
);
INSERT INTO indicator_values_new
    SELECT id, indicator_id, level, territory, period_from, period_to, sex, NULLIF(age_band, ''),
           value, numerator, denominator, ci_low, ci_high, demo, created_at
    FROM indicator_values;
DROP TABLE indicator_values;
ALTER TABLE indicator_values_new RENAME TO indicator_values;
CREATE UNIQUE INDEX indicator_values_uq ON indicator_values
    (indicator_id, level, territory, period_from, period_to, sex, coalesce(age_band, ''));
CREATE INDEX indicator_values_territory_ix ON indicator_values (level, territory);
