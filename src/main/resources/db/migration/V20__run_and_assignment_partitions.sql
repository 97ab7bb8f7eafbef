-- Bot Studio's requests and runs, and the assignment history, are partitioned by month on their id too (as V19 did
-- for the event log, the deliveries and their attempts): a month of runs goes at once when run retention drops it,
-- and each month's indexes stay the size of a month.
--
-- No table refers to these three by a foreign key. The assignment history loses UNIQUE (chat_id, sequence): a unique
-- key of a partitioned table must include the partition key. A chat's sequence numbers are taken from the chat's row
-- while it is locked (inbox/Chats), which is what keeps them unique; an index on the pair remains for the chat's
-- history, newest first.

INSERT INTO history_tables (name, id_prefix, storage) VALUES
    ('bot_requests', 'req', NULL),
    -- Runs are updated several times each (queued, running, finished): room on the page for the new version.
    ('bot_runs', 'run', 'fillfactor = 80'),
    ('assignment_history', 'asg', NULL);

ALTER TABLE bot_requests RENAME TO bot_requests_unpartitioned;
ALTER TABLE bot_runs RENAME TO bot_runs_unpartitioned;
ALTER TABLE assignment_history RENAME TO assignment_history_unpartitioned;

-- INCLUDING STORAGE and the columns' compression (lz4, set by V19 where the server has it) come along with LIKE.
CREATE TABLE bot_requests (LIKE bot_requests_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS
    INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE (id);
CREATE TABLE bot_runs (LIKE bot_runs_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE
    INCLUDING COMPRESSION) PARTITION BY RANGE (id);
CREATE TABLE assignment_history (LIKE assignment_history_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS
    INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE (id);

-- A partition for every month that has rows, this month and the next two; later months are made ahead by the nodes.
DO $$
DECLARE
    oldest date := date_trunc('month', least(
        (SELECT min(received_at) FROM bot_requests_unpartitioned),
        (SELECT min(created_at) FROM bot_runs_unpartitioned),
        (SELECT min(occurred_at) FROM assignment_history_unpartitioned),
        now()) AT TIME ZONE 'UTC')::date;
    first_day date;
BEGIN
    FOR first_day IN SELECT generate_series(oldest, date_trunc('month', now() AT TIME ZONE 'UTC')::date + 2 * interval '1 month',
                                        interval '1 month')::date LOOP
        PERFORM history_partition(name, first_day) FROM history_tables
        WHERE name IN ('bot_requests', 'bot_runs', 'assignment_history');
    END LOOP;
END $$;
CREATE TABLE bot_requests_default PARTITION OF bot_requests DEFAULT;
CREATE TABLE bot_runs_default PARTITION OF bot_runs DEFAULT;
CREATE TABLE assignment_history_default PARTITION OF assignment_history DEFAULT;
SELECT history_partition_settings(name, name || '_default') FROM history_tables
WHERE name IN ('bot_requests', 'bot_runs', 'assignment_history');

INSERT INTO bot_requests SELECT * FROM bot_requests_unpartitioned;
INSERT INTO bot_runs SELECT * FROM bot_runs_unpartitioned;
INSERT INTO assignment_history SELECT * FROM assignment_history_unpartitioned;

DROP TABLE bot_requests_unpartitioned;
DROP TABLE bot_runs_unpartitioned;
DROP TABLE assignment_history_unpartitioned;

-- The same keys and indexes as before, made once the rows are in.
ALTER TABLE bot_requests ADD PRIMARY KEY (id);
ALTER TABLE bot_requests ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE bot_requests ADD FOREIGN KEY (bot_id) REFERENCES bots (id) ON DELETE CASCADE;
CREATE INDEX bot_requests_bot ON bot_requests (bot_id, received_at);

ALTER TABLE bot_runs ADD PRIMARY KEY (id);
ALTER TABLE bot_runs ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE bot_runs ADD FOREIGN KEY (bot_id) REFERENCES bots (id) ON DELETE CASCADE;
CREATE INDEX bot_runs_due ON bot_runs (next_try_at) WHERE status IN ('queued', 'waiting');
CREATE INDEX bot_runs_leases ON bot_runs (lease_expires_at) WHERE status = 'running';
CREATE INDEX bot_runs_bot ON bot_runs (bot_id, id DESC);
CREATE INDEX bot_runs_bot_status ON bot_runs (bot_id, status, id DESC);

ALTER TABLE assignment_history ADD PRIMARY KEY (id);
ALTER TABLE assignment_history ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE assignment_history ADD FOREIGN KEY (chat_id) REFERENCES chats (id) ON DELETE CASCADE;
ALTER TABLE assignment_history ADD FOREIGN KEY (from_member_id) REFERENCES members (id);
ALTER TABLE assignment_history ADD FOREIGN KEY (to_member_id) REFERENCES members (id);
CREATE INDEX assignment_history_chat ON assignment_history (chat_id, sequence);
CREATE INDEX assignment_history_recent ON assignment_history (workspace_id, occurred_at DESC, id DESC);

ANALYZE bot_requests, bot_runs, assignment_history;
