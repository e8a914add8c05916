-- A number per scope that every change of what findings rest on counts up, in the transaction
-- of the change: the network's ('') for definitions, codelists, areas and decisions, a city's
-- code for its values, targets, civil society's values and its organisations. Whoever keeps findings computed compares it before reading them, so that
-- nothing stale is shown after a write by any process.
CREATE TABLE generations (
    scope TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) STRICT;
