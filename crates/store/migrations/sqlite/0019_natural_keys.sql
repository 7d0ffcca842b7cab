-- Every record that a zone bundle names by its natural key is unique by that
-- key, so that what people save can always be dumped and loaded back: a
-- meeting by its day and subject, a project by its title, a PIS milestone by
-- its label and start, a plan's act by its kind, number and date. A notice's
-- amendments, several of which may fall on one day, are numbered in order
-- within their procedure. Names compare without regard to
-- case, as the bundle matches them.
-- Keep in step with the other backend's 0019_natural_keys.sql.

CREATE UNIQUE INDEX meetings_subject_uq ON meetings (zone_id, held_on, lower(subject));
CREATE UNIQUE INDEX projects_title_uq ON projects (zone_id, lower(title));
CREATE UNIQUE INDEX plan_milestones_label_uq ON plan_milestones (health_plan_id, lower(label), starts_on);
CREATE UNIQUE INDEX plan_acts_health_plan_uq ON plan_acts (health_plan_id, kind, lower(number), act_date)
    WHERE health_plan_id IS NOT NULL;
CREATE UNIQUE INDEX plan_acts_annual_plan_uq ON plan_acts (annual_plan_id, kind, lower(number), act_date)
    WHERE annual_plan_id IS NOT NULL;
ALTER TABLE notice_amendments ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE notice_amendments SET seq = (
    SELECT count(*) FROM notice_amendments b
    WHERE b.procedure_id = notice_amendments.procedure_id AND b.id <= notice_amendments.id
);
CREATE UNIQUE INDEX notice_amendments_seq_uq ON notice_amendments (procedure_id, seq);
