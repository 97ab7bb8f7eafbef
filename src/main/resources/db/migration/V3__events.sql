-- The event log. payload is the exact JSON body that receivers get, kept as text so that every retry sends the same
-- bytes (jsonb would reorder keys); it is frozen when the event happens.
CREATE TABLE events (
    id            text PRIMARY KEY,
    workspace_id  text NOT NULL REFERENCES workspaces (id),
    type          text NOT NULL,
    chat_id       text,
    sequence      bigint,
    business_number_id text,
    payload       text NOT NULL,
    -- Commit-independent order of recording; lists page on it, since ids only order to the millisecond.
    position      bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    occurred_at   timestamptz NOT NULL
);
CREATE INDEX events_workspace ON events (workspace_id, position DESC);
CREATE INDEX events_chat ON events (workspace_id, chat_id, position DESC) WHERE chat_id IS NOT NULL;
CREATE INDEX events_type ON events (workspace_id, type, position DESC);
