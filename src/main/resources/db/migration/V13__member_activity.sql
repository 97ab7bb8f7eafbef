-- When a member last used the console: auto-away (handoff.inbox.auto-away-after) turns online members who have not
-- been seen for that long to busy, so online-only routing stops giving them chats.
ALTER TABLE members ADD COLUMN last_seen_at timestamptz;
CREATE INDEX members_online_seen ON members (last_seen_at) WHERE availability = 'online' AND deleted_at IS NULL;
