-- Webhook endpoints. Secrets (signing secrets, receivers' passwords and tokens, custom headers) are stored
-- encrypted with AES-GCM, bound to the endpoint's id.
CREATE TABLE webhook_endpoints (
    id                          text PRIMARY KEY,
    workspace_id                text NOT NULL REFERENCES workspaces (id),
    name                        text NOT NULL,
    url                         text NOT NULL,
    all_business_numbers        boolean NOT NULL,
    business_number_ids         text[] NOT NULL DEFAULT '{}',
    event_types                 text[] NOT NULL,
    headers_enc                 text,
    auth_type                   text NOT NULL CHECK (auth_type IN ('none', 'basic', 'bearer')),
    auth_username               text,
    auth_secret_enc             text,
    body_format                 text NOT NULL CHECK (body_format IN ('json', 'form')),
    ordering                    text NOT NULL CHECK (ordering IN ('none', 'per_chat')),
    rate_limit_per_second       integer CHECK (rate_limit_per_second > 0),
    retry_on_timeout            boolean NOT NULL,
    enabled                     boolean NOT NULL,
    disabled_reason             text,
    disabled_at                 timestamptz,
    secret_enc                  text NOT NULL,
    previous_secret_enc         text,
    previous_secret_expires_at  timestamptz,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    version                     integer NOT NULL DEFAULT 0
);
CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id, id);
