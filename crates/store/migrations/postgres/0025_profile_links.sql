-- Knowing in order to plan, completed: a critical issue is answered by a
-- health objective of a PIS too, and any line of the profile may rest on
-- indicators (docs/health-profile.md).
-- Keep in step with the other backend's 0025_profile_links.sql.

ALTER TABLE profile_answers ADD COLUMN objective_id BIGINT REFERENCES health_objectives (id);
ALTER TABLE profile_answers DROP CONSTRAINT profile_answers_check;
ALTER TABLE profile_answers ADD CONSTRAINT profile_answers_check
    CHECK (num_nonnulls(objective_id, programme_id, activity_id) = 1);
DROP INDEX profile_answers_uq;
CREATE UNIQUE INDEX profile_answers_uq ON profile_answers
    (finding_id, coalesce(objective_id, 0), coalesce(programme_id, 0), coalesce(activity_id, 0));
CREATE INDEX profile_answers_objective_ix ON profile_answers (objective_id);

CREATE TABLE profile_finding_indicators (
    finding_id    BIGINT NOT NULL REFERENCES profile_findings (id),
    indicator_id  BIGINT NOT NULL REFERENCES health_indicators (id),
    PRIMARY KEY (finding_id, indicator_id)
);
CREATE INDEX profile_finding_indicators_indicator_ix ON profile_finding_indicators (indicator_id);

-- A value for every age has no age band (NULL rather than ''), as a bundle
-- reads an empty cell; the key still holds one value per breakdown.
ALTER TABLE indicator_values ALTER COLUMN age_band DROP NOT NULL;
ALTER TABLE indicator_values ALTER COLUMN age_band DROP DEFAULT;
UPDATE indicator_values SET age_band = NULL WHERE age_band = '';
ALTER TABLE indicator_values ADD CONSTRAINT indicator_values_age_band_check CHECK (age_band <> '');
DROP INDEX indicator_values_uq;
CREATE UNIQUE INDEX indicator_values_uq ON indicator_values
    (indicator_id, level, territory, period_from, period_to, sex, coalesce(age_band, ''));
CREATE INDEX indicator_values_territory_ix ON indicator_values (level, territory);
