-- Reference data, areas, the catalogue, observations, accounts, sessions and the audit log.
-- Timestamps are whole seconds since 1970 (UTC); dates are ISO text; texts in several languages
-- are JSON objects keyed by language.

CREATE TABLE themes (
    code TEXT PRIMARY KEY NOT NULL,
    is_agreed_area BOOLEAN NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT
);

CREATE TABLE rights (
    code TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('charter_title', 'charter_article', 'sdg_goal', 'sdg_target', 'norm')),
    parent_code TEXT REFERENCES rights (code),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT
);

CREATE TABLE codelists (
    id TEXT PRIMARY KEY NOT NULL,
    dimension TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE codes (
    codelist_id TEXT NOT NULL REFERENCES codelists (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (codelist_id, code)
);

CREATE TABLE areas (
    code TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('network', 'city', 'district')),
    parent_code TEXT REFERENCES areas (code),
    name TEXT NOT NULL,
    local_name TEXT,
    country TEXT,
    language TEXT,
    is_observer BOOLEAN NOT NULL,
    valid_from TEXT,
    valid_to TEXT,
    CHECK ((kind = 'network') = (parent_code IS NULL))
);
CREATE INDEX areas_parent ON areas (parent_code);

CREATE TABLE indicators (
    code TEXT PRIMARY KEY NOT NULL,
    city_code TEXT REFERENCES areas (code),
    created_at BIGINT NOT NULL
);

CREATE TABLE indicator_versions (
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    version BIGINT NOT NULL CHECK (version >= 1),
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    is_latest BOOLEAN NOT NULL,
    PRIMARY KEY (indicator_code, version)
);
CREATE UNIQUE INDEX indicator_versions_latest ON indicator_versions (indicator_code) WHERE is_latest;

CREATE TABLE indicator_themes (
    indicator_code TEXT NOT NULL,
    version BIGINT NOT NULL,
    theme_code TEXT NOT NULL REFERENCES themes (code),
    PRIMARY KEY (indicator_code, version, theme_code),
    FOREIGN KEY (indicator_code, version) REFERENCES indicator_versions (indicator_code, version)
);
CREATE INDEX indicator_themes_theme ON indicator_themes (theme_code);

CREATE TABLE indicator_rights (
    indicator_code TEXT NOT NULL,
    version BIGINT NOT NULL,
    right_code TEXT NOT NULL REFERENCES rights (code),
    link_type TEXT NOT NULL CHECK (link_type IN ('structural', 'process', 'outcome')),
    PRIMARY KEY (indicator_code, version, right_code),
    FOREIGN KEY (indicator_code, version) REFERENCES indicator_versions (indicator_code, version)
);
CREATE INDEX indicator_rights_right ON indicator_rights (right_code);

CREATE TABLE organisations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('municipal_department', 'cso', 'academic', 'network')),
    city_code TEXT REFERENCES areas (code),
    -- '' stands for the network, so that a name is unique per city and in the network.
    scope_key TEXT NOT NULL,
    UNIQUE (scope_key, name)
);

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT NOT NULL,
    is_disabled BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organisation_id BIGINT REFERENCES organisations (id),
    role TEXT NOT NULL CHECK (role IN ('network_coordinator', 'city_coordinator', 'data_editor', 'civil_society_member', 'viewer')),
    city_code TEXT REFERENCES areas (code),
    scope_key TEXT NOT NULL,
    UNIQUE (user_id, role, scope_key)
);

CREATE TABLE observations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator_code TEXT NOT NULL,
    version BIGINT NOT NULL,
    area_code TEXT NOT NULL REFERENCES areas (code),
    -- The city the area is or lies in; NULL for the network. Decides who may read drafts.
    city_code TEXT REFERENCES areas (code),
    period TEXT NOT NULL,
    period_start BIGINT NOT NULL,
    period_months BIGINT NOT NULL,
    disaggregation TEXT NOT NULL,
    number_value DOUBLE PRECISION,
    text_value TEXT,
    lower_bound DOUBLE PRECISION,
    upper_bound DOUBLE PRECISION,
    status TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    provenance_kind TEXT NOT NULL,
    source_name TEXT,
    source_reference TEXT,
    source_date TEXT,
    method_note TEXT,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'validated', 'published', 'returned')),
    revision BIGINT NOT NULL CHECK (revision >= 1),
    entered_by BIGINT REFERENCES users (id),
    approved_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((number_value IS NULL) <> (text_value IS NULL)),
    FOREIGN KEY (indicator_code, version) REFERENCES indicator_versions (indicator_code, version),
    UNIQUE (indicator_code, version, area_code, period, disaggregation)
);
CREATE INDEX observations_series ON observations (indicator_code, area_code, disaggregation, period_start);
CREATE INDEX observations_city_state ON observations (city_code, state);

CREATE TABLE benchmarks (
    kind TEXT NOT NULL CHECK (kind IN ('baseline', 'target')),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    area_code TEXT NOT NULL REFERENCES areas (code),
    disaggregation TEXT NOT NULL,
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (kind, indicator_code, area_code, disaggregation)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
