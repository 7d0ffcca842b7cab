-- The DM 77/2022 rules completed (docs/network.md, "DM 77/2022 standards").

-- The national inner-areas class of a municipality (SNAI: A to F; D, E and F
-- are inner areas), and the zone's choice to apply the higher family-clinic
-- rate that DM 77/2022 allows in inner and rural areas.
ALTER TABLE municipalities ADD COLUMN inner_area TEXT;
ALTER TABLE zones ADD COLUMN family_clinics_inner_rate BOOLEAN NOT NULL DEFAULT false;

-- The staff presence of a Casa della Comunità: hours a day and days a week
-- of doctors and of nurses, checked against the hub and spoke standards.
ALTER TABLE facilities ADD COLUMN doctor_hours BIGINT;
ALTER TABLE facilities ADD COLUMN doctor_days BIGINT;
ALTER TABLE facilities ADD COLUMN nurse_hours BIGINT;
ALTER TABLE facilities ADD COLUMN nurse_days BIGINT;

-- A standard counts whole things or full-time equivalents; for the latter
-- the hand-entered counts of network_counts are hundredths of a post. A
-- standard may have a higher rate for inner areas.
ALTER TABLE care_standards ADD COLUMN unit TEXT NOT NULL DEFAULT 'count';
ALTER TABLE care_standards ADD COLUMN inner_amount BIGINT;
ALTER TABLE care_standards ADD COLUMN inner_per BIGINT;

-- The continuity units are compared as doctors and nurses, separately and
-- in full-time equivalents: the single whole-unit standard goes (the two
-- new ones are added after the migrations with the other defaults).
DELETE FROM network_counts WHERE standard_code = 'continuity_units';
DELETE FROM care_standards WHERE code = 'continuity_units';

-- Family clinics: 1 every 20,000 is the minimum; 1 every 10,000 is a
-- possibility for inner and rural areas, not the top of a range.
UPDATE care_standards SET max_amount = NULL, max_per = NULL, inner_amount = 1, inner_per = 10000,
    source = 'DM 77/2022, All. 1, «Consultorio familiare»: 1 consultorio familiare ogni 20.000 abitanti con la possibilità di 1 ogni 10.000 nelle aree interne e rurali'
    WHERE code = 'family_clinics' AND max_amount = 1 AND max_per = 10000;
