-- The audit log is append-only, as the history of values is: the database refuses to change or
-- remove an event. A bulk import stages its values in short transactions, then switches them in
-- with one.

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are kept as they were written'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are kept as they were written'); END;

-- An import in progress: its values wait here until one transaction switches them in; a run
-- whose heartbeat stopped (its process ended) is cleared with its values.
CREATE TABLE import_runs (
    id TEXT PRIMARY KEY NOT NULL,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
) STRICT;

CREATE TABLE import_staging (
    run_id TEXT NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row INTEGER NOT NULL,
    -- The value as the history keeps it (JSON of `NewObservation`), and in the columns of
    -- `observations`, so that the switch copies it with one statement per batch.
    observation TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    version INTEGER NOT NULL,
    area_code TEXT NOT NULL,
    city_code TEXT,
    period TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    period_months INTEGER NOT NULL,
    disaggregation TEXT NOT NULL,
    number_value REAL,
    text_value TEXT,
    lower_bound REAL,
    upper_bound REAL,
    status TEXT NOT NULL,
    organisation_id INTEGER,
    provenance_kind TEXT NOT NULL,
    source_name TEXT,
    source_reference TEXT,
    source_date TEXT,
    method_note TEXT,
    state TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) STRICT;

CREATE INDEX login_failures_at ON login_failures (at);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id);
