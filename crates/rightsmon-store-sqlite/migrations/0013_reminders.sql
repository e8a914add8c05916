-- Reminders: what is due or waiting for someone, kept once per person, kind and subject so that
-- nothing is said twice; and how each person wants to hear of each kind.

CREATE TABLE reminder_preferences (
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('immediate', 'daily', 'workspace_only', 'off')),
    PRIMARY KEY (user_id, kind)
) STRICT;

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    detail TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    email TEXT NOT NULL CHECK (email IN ('pending', 'sent', 'sent_in_digest', 'not_sent')),
    emailed_at INTEGER,
    read_at INTEGER,
    UNIQUE (user_id, kind, subject)
) STRICT;
CREATE INDEX reminders_pending ON reminders (email, user_id);
