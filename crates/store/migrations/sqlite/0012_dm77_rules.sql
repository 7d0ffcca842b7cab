-- The DM 77/2022 rules completed (docs/network.md, "DM 77/2022 standards").

-- The national inner-areas class of a municipality (SNAI: A to F; D, E and F
-- are inner areas), and the zone's choice to apply the higher family-clinic
-- rate that DM 77/2022 allows in inner and rural areas.
ALTER TABLE municipalities ADD COLUMN inner_area TEXT;
ALTER TABLE zones ADD COLUMN family_clinics_inner_rate BOOLEAN NOT NULL DEFAULT 0;

-- The staff presence of a Casa della Comunità: hours a day and days a week
-- of doctors and of nurses, checked against the hub and spoke standards.
ALTER TABLE facilities ADD COLUMN doctor_hours INTEGER;
ALTER TABLE facilities ADD COLUMN doctor_days INTEGER;
ALTER TABLE facilities ADD COLUMN nurse_hours INTEGER;
ALTER TABLE facilities ADD COLUMN nurse_days INTEGER;

-- A standard counts whole things or full-time equivalents; for the latter
-- the hand-entered counts of network_counts are hundredths of a post. A
-- standard may have a higher rate for inner areas.
ALTER TABLE care_standards ADD COLUMN unit TEXT NOT NULL DEFAULT 'count';
ALTER TABLE care_standards ADD COLUMN inner_amount INTEGER;
ALTER TABLE care_standards ADD COLUMN inner_per INTEGER;

-- The continuity units are compared as doctors and nurses, separately and
-- in full-time equivalents. The single whole-unit standard becomes two, with
-- its rate and place; a zone's hand-entered count of N units carries over
-- as N doctors and N nurses (stored in hundredths of a post).
INSERT INTO care_standards (code, label, measure, min_amount, min_per, source, position, updated_at, unit)
    SELECT 'continuity_doctors', 'Unità di Continuità Assistenziale: medici', 'manual', min_amount, min_per,
        'DM 77/2022, All. 1, «Unità di Continuità Assistenziale»: 1 medico e 1 infermiere ogni 100.000 abitanti (medici, in unità equivalenti a tempo pieno)',
        position, updated_at, 'fte'
    FROM care_standards WHERE code = 'continuity_units';
INSERT INTO care_standards (code, label, measure, min_amount, min_per, source, position, updated_at, unit)
    SELECT 'continuity_nurses', 'Unità di Continuità Assistenziale: infermieri', 'manual', min_amount, min_per,
        'DM 77/2022, All. 1, «Unità di Continuità Assistenziale»: 1 medico e 1 infermiere ogni 100.000 abitanti (infermieri, in unità equivalenti a tempo pieno)',
        position, updated_at, 'fte'
    FROM care_standards WHERE code = 'continuity_units';
INSERT INTO network_counts (zone_id, standard_code, open_count, planned_count, note, updated_at)
    SELECT zone_id, 'continuity_doctors', open_count * 100, planned_count * 100, note, updated_at
    FROM network_counts WHERE standard_code = 'continuity_units';
INSERT INTO network_counts (zone_id, standard_code, open_count, planned_count, note, updated_at)
    SELECT zone_id, 'continuity_nurses', open_count * 100, planned_count * 100, note, updated_at
    FROM network_counts WHERE standard_code = 'continuity_units';
DELETE FROM network_counts WHERE standard_code = 'continuity_units';
DELETE FROM care_standards WHERE code = 'continuity_units';

-- Family clinics: 1 every 20,000 is the minimum; 1 every 10,000 is a
-- possibility for inner and rural areas, not the top of a range. Whatever
-- the office had set as the top becomes the inner-areas rate.
UPDATE care_standards SET inner_amount = max_amount, inner_per = max_per, max_amount = NULL, max_per = NULL
    WHERE code = 'family_clinics' AND max_amount IS NOT NULL;
UPDATE care_standards
    SET source = 'DM 77/2022, All. 1, «Consultorio familiare»: 1 consultorio familiare ogni 20.000 abitanti con la possibilità di 1 ogni 10.000 nelle aree interne e rurali'
    WHERE code = 'family_clinics'
      AND source = 'DM 77/2022, All. 1, «Consultorio familiare»: 1 ogni 20.000 abitanti (1 ogni 10.000 nelle aree interne e rurali)';
