-- Lineage of programmes across years, so that the year roll-over and the
-- comparison of two plans tell a renamed programme from a new one.
-- Keep in step with the other backend's 0005_lineage.sql.

ALTER TABLE programmes ADD COLUMN previous_id BIGINT REFERENCES programmes (id);
CREATE INDEX activities_previous_ix ON activities (previous_id);
