-- The road map: the steps the network lists, and when each city reached each step.

CREATE TABLE roadmap_steps (
    code TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 1),
    -- {language: text}
    name TEXT NOT NULL
) STRICT;

CREATE TABLE roadmap_milestones (
    city_code TEXT NOT NULL REFERENCES areas (code),
    step_code TEXT NOT NULL REFERENCES roadmap_steps (code),
    reached_on TEXT NOT NULL,
    evidence TEXT NOT NULL,
    note TEXT,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (city_code, step_code)
) STRICT;
