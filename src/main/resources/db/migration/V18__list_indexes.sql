-- Every filter the API's lists offer has an index that serves it in the list's own order (newest first, by id), so a
-- filtered page reads its rows and no others however long the history grows. The list statements are built from the
-- filters actually given (platform/ListQuery), so these are used in generic plans too.

-- The delivery log: by chat (a chat's deliveries to every endpoint), by endpoint and status (the console's failed
-- filter), by status and by event type across the workspace. By endpoint alone and by event are served already.
CREATE INDEX deliveries_chat ON deliveries (chat_id, id DESC) WHERE chat_id IS NOT NULL;
CREATE INDEX deliveries_endpoint_status ON deliveries (endpoint_id, status, id DESC);
CREATE INDEX deliveries_workspace_status ON deliveries (workspace_id, status, id DESC);
CREATE INDEX deliveries_workspace_type ON deliveries (workspace_id, event_type, id DESC);

-- Chats by customer and by assignee; the assignee index it replaces could not give the list's order.
CREATE INDEX chats_customer ON chats (customer_id, id DESC);
CREATE INDEX chats_assignee_recent ON chats (workspace_id, assignee_id, id DESC) WHERE assignee_id IS NOT NULL;
DROP INDEX chats_assignee;
CREATE INDEX chats_unassigned ON chats (workspace_id, id DESC) WHERE assignee_id IS NULL;

-- The inbox's tabs on open chats (its default), by last activity: All, Mine and Unassigned. Open chats are the few
-- among years of resolved ones; read from chats_activity, an agent with no open chat left had the whole workspace
-- read to show an empty tab. The status is written into the list statement, so these partial indexes serve generic
-- plans too.
CREATE INDEX chats_open_activity ON chats (workspace_id, last_activity_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX chats_open_assignee_activity ON chats (assignee_id, last_activity_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX chats_open_unassigned_activity ON chats (workspace_id, last_activity_at DESC, id DESC)
    WHERE status = 'open' AND assignee_id IS NULL;

-- A bot's runs by status, and a chat's messages page by id.
CREATE INDEX bot_runs_bot_status ON bot_runs (bot_id, status, id DESC);
CREATE INDEX messages_chat_id ON messages (chat_id, id DESC);

-- A workspace's customers, newest first (the primary key alone reads every tenant's).
CREATE INDEX customers_workspace ON customers (workspace_id, id DESC);
