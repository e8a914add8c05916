-- The good-practice library: what a city did, what came of it, and the indicators that show it;
-- written in one language, with translations by language as a JSON object.

CREATE TABLE practices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city_code TEXT NOT NULL REFERENCES areas (code),
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    summary TEXT NOT NULL,
    results TEXT,
    themes TEXT NOT NULL,
    rights TEXT NOT NULL,
    indicators TEXT NOT NULL,
    contacts TEXT,
    documents TEXT NOT NULL,
    translations TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX practices_city ON practices (city_code);
