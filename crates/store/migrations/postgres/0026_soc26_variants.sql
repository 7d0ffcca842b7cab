-- The SOC26 form variants the region stored: a year's form (the JSON of
-- crates/core/soc26/*.json), which replaces the one shipped with zona for
-- that year or adds a year zona does not ship. Shared by every zone, like
-- the vocabularies and the DM 77/2022 standards.
CREATE TABLE soc26_variants (
    year        BIGINT PRIMARY KEY,
    data        TEXT   NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    updated_at  TIMESTAMPTZ NOT NULL
);
