-- The health profile's themes of a zone, by profile year, each with its
-- critical issues and its strengths (seed 000: «IL PROFILO DI SALUTE 2024:
-- COSA EMERGE?», columns TEMATICA, NODI CRITICI, ASPETTI POSITIVI).
-- Keep in step with the other backend's 0022_profile_themes.sql.

CREATE TABLE profile_themes (
    id          INTEGER PRIMARY KEY,
    zone_id     INTEGER NOT NULL REFERENCES zones (id),
    year        INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX profile_themes_name_uq ON profile_themes (zone_id, year, lower(name));

CREATE TABLE profile_findings (
    id          INTEGER PRIMARY KEY,
    theme_id    INTEGER NOT NULL REFERENCES profile_themes (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('nodo_critico', 'aspetto_positivo')),
    position    INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX profile_findings_position_uq ON profile_findings (theme_id, kind, position);
