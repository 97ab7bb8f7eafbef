CREATE TABLE api_keys (
    id            text PRIMARY KEY,
    workspace_id  text NOT NULL REFERENCES workspaces (id),
    name          text NOT NULL,
    hint          text NOT NULL,
    -- SHA-256 of the key; the key itself is never stored.
    key_hash      text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id, id);
