-- Reminders: what is due or waiting for someone, kept once per person, kind and subject so that
-- nothing is said twice; and how each person wants to hear of each kind.

CREATE TABLE reminder_preferences (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('immediate', 'daily', 'workspace_only', 'off')),
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE reminders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    detail TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    email TEXT NOT NULL CHECK (email IN ('pending', 'sent', 'sent_in_digest', 'not_sent')),
    emailed_at BIGINT,
    read_at BIGINT,
    UNIQUE (user_id, kind, subject)
);
CREATE INDEX reminders_pending ON reminders (email, user_id);
