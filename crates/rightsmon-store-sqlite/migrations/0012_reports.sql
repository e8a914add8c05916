-- Monitoring reports, frozen when issued: the snapshot holds every number the report shows and
-- the values (ids and revisions) it used. A report is never changed; a new one is issued instead.

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    city_code TEXT NOT NULL REFERENCES areas (code),
    cycle_id INTEGER NOT NULL REFERENCES reporting_cycles (id),
    title TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    issued_by INTEGER REFERENCES users (id),
    issued_at INTEGER NOT NULL
) STRICT;
CREATE INDEX reports_city ON reports (city_code, issued_at);

CREATE TRIGGER reports_no_update BEFORE UPDATE ON reports
BEGIN SELECT RAISE(ABORT, 'an issued report is kept as it was issued'); END;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
BEGIN SELECT RAISE(ABORT, 'an issued report is kept as it was issued'); END;
