-- One name per concept (docs/glossary.md): the activity sheet's table is
-- named after it, and "body" no longer names the issuer of an act, the lead
-- organisation of a zone and the text of a contribution.
ALTER TABLE activities RENAME TO activity_sheets;
ALTER TABLE plan_acts RENAME COLUMN body TO issuer;
ALTER TABLE coprogramming_procedures RENAME COLUMN act_body TO act_issuer;
ALTER TABLE zones RENAME COLUMN lead_body TO lead_organisation;
ALTER TABLE contributions RENAME COLUMN body TO content;
ALTER INDEX activities_code_uq RENAME TO activity_sheets_code_uq;
ALTER INDEX activities_programme_ix RENAME TO activity_sheets_programme_ix;
ALTER INDEX activities_unit_ix RENAME TO activity_sheets_unit_ix;
ALTER INDEX activities_previous_ix RENAME TO activity_sheets_previous_ix;
