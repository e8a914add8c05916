-- Two-sided assessments: for each right or theme and cycle, the municipality and each taking-part
-- civil-society organisation give a verdict with their reasoning and evidence. Every version is
-- kept as it was written; the latest of each side is its assessment.

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES reporting_cycles (id),
    -- right:CODE or theme:CODE
    subject TEXT NOT NULL,
    -- NULL: the municipality's.
    organisation_id INTEGER REFERENCES organisations (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    verdict TEXT NOT NULL CHECK (verdict IN ('good', 'partly', 'insufficient', 'no_information')),
    reasoning TEXT NOT NULL,
    evidence TEXT NOT NULL,
    by_user INTEGER REFERENCES users (id),
    at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX assessments_version ON assessments (cycle_id, subject, COALESCE(organisation_id, 0), version);

CREATE TRIGGER assessments_no_update BEFORE UPDATE ON assessments
BEGIN SELECT RAISE(ABORT, 'assessments are kept as they were written'); END;
CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments
BEGIN SELECT RAISE(ABORT, 'assessments are kept as they were written'); END;
