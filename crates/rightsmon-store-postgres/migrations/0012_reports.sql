-- Monitoring reports, frozen when issued: the snapshot holds every number the report shows and
-- the values (ids and revisions) it used. A report is never changed; a new one is issued instead.

CREATE TABLE reports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city_code TEXT NOT NULL REFERENCES areas (code),
    cycle_id BIGINT NOT NULL REFERENCES reporting_cycles (id),
    title TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    issued_by BIGINT REFERENCES users (id),
    issued_at BIGINT NOT NULL
);
CREATE INDEX reports_city ON reports (city_code, issued_at);

CREATE TRIGGER reports_final BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION rightsmon_refuse_change();
CREATE TRIGGER reports_not_truncated BEFORE TRUNCATE ON reports
    FOR EACH STATEMENT EXECUTE FUNCTION rightsmon_refuse_change();
