-- Knowing in order to plan: the programmes and activity sheets that answer
-- a critical issue of the health profile (seed 000, «Il processo: conoscere
-- per programmare»), with the evidence that links them.
-- Keep in step with the other backend's 0024_profile_answers.sql.

CREATE TABLE profile_answers (
    id            INTEGER PRIMARY KEY,
    finding_id    INTEGER NOT NULL REFERENCES profile_findings (id),
    programme_id  INTEGER REFERENCES programmes (id),
    activity_id   INTEGER REFERENCES activity_sheets (id),
    evidence      TEXT,
    created_at    TEXT    NOT NULL,
    CHECK ((programme_id IS NULL) <> (activity_id IS NULL))
);
CREATE UNIQUE INDEX profile_answers_uq
    ON profile_answers (finding_id, coalesce(programme_id, 0), coalesce(activity_id, 0));
CREATE INDEX profile_answers_programme_ix ON profile_answers (programme_id);
CREATE INDEX profile_answers_activity_ix ON profile_answers (activity_id);
