-- A value's history begins with its first change: until then the stored row is its first
-- revision, so that a bulk import does not write every value twice. Before a value changes,
-- its first revision is written into the history; the database refuses a change that would
-- lose it.
CREATE TRIGGER observations_first_revision_kept BEFORE UPDATE ON observations
WHEN NOT EXISTS (SELECT 1 FROM observation_revisions WHERE observation_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a value''s first revision is kept in its history before the value changes'); END;

-- An import now stages its values in a temporary table of its own connection: nothing is left
-- behind when its process ends, and staging never takes the database's write lock.
DROP TABLE import_staging;
DROP TABLE import_runs;
