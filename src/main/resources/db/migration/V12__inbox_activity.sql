-- The inbox lists chats by their last activity (a message, an assignment, a status change), newest first, and pages
-- by (last_activity_at, id) from an index rather than sorting a workspace's chats on every view.
ALTER TABLE chats ADD COLUMN last_activity_at timestamptz;
UPDATE chats c SET last_activity_at = greatest(c.updated_at,
    (SELECT max(m.sent_at) FROM messages m WHERE m.chat_id = c.id));
ALTER TABLE chats ALTER COLUMN last_activity_at SET NOT NULL;
CREATE INDEX chats_activity ON chats (workspace_id, last_activity_at DESC, id DESC);
