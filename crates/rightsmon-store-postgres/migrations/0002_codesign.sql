-- Co-design of the framework: proposals, comments, endorsements, objections, final decisions,
-- cities' adoption of core indicators, governance rules, and retired indicators.

ALTER TABLE indicators ADD COLUMN retired_at BIGINT;
ALTER TABLE indicators ADD COLUMN retirement_reason TEXT;

CREATE TABLE proposals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- '' for the network, else the city's code.
    scope_key TEXT NOT NULL,
    city_code TEXT REFERENCES areas (code),
    kind TEXT NOT NULL CHECK (kind IN ('new_indicator', 'change', 'adoption', 'retirement')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected', 'withdrawn'))
);
CREATE INDEX proposals_scope ON proposals (scope_key, status);

CREATE TABLE proposal_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX proposal_comments_proposal ON proposal_comments (proposal_id);

CREATE TABLE proposal_endorsements (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    side TEXT NOT NULL CHECK (side IN ('municipal', 'civil_society', 'academic', 'city')),
    city_code TEXT REFERENCES areas (code),
    at BIGINT NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);
-- A city endorses a core change once, whoever of it signs.
CREATE UNIQUE INDEX proposal_endorsements_city ON proposal_endorsements (proposal_id, city_code) WHERE side = 'city';

CREATE TABLE proposal_objections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    reasons TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX proposal_objections_proposal ON proposal_objections (proposal_id);

CREATE TABLE proposal_decisions (
    proposal_id BIGINT PRIMARY KEY REFERENCES proposals (id),
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    decided_by BIGINT NOT NULL REFERENCES users (id),
    at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    endorsements TEXT NOT NULL
);

-- Decisions and objections are final: the database itself refuses to change or remove them.
CREATE FUNCTION rightsmon_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are final', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END;
$$;
CREATE TRIGGER proposal_decisions_final BEFORE UPDATE OR DELETE ON proposal_decisions
    FOR EACH ROW EXECUTE FUNCTION rightsmon_refuse_change();
CREATE TRIGGER proposal_objections_final BEFORE UPDATE OR DELETE ON proposal_objections
    FOR EACH ROW EXECUTE FUNCTION rightsmon_refuse_change();

CREATE TABLE city_adoptions (
    city_code TEXT NOT NULL REFERENCES areas (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    is_adopted BOOLEAN NOT NULL,
    reason TEXT,
    proposal_id BIGINT REFERENCES proposals (id),
    decided_at BIGINT NOT NULL,
    PRIMARY KEY (city_code, indicator_code),
    CHECK (is_adopted OR reason IS NOT NULL)
);
CREATE INDEX city_adoptions_indicator ON city_adoptions (indicator_code);

CREATE TABLE governance_rules (
    scope_key TEXT PRIMARY KEY NOT NULL,
    rule TEXT NOT NULL
);
