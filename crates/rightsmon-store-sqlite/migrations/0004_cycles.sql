-- Reporting cycles of a city, and which organisation provides which indicator in each.

CREATE TABLE reporting_cycles (
    id INTEGER PRIMARY KEY,
    city_code TEXT NOT NULL REFERENCES areas (code),
    name TEXT NOT NULL,
    period TEXT NOT NULL,
    deadline TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (city_code, name)
) STRICT;

CREATE TABLE assignments (
    cycle_id INTEGER NOT NULL REFERENCES reporting_cycles (id),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (cycle_id, indicator_code)
) STRICT;
CREATE INDEX assignments_organisation ON assignments (organisation_id);
