-- The health profile's indicators: their definitions, and their values by
-- territory, period, sex and age band (docs/health-profile.md). Definitions
-- are shared by every zone, as the region's health agency publishes them.
-- Keep in step with the other backend's 0021_health_indicators.sql.

CREATE TABLE health_indicators (
    id           INTEGER PRIMARY KEY,
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    theme        TEXT    NOT NULL,
    definition   TEXT    NOT NULL,
    numerator    TEXT,
    denominator  TEXT,
    multiplier   INTEGER CHECK (multiplier IS NULL OR multiplier > 0),
    unit         TEXT    NOT NULL,
    polarity     TEXT    NOT NULL CHECK (polarity IN ('alto_meglio', 'basso_meglio', 'neutro')),
    source       TEXT    NOT NULL,
    licence      TEXT,
    demo         BOOLEAN NOT NULL DEFAULT 0,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX health_indicators_code_uq ON health_indicators (lower(code));

-- Decimals are kept as their exact text (`252.3`), never as floats.
CREATE TABLE indicator_values (
    id            INTEGER PRIMARY KEY,
    indicator_id  INTEGER NOT NULL REFERENCES health_indicators (id),
    level         TEXT    NOT NULL CHECK (level IN ('comune', 'zona', 'asl', 'regione')),
    territory     TEXT    NOT NULL,
    period_from   INTEGER NOT NULL,
    period_to     INTEGER NOT NULL,
    sex           TEXT    NOT NULL CHECK (sex IN ('T', 'M', 'F')),
    age_band      TEXT    NOT NULL DEFAULT '',
    value         TEXT    NOT NULL,
    numerator     TEXT,
    denominator   TEXT,
    ci_low        TEXT,
    ci_high       TEXT,
    demo          BOOLEAN NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    CHECK (period_to >= period_from)
);
CREATE UNIQUE INDEX indicator_values_uq
    ON indicator_values (indicator_id, level, territory, period_from, period_to, sex, age_band);
