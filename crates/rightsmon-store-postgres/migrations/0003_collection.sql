-- Every change of every value, and civil-society shadow values beside the official ones.

CREATE TABLE observation_revisions (
    observation_id BIGINT NOT NULL REFERENCES observations (id),
    revision BIGINT NOT NULL CHECK (revision >= 1),
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('created', 'submitted', 'validated', 'published', 'returned', 'draft', 'revised')),
    reason TEXT,
    -- The whole value after this change, as JSON.
    snapshot TEXT NOT NULL,
    PRIMARY KEY (observation_id, revision)
);

CREATE TRIGGER observation_revisions_final BEFORE UPDATE OR DELETE ON observation_revisions
    FOR EACH ROW EXECUTE FUNCTION rightsmon_refuse_change();

CREATE TABLE shadow_values (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator_code TEXT NOT NULL,
    version BIGINT NOT NULL,
    area_code TEXT NOT NULL REFERENCES areas (code),
    period TEXT NOT NULL,
    period_start BIGINT NOT NULL,
    disaggregation TEXT NOT NULL,
    number_value DOUBLE PRECISION,
    assessment TEXT,
    sources TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    at BIGINT NOT NULL,
    reply TEXT,
    reply_by BIGINT REFERENCES users (id),
    reply_at BIGINT,
    CHECK (number_value IS NOT NULL OR assessment IS NOT NULL),
    FOREIGN KEY (indicator_code, version) REFERENCES indicator_versions (indicator_code, version)
);
CREATE INDEX shadow_values_series ON shadow_values (indicator_code, area_code, period_start);
