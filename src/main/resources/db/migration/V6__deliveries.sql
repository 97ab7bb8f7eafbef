-- The delivery queue and its log (the svix model): one delivery per event and endpoint, with its state, and an
-- append-only attempt log. Dispatchers on any number of nodes claim due rows with FOR UPDATE SKIP LOCKED under a
-- lease; a node that dies leaves leases that expire and are taken over.
CREATE TABLE deliveries (
    id                text PRIMARY KEY,
    workspace_id      text NOT NULL REFERENCES workspaces (id),
    endpoint_id       text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id          text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    event_type        text NOT NULL,
    chat_id           text,
    sequence          bigint,
    -- Copied from the endpoint at fan-out: events of one chat go out strictly in sequence order.
    ordered           boolean NOT NULL,
    -- A test send from Settings → Webhooks.
    test              boolean NOT NULL DEFAULT false,
    -- Set by resend and recover: the next try is a manual one, and a failure then is final.
    manual            boolean NOT NULL DEFAULT false,
    status            text NOT NULL CHECK (status IN ('pending', 'in_flight', 'succeeded', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz,
    lease_owner       text,
    lease_expires_at  timestamptz,
    last_outcome      text,
    last_status       integer,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    completed_at      timestamptz,
    version           integer NOT NULL DEFAULT 0
);
-- The one index of the queue: claims walk the endpoints that have pending work (a loose index scan) and take the
-- oldest due rows of each. A second index on next_attempt_at alone tempted the planner into scanning the whole
-- backlog per endpoint, which stalled claims for seconds once a slow endpoint had a backlog.
CREATE INDEX deliveries_pending_endpoint ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_leases ON deliveries (lease_expires_at) WHERE status = 'in_flight';
CREATE INDEX deliveries_chat_order ON deliveries (endpoint_id, chat_id, sequence)
    WHERE ordered AND status IN ('pending', 'in_flight');
CREATE INDEX deliveries_workspace ON deliveries (workspace_id, id DESC);
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, id DESC);
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_completed ON deliveries (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE delivery_attempts (
    id                text PRIMARY KEY,
    delivery_id       text NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    workspace_id      text NOT NULL,
    endpoint_id       text NOT NULL,
    attempt           integer NOT NULL,
    trigger           text NOT NULL CHECK (trigger IN ('scheduled', 'manual', 'test')),
    outcome           text NOT NULL,
    status            integer,
    request_headers   jsonb NOT NULL,
    -- Null when the body sent was the event's payload as recorded (JSON bodies): it is read from the event.
    request_body      text,
    response_headers  jsonb,
    response_body     text,
    error             text,
    duration_ms       integer NOT NULL,
    node              text NOT NULL,
    started_at        timestamptz NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt);
CREATE INDEX delivery_attempts_started ON delivery_attempts (started_at);

-- Endpoint health: when the current run of failures began (null after a success).
ALTER TABLE webhook_endpoints ADD COLUMN failing_since timestamptz;
-- Delays between attempts for this endpoint, overriding handoff.delivery.retry-schedule; null for the default.
ALTER TABLE webhook_endpoints ADD COLUMN retry_schedule text[];

-- Test sends are recorded as events too, so that they show in the delivery log; the event log hides them.
ALTER TABLE events ADD COLUMN test boolean NOT NULL DEFAULT false;
CREATE INDEX events_occurred ON events (occurred_at);

-- Every delivery row is updated at least twice (claimed, finished): leave room on each page for the new versions
-- and vacuum the queue early and without throttling, so it does not bloat under sustained load.
ALTER TABLE deliveries SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
