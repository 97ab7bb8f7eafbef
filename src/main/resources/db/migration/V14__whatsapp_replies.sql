-- Replies over the WhatsApp Cloud API. A number sends through a connection of type whatsapp_cloud (its phone number
-- id, business account id and access token, sealed like every secret).
ALTER TABLE connections DROP CONSTRAINT connections_type_check;
ALTER TABLE connections ADD CONSTRAINT connections_type_check
    CHECK (type IN ('http', 'google_service_account', 'hubspot', 'zoho', 'salesforce', 'openai', 'whatsapp_cloud'));

-- An outbound message is its own queue entry: queued, then sending under a lease, then what Meta said (sent,
-- delivered, read, failed). Statuses only move forward (status_rank), so a late "sent" never overwrites "read".
-- client_key makes a submit idempotent: the same composer form or Idempotency-Key stores and sends one message.
ALTER TABLE messages
    ADD COLUMN status           text CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'not_sent')),
    ADD COLUMN status_rank      smallint NOT NULL DEFAULT 0,
    ADD COLUMN status_at        timestamptz,
    ADD COLUMN error_code       integer,
    ADD COLUMN error            text,
    ADD COLUMN author_type      text CHECK (author_type IN ('member', 'ai_bot', 'api_key')),
    ADD COLUMN author_id        text,
    ADD COLUMN author_name      text,
    ADD COLUMN client_key       text,
    ADD COLUMN template         text,
    ADD COLUMN tries            integer NOT NULL DEFAULT 0,
    ADD COLUMN next_try_at      timestamptz,
    ADD COLUMN lease_owner      text,
    ADD COLUMN lease_expires_at timestamptz;
CREATE UNIQUE INDEX messages_client_key ON messages (workspace_id, client_key) WHERE client_key IS NOT NULL;
CREATE INDEX messages_outbox ON messages (next_try_at) WHERE status = 'queued';
CREATE INDEX messages_sending ON messages (lease_expires_at) WHERE status = 'sending';
-- The 24-hour customer-service window starts at the customer's last message.
CREATE INDEX messages_inbound ON messages (chat_id, sent_at DESC) WHERE direction = 'inbound';

-- Replies stored before Handoff could send them (the AI bot's) never left: say so rather than show them as sent.
UPDATE messages SET status = 'not_sent', author_type = 'ai_bot',
    error = 'Stored before Handoff sent replies over WhatsApp; it was not sent'
WHERE direction = 'outbound';

-- What each member has read of each chat, for unread counts: inbound messages after last_read_at.
CREATE TABLE chat_reads (
    chat_id       text NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    member_id     text NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    last_read_at  timestamptz NOT NULL,
    PRIMARY KEY (chat_id, member_id)
);
