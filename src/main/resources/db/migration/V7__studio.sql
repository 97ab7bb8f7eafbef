-- Bot Studio, inbound WhatsApp messages, and member availability for bots that assign to online members only.

ALTER TABLE members ADD COLUMN availability text NOT NULL DEFAULT 'online'
    CHECK (availability IN ('online', 'busy', 'offline'));

-- What customers and agents wrote in a chat. A provider's message id is stored once per workspace, so a notification
-- that WhatsApp sends twice is recorded once.
CREATE TABLE messages (
    id            text PRIMARY KEY,
    workspace_id  text NOT NULL REFERENCES workspaces (id),
    chat_id       text NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    direction     text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    external_id   text,
    type          text NOT NULL,
    body          text,
    sent_at       timestamptz NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX messages_external ON messages (workspace_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX messages_chat ON messages (chat_id, sent_at, id);

CREATE TABLE bots (
    id                   text PRIMARY KEY,
    workspace_id         text NOT NULL REFERENCES workspaces (id),
    name                 text NOT NULL,
    status               text NOT NULL CHECK (status IN ('draft', 'active', 'paused')),
    trigger_type         text NOT NULL CHECK (trigger_type IN ('webhook', 'incoming_message')),
    -- The hook URL's token is looked up by its SHA-256 and shown from a sealed copy; neither reveals it in a dump.
    hook_token_hash      text UNIQUE,
    hook_token_sealed    text,
    hook_auth            text NOT NULL DEFAULT 'none' CHECK (hook_auth IN ('none', 'standard_webhooks', 'header')),
    hook_auth_header     text,
    hook_secret_sealed   text,
    business_number_ids  text[] NOT NULL DEFAULT '{}',
    -- The mapping and the flow, as JSON documents validated by the application.
    variables            text NOT NULL DEFAULT '[]',
    steps                text NOT NULL DEFAULT '[]',
    capture_started_at   timestamptz,
    capture_until        timestamptz,
    sample_request_id    text,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX bots_workspace ON bots (workspace_id, id);
CREATE INDEX bots_numbers ON bots USING gin (business_number_ids) WHERE trigger_type = 'incoming_message';

-- Requests that reached a bot's URL: its samples and the inputs of its runs. Secret headers are masked before storing.
CREATE TABLE bot_requests (
    id             text PRIMARY KEY,
    workspace_id   text NOT NULL REFERENCES workspaces (id),
    bot_id         text NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    method         text NOT NULL,
    headers        text NOT NULL,
    query          text NOT NULL,
    content_type   text,
    body           text,
    body_encoding  text NOT NULL CHECK (body_encoding IN ('none', 'utf8', 'base64')),
    source_ip      text,
    received_at    timestamptz NOT NULL
);
CREATE INDEX bot_requests_bot ON bot_requests (bot_id, received_at);

-- Every firing of a trigger. Queued in the transaction that accepts the request, then claimed under a lease by any
-- node, so a crash after the caller got its answer loses nothing.
CREATE TABLE bot_runs (
    id                text PRIMARY KEY,
    workspace_id      text NOT NULL REFERENCES workspaces (id),
    bot_id            text NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    trigger           text NOT NULL CHECK (trigger IN ('webhook', 'incoming_message', 'rerun')),
    request_id        text,
    rerun_of          text,
    chat_id           text,
    input             text NOT NULL,
    status            text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    variables         text,
    steps             text NOT NULL DEFAULT '[]',
    error             text,
    tries             integer NOT NULL DEFAULT 0,
    lease_owner       text,
    lease_expires_at  timestamptz,
    created_at        timestamptz NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz
);
CREATE INDEX bot_runs_queued ON bot_runs (created_at) WHERE status = 'queued';
CREATE INDEX bot_runs_leases ON bot_runs (lease_expires_at) WHERE status = 'running';
CREATE INDEX bot_runs_bot ON bot_runs (bot_id, id DESC);

-- Where each round-robin step's rotation stands; a row lock makes concurrent runs on any node take turns.
CREATE TABLE bot_round_robin (
    bot_id          text NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    step_id         text NOT NULL,
    last_member_id  text,
    PRIMARY KEY (bot_id, step_id)
);

-- A workspace's WhatsApp Cloud API app: its secret signs notifications, its verify token answers Meta's handshake.
CREATE TABLE whatsapp_channels (
    workspace_id         text PRIMARY KEY REFERENCES workspaces (id),
    app_secret_sealed    text NOT NULL,
    verify_token_sealed  text NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
