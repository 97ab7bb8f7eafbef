-- The event log, the deliveries and their attempts are partitioned by month, so that retention drops a month as a
-- whole (milliseconds, and the disk space comes back) instead of deleting millions of rows one by one.
--
-- The partition key is the id: ids begin with their creation time (a ULID after the prefix, see platform/Ids), so a
-- month of ids is one range of them. Partitioning on the id keeps it the primary key on its own, so lookups by id,
-- ON CONFLICT and the keyset order of every list (newest id first) stay as they were, and a list reads the newest
-- month first and stops there once its page is full. Rows whose id lies in no month (none are made so) go to the
-- default partition rather than fail.
--
-- The foreign keys between these three tables go: a partition cannot be dropped while another table's key points
-- into it without checking every row of that table, which is the cost this layout removes. Rows are written in the
-- order event, delivery, attempt by the same code, and retention removes them in the reverse order, the few that
-- cross a month's edge first (see delivery/Retention). Deleting an endpoint still deletes its deliveries and now
-- its attempts directly, by their endpoint_id.

-- The history tables and how their partitions are made: the prefix of their ids and the storage settings each
-- partition needs (a partitioned table keeps none of its own).
CREATE TABLE history_tables (
    name       text PRIMARY KEY,
    id_prefix  text NOT NULL,
    storage    text
);
INSERT INTO history_tables (name, id_prefix, storage) VALUES
    ('events', 'evt', NULL),
    ('deliveries', 'dlv', 'fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, '
        || 'autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0'),
    ('delivery_attempts', 'att', NULL);

-- The smallest id with this prefix made at this time or later: the same as Ids.first in Java.
CREATE FUNCTION history_id_bound(prefix text, at timestamptz) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    millis bigint := floor(extract(epoch FROM at) * 1000);
    encoded text := '';
BEGIN
    FOR i IN 1..10 LOOP
        encoded := substr(alphabet, (millis % 32)::int + 1, 1) || encoded;
        millis := millis / 32;
    END LOOP;
    RETURN prefix || '_' || encoded || repeat('0', 16);
END $$;

