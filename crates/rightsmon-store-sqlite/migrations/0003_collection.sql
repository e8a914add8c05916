-- Every change of every value, and civil-society shadow values beside the official ones.

CREATE TABLE observation_revisions (
    observation_id INTEGER NOT NULL REFERENCES observations (id),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('created', 'submitted', 'validated', 'published', 'returned', 'draft', 'revised')),
    reason TEXT,
    -- The whole value after this change, as JSON.
    snapshot TEXT NOT NULL,
    PRIMARY KEY (observation_id, revision)
) STRICT;

CREATE TRIGGER observation_revisions_no_update BEFORE UPDATE ON observation_revisions
BEGIN SELECT RAISE(ABORT, 'history is kept as it was'); END;
CREATE TRIGGER observation_revisions_no_delete BEFORE DELETE ON observation_revisions
BEGIN SELECT RAISE(ABORT, 'history is kept as it was'); END;

CREATE TABLE shadow_values (
    id INTEGER PRIMARY KEY,
    indicator_code TEXT NOT NULL,
    version INTEGER NOT NULL,
    area_code TEXT NOT NULL REFERENCES areas (code),
    period TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    disaggregation TEXT NOT NULL,
    number_value REAL,
    assessment TEXT,
    sources TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    reply TEXT,
    reply_by INTEGER REFERENCES users (id),
    reply_at INTEGER,
    CHECK (number_value IS NOT NULL OR assessment IS NOT NULL),
    FOREIGN KEY (indicator_code, version) REFERENCES indicator_versions (indicator_code, version)
) STRICT;
CREATE INDEX shadow_values_series ON shadow_values (indicator_code, area_code, period_start);
