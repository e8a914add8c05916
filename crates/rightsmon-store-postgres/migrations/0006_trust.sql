-- The audit log is append-only, as the history of values is: the database refuses to change or
-- remove an event. A bulk import stages its values in short transactions, then switches them in
-- with one.

CREATE TRIGGER audit_events_final BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION rightsmon_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION rightsmon_refuse_change();

-- An import in progress: its values wait here until one transaction switches them in; a run
-- whose heartbeat stopped (its process ended) is cleared with its values.
CREATE TABLE import_runs (
    id TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

CREATE TABLE import_staging (
    run_id TEXT NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    row BIGINT NOT NULL,
    -- The value as the history keeps it (JSON of `NewObservation`), and in the columns of
    -- `observations`, so that the switch copies it with one statement per batch.
    observation TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    version BIGINT NOT NULL,
    area_code TEXT NOT NULL,
    city_code TEXT,
    period TEXT NOT NULL,
    period_start BIGINT NOT NULL,
    period_months BIGINT NOT NULL,
    disaggregation TEXT NOT NULL,
    number_value DOUBLE PRECISION,
    text_value TEXT,
    lower_bound DOUBLE PRECISION,
    upper_bound DOUBLE PRECISION,
    status TEXT NOT NULL,
    organisation_id BIGINT,
    provenance_kind TEXT NOT NULL,
    source_name TEXT,
    source_reference TEXT,
    source_date TEXT,
    method_note TEXT,
    state TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

CREATE INDEX login_failures_at ON login_failures (at);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id);
