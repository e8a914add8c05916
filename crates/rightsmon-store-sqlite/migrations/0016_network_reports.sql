-- The network's comparative reports, frozen when issued, like the cities' reports.

CREATE TABLE network_reports (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    issued_by INTEGER REFERENCES users (id),
    issued_at INTEGER NOT NULL
) STRICT;

CREATE TRIGGER network_reports_no_update BEFORE UPDATE ON network_reports
BEGIN SELECT RAISE(ABORT, 'an issued report is kept as it was issued'); END;
CREATE TRIGGER network_reports_no_delete BEFORE DELETE ON network_reports
BEGIN SELECT RAISE(ABORT, 'an issued report is kept as it was issued'); END;
