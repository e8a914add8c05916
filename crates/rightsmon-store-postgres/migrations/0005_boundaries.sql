-- The outlines of a city's districts, for its maps: polygons in longitude and latitude as JSON.

CREATE TABLE area_boundaries (
    area_code TEXT PRIMARY KEY REFERENCES areas (code),
    city_code TEXT NOT NULL REFERENCES areas (code),
    geometry TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX area_boundaries_city ON area_boundaries (city_code);
