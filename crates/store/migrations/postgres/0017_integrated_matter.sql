-- The integrated matter an activity sheet belongs to: the code of a matter
-- of the zone's agreements (governance_matters.code), so that the integrated
-- budget can be read by matter (non-self-sufficiency, disability…).
-- Keep in step with the other backend's 0017_integrated_matter.sql.

ALTER TABLE activity_sheets ADD COLUMN integrated_matter TEXT;
