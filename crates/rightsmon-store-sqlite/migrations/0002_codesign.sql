-- Co-design of the framework: proposals, comments, endorsements, objections, final decisions,
-- cities' adoption of core indicators, governance rules, and retired indicators.

ALTER TABLE indicators ADD COLUMN retired_at INTEGER;
ALTER TABLE indicators ADD COLUMN retirement_reason TEXT;

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    -- '' for the network, else the city's code.
    scope_key TEXT NOT NULL,
    city_code TEXT REFERENCES areas (code),
    kind TEXT NOT NULL CHECK (kind IN ('new_indicator', 'change', 'adoption', 'retirement')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected', 'withdrawn'))
) STRICT;
CREATE INDEX proposals_scope ON proposals (scope_key, status);

CREATE TABLE proposal_comments (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX proposal_comments_proposal ON proposal_comments (proposal_id);

CREATE TABLE proposal_endorsements (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    side TEXT NOT NULL CHECK (side IN ('municipal', 'civil_society', 'academic', 'city')),
    city_code TEXT REFERENCES areas (code),
    at INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
) STRICT;
-- A city endorses a core change once, whoever of it signs.
CREATE UNIQUE INDEX proposal_endorsements_city ON proposal_endorsements (proposal_id, city_code) WHERE side = 'city';

CREATE TABLE proposal_objections (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    reasons TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX proposal_objections_proposal ON proposal_objections (proposal_id);

CREATE TABLE proposal_decisions (
    proposal_id INTEGER PRIMARY KEY REFERENCES proposals (id),
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    decided_by INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    endorsements TEXT NOT NULL
) STRICT;

-- Decisions and objections are final: the database itself refuses to change or remove them.
CREATE TRIGGER proposal_decisions_no_update BEFORE UPDATE ON proposal_decisions
BEGIN SELECT RAISE(ABORT, 'decisions are final'); END;
CREATE TRIGGER proposal_decisions_no_delete BEFORE DELETE ON proposal_decisions
BEGIN SELECT RAISE(ABORT, 'decisions are final'); END;
CREATE TRIGGER proposal_objections_no_update BEFORE UPDATE ON proposal_objections
BEGIN SELECT RAISE(ABORT, 'objections stay as they were made'); END;
CREATE TRIGGER proposal_objections_no_delete BEFORE DELETE ON proposal_objections
BEGIN SELECT RAISE(ABORT, 'objections stay as they were made'); END;

CREATE TABLE city_adoptions (
    city_code TEXT NOT NULL REFERENCES areas (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    is_adopted INTEGER NOT NULL CHECK (is_adopted IN (0, 1)),
    reason TEXT,
    proposal_id INTEGER REFERENCES proposals (id),
    decided_at INTEGER NOT NULL,
    PRIMARY KEY (city_code, indicator_code),
    CHECK (is_adopted = 1 OR reason IS NOT NULL)
) STRICT;
CREATE INDEX city_adoptions_indicator ON city_adoptions (indicator_code);

CREATE TABLE governance_rules (
    scope_key TEXT PRIMARY KEY NOT NULL,
    rule TEXT NOT NULL
) STRICT;
