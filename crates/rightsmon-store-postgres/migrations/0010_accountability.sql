-- The accountability loop: consultations, recommendations made from them (or from reports and
-- bodies), the actions that answer them and dated updates of those actions. Lists of codes and
-- of evidence are JSON arrays; updates are kept as they were written.

CREATE TABLE consultations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    recorded_by BIGINT REFERENCES users (id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX consultations_city ON consultations (city_code, held_on);

CREATE TABLE recommendations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    consultation_id BIGINT REFERENCES consultations (id),
    response TEXT NOT NULL CHECK (response IN ('pending', 'accepted', 'partly_accepted', 'not_accepted')),
    response_reason TEXT,
    published BOOLEAN NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    recorded_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX recommendations_city ON recommendations (city_code, made_on);
CREATE INDEX recommendations_consultation ON recommendations (consultation_id);

CREATE TABLE actions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    title TEXT NOT NULL,
    description TEXT,
    responsible TEXT NOT NULL,
    deadline TEXT,
    budget_reference TEXT,
    status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'partly_implemented', 'implemented', 'not_accepted')),
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX actions_recommendation ON actions (recommendation_id);

CREATE TABLE action_updates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES actions (id),
    on_date TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    reason TEXT,
    evidence TEXT NOT NULL,
    by_user BIGINT REFERENCES users (id),
    at BIGINT NOT NULL
);
CREATE INDEX action_updates_action ON action_updates (action_id);

CREATE TRIGGER action_updates_final BEFORE UPDATE OR DELETE ON action_updates
    FOR EACH ROW EXECUTE FUNCTION rightsmon_refuse_change();
CREATE TRIGGER action_updates_not_truncated BEFORE TRUNCATE ON action_updates
    FOR EACH STATEMENT EXECUTE FUNCTION rightsmon_refuse_change();
