-- One name per concept (docs/glossary.md): the activity sheet's table is
-- named after it, and "body" no longer names the issuer of an act, the lead
-- organisation of a zone and the text of a contribution.
ALTER TABLE activities RENAME TO activity_sheets;
ALTER TABLE plan_acts RENAME COLUMN body TO issuer;
ALTER TABLE coprogramming_procedures RENAME COLUMN act_body TO act_issuer;
ALTER TABLE zones RENAME COLUMN lead_body TO lead_organisation;
ALTER TABLE contributions RENAME COLUMN body TO content;
DROP INDEX activities_code_uq;
CREATE UNIQUE INDEX activity_sheets_code_uq ON activity_sheets (annual_plan_id, code);
DROP INDEX activities_programme_ix;
CREATE INDEX activity_sheets_programme_ix ON activity_sheets (programme_id);
DROP INDEX activities_unit_ix;
CREATE INDEX activity_sheets_unit_ix ON activity_sheets (unit_id);
DROP INDEX activities_previous_ix;
CREATE INDEX activity_sheets_previous_ix ON activity_sheets (previous_id);
