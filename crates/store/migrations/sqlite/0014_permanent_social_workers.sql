-- The legal base of the L. 178/2020 art. 1 c. 797 contribution: social
-- workers on open-ended contracts, in full-time equivalents at 31 December
-- of the year, hired by each municipality of the zone or by the ATS itself
-- (municipality_id NULL). Stored in hundredths of a post (docs/soc26.md);
-- a cleared entry keeps its row, so that the set's version (the sum of the
-- rows' versions) only grows.
CREATE TABLE permanent_social_workers (
    id               INTEGER PRIMARY KEY,
    zone_id          INTEGER NOT NULL REFERENCES zones (id),
    year             INTEGER NOT NULL,
    municipality_id  INTEGER REFERENCES municipalities (id),
    fte_hundredths   INTEGER CHECK (fte_hundredths IS NULL OR fte_hundredths >= 0),
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX permanent_social_workers_uq
    ON permanent_social_workers (zone_id, year, COALESCE(municipality_id, 0));
