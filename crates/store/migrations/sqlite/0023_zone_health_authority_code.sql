-- The code of the zone's health authority in the health profile's values
-- (level `asl`), so that a zone's indicators are compared with its health
-- authority's (docs/health-profile.md).
-- Keep in step with the other backend's 0023_zone_health_authority_code.sql.

ALTER TABLE zones ADD COLUMN health_authority_code TEXT;
