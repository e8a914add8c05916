-- Two-sided assessments: for each right or theme and cycle, the municipality and each taking-part
-- civil-society organisation give a verdict with their reasoning and evidence. Every version is
-- kept as it was written; the latest of each side is its assessment.

CREATE TABLE assessments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES reporting_cycles (id),
    -- right:CODE or theme:CODE
    subject TEXT NOT NULL,
    -- NULL: the municipality's.
    organisation_id BIGINT REFERENCES organisations (id),
    version BIGINT NOT NULL CHECK (version >= 1),
    verdict TEXT NOT NULL CHECK (verdict IN ('good', 'partly', 'insufficient', 'no_information')),
    reasoning TEXT NOT NULL,
    evidence TEXT NOT NULL,
    by_user BIGINT REFERENCES users (id),
    at BIGINT NOT NULL
);
CREATE UNIQUE INDEX assessments_version ON assessments (cycle_id, subject, COALESCE(organisation_id, 0), version);

CREATE TRIGGER assessments_final BEFORE UPDATE OR DELETE ON assessments
    FOR EACH ROW EXECUTE FUNCTION rightsmon_refuse_change();
CREATE TRIGGER assessments_not_truncated BEFORE TRUNCATE ON assessments
    FOR EACH STATEMENT EXECUTE FUNCTION rightsmon_refuse_change();
