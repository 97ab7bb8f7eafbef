-- Credentials for the systems bots send data to. Secrets are sealed (AES-GCM) as one JSON document; settings that
-- are not secret (base URLs, the service account's email) stay readable.
CREATE TABLE connections (
    id             text PRIMARY KEY,
    workspace_id   text NOT NULL REFERENCES workspaces (id),
    type           text NOT NULL CHECK (type IN ('http', 'google_service_account', 'hubspot', 'zoho', 'salesforce')),
    name           text NOT NULL,
    settings       text NOT NULL,
    secrets_sealed text NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX connections_workspace ON connections (workspace_id, id);

-- The newest assignment applied to a CRM per chat and step: an older one arriving later (a retry, a slow run) is
-- skipped, so the CRM ends with the chat's current agent.
CREATE TABLE crm_owner_sync (
    bot_id         text NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    step_id        text NOT NULL,
    chat_id        text NOT NULL,
    last_sequence  bigint NOT NULL,
    owner_id       text,
    record_id      text,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (bot_id, step_id, chat_id)
);
