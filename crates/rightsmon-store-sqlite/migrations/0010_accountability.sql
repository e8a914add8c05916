-- The accountability loop: consultations, recommendations made from them (or from reports and
-- bodies), the actions that answer them and dated updates of those actions. Lists of codes and
-- of evidence are JSON arrays; updates are kept as they were written.

CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    city_code TEXT NOT NULL REFERENCES areas (code),
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    format TEXT NOT NULL,
    place TEXT,
    organisers TEXT,
    -- [[group, count], ...]: every count is kept; small groups are withheld when shown.
    participants TEXT NOT NULL,
    raised TEXT,
    documents TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX consultations_city ON consultations (city_code, held_on);

CREATE TABLE recommendations (
    id INTEGER PRIMARY KEY,
    -- NULL: a recommendation to the whole network.
    city_code TEXT REFERENCES areas (code),
    title TEXT NOT NULL,
    text TEXT,
    language TEXT NOT NULL,
    source TEXT NOT NULL,
    source_reference TEXT,
    made_on TEXT NOT NULL,
    rights TEXT NOT NULL,
    themes TEXT NOT NULL,
    indicators TEXT NOT NULL,
    consultation_id INTEGER REFERENCES consultations (id),
    response TEXT NOT NULL CHECK (response IN ('pending', 'accepted', 'partly_accepted', 'not_accepted')),
    response_reason TEXT,
    published INTEGER NOT NULL CHECK (published IN (0, 1)),
    recorded_by INTEGER REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX recommendations_city ON recommendations (city_code, made_on);
CREATE INDEX recommendations_consultation ON recommendations (consultation_id);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    recommendation_id INTEGER NOT NULL REFERENCES recommendations (id),
    title TEXT NOT NULL,
    description TEXT,
    responsible TEXT NOT NULL,
    deadline TEXT,
    budget_reference TEXT,
    status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'partly_implemented', 'implemented', 'not_accepted')),
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX actions_recommendation ON actions (recommendation_id);

CREATE TABLE action_updates (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions (id),
    on_date TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    reason TEXT,
    evidence TEXT NOT NULL,
    by_user INTEGER REFERENCES users (id),
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX action_updates_action ON action_updates (action_id);

CREATE TRIGGER action_updates_no_update BEFORE UPDATE ON action_updates
BEGIN SELECT RAISE(ABORT, 'action updates are kept as they were written'); END;
CREATE TRIGGER action_updates_no_delete BEFORE DELETE ON action_updates
BEGIN SELECT RAISE(ABORT, 'action updates are kept as they were written'); END;