-- Gives a new partition of a history table the settings a partitioned table cannot hold for it: its storage
-- parameters, and the compression chosen for the parent's columns (lz4, where the server has it).
CREATE FUNCTION history_partition_settings(parent text, part_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    settings text := (SELECT h.storage FROM history_tables h WHERE h.name = parent);
    col record;
BEGIN
    IF settings IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %I SET (%s)', part_name, settings);
    END IF;
    FOR col IN SELECT attname FROM pg_attribute
               WHERE attrelid = to_regclass(parent) AND attnum > 0 AND NOT attisdropped AND attcompression = 'l' LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET COMPRESSION lz4', part_name, col.attname);
    END LOOP;
END $$;

-- Makes the partition of a history table for the month (UTC) of `month_start`, unless it exists; answers whether it
-- made it. Named table_YYYY_MM.
CREATE FUNCTION history_partition(parent text, month_start date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    prefix text;
    first_day date := date_trunc('month', month_start)::date;
    part_name text := parent || '_' || to_char(first_day, 'YYYY_MM');
BEGIN
    SELECT id_prefix INTO STRICT prefix FROM history_tables WHERE name = parent;
    IF to_regclass(part_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part_name, parent,
        history_id_bound(prefix, first_day::timestamp AT TIME ZONE 'UTC'),
        history_id_bound(prefix, (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
    PERFORM history_partition_settings(parent, part_name);
    RETURN true;
END $$;

ALTER TABLE delivery_attempts RENAME TO delivery_attempts_unpartitioned;
ALTER TABLE deliveries RENAME TO deliveries_unpartitioned;
ALTER TABLE events RENAME TO events_unpartitioned;

CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (id);
CREATE TABLE deliveries (LIKE deliveries_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (id);
CREATE TABLE delivery_attempts (LIKE delivery_attempts_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS
    INCLUDING STORAGE) PARTITION BY RANGE (id);

-- Large text (payloads, request and response bodies and headers) is compressed with lz4 where the server was built
-- with it: several times faster than PostgreSQL's own pglz at about the same size. Rows copied below keep the
-- compression they have.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE events ALTER COLUMN payload SET COMPRESSION lz4;
        ALTER TABLE delivery_attempts ALTER COLUMN request_headers SET COMPRESSION lz4,
            ALTER COLUMN request_body SET COMPRESSION lz4, ALTER COLUMN response_headers SET COMPRESSION lz4,
            ALTER COLUMN response_body SET COMPRESSION lz4;
        ALTER TABLE bot_requests ALTER COLUMN headers SET COMPRESSION lz4, ALTER COLUMN body SET COMPRESSION lz4;
        ALTER TABLE bot_runs ALTER COLUMN input SET COMPRESSION lz4, ALTER COLUMN variables SET COMPRESSION lz4,
            ALTER COLUMN steps SET COMPRESSION lz4;
    END IF;
END $$;

-- The order of recording: a sequence of its own (an identity column cannot be moved), continuing where it stood.
ALTER TABLE events_unpartitioned ALTER COLUMN position DROP IDENTITY;
CREATE SEQUENCE events_position_seq AS bigint OWNED BY events.position;
SELECT setval('events_position_seq', coalesce((SELECT max(position) FROM events_unpartitioned), 0) + 1, false);
ALTER TABLE events ALTER COLUMN position SET DEFAULT nextval('events_position_seq');

-- A partition for every month that has history, this month and the next two; later months are made ahead by the
-- nodes (delivery/Retention).
DO $$
DECLARE
    oldest date := date_trunc('month', least(
        (SELECT min(occurred_at) FROM events_unpartitioned),
        (SELECT min(created_at) FROM deliveries_unpartitioned),
        (SELECT min(started_at) FROM delivery_attempts_unpartitioned),
        now()) AT TIME ZONE 'UTC')::date;
    first_day date;
BEGIN
    FOR first_day IN SELECT generate_series(oldest, date_trunc('month', now() AT TIME ZONE 'UTC')::date + 2 * interval '1 month',
                                        interval '1 month')::date LOOP
        PERFORM history_partition(name, first_day) FROM history_tables;
    END LOOP;
END $$;
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE TABLE deliveries_default PARTITION OF deliveries DEFAULT;
CREATE TABLE delivery_attempts_default PARTITION OF delivery_attempts DEFAULT;
SELECT history_partition_settings(name, name || '_default') FROM history_tables;

INSERT INTO events SELECT * FROM events_unpartitioned;
INSERT INTO deliveries SELECT * FROM deliveries_unpartitioned;
INSERT INTO delivery_attempts SELECT * FROM delivery_attempts_unpartitioned;

DROP TABLE delivery_attempts_unpartitioned;
DROP TABLE deliveries_unpartitioned;
DROP TABLE events_unpartitioned;

-- The same keys and indexes as before, made once the rows are in (faster than maintaining them row by row). The
-- order of recording is no longer declared unique (a unique key must include the id); the sequence makes it so.
ALTER TABLE events ADD PRIMARY KEY (id);
ALTER TABLE events ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
CREATE INDEX events_position ON events (position);
CREATE INDEX events_workspace ON events (workspace_id, position DESC);
CREATE INDEX events_chat ON events (workspace_id, chat_id, position DESC) WHERE chat_id IS NOT NULL;
CREATE INDEX events_type ON events (workspace_id, type, position DESC);
CREATE INDEX events_occurred ON events (occurred_at);

ALTER TABLE deliveries ADD PRIMARY KEY (id);
ALTER TABLE deliveries ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE deliveries ADD FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE CASCADE;
CREATE INDEX deliveries_pending_endpoint ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_leases ON deliveries (lease_expires_at) WHERE status = 'in_flight';
CREATE INDEX deliveries_chat_order ON deliveries (endpoint_id, chat_id, sequence)
    WHERE ordered AND status IN ('pending', 'in_flight');
CREATE INDEX deliveries_workspace ON deliveries (workspace_id, id DESC);
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, id DESC);
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_completed ON deliveries (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX deliveries_chat ON deliveries (chat_id, id DESC) WHERE chat_id IS NOT NULL;
CREATE INDEX deliveries_endpoint_status ON deliveries (endpoint_id, status, id DESC);
CREATE INDEX deliveries_workspace_status ON deliveries (workspace_id, status, id DESC);
CREATE INDEX deliveries_workspace_type ON deliveries (workspace_id, event_type, id DESC);

ALTER TABLE delivery_attempts ADD PRIMARY KEY (id);
ALTER TABLE delivery_attempts ADD FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE CASCADE;
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt);
CREATE INDEX delivery_attempts_started ON delivery_attempts (started_at);
CREATE INDEX delivery_attempts_endpoint_started ON delivery_attempts (endpoint_id, started_at);

ANALYZE events, deliveries, delivery_attempts;
