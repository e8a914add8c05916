-- The network's comparative reports, frozen when issued, like the cities' reports.

CREATE TABLE network_reports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    issued_by BIGINT REFERENCES users (id),
    issued_at BIGINT NOT NULL
);

CREATE TRIGGER network_reports_final BEFORE UPDATE OR DELETE ON network_reports
    FOR EACH ROW EXECUTE FUNCTION rightsmon_refuse_change();
CREATE TRIGGER network_reports_not_truncated BEFORE TRUNCATE ON network_reports
    FOR EACH STATEMENT EXECUTE FUNCTION rightsmon_refuse_change();
