-- Team performance, kept up to date in the transaction of each change so that a report reads aggregates and never
-- scans the event log.
--
-- report_counts: per 15-minute slot (UTC), number and member, what happened. Every time zone's offset is a multiple
-- of 15 minutes, so a day in the viewer's zone is always a whole number of slots. member_id '' is nobody (a chat
-- resolved while unassigned).
CREATE TABLE report_counts (
    workspace_id          text NOT NULL REFERENCES workspaces (id),
    slot                  timestamptz NOT NULL,
    business_number_id    text NOT NULL,
    member_id             text NOT NULL,
    assigned_manual       integer NOT NULL DEFAULT 0,
    assigned_bot_workflow integer NOT NULL DEFAULT 0,
    assigned_ai_bot       integer NOT NULL DEFAULT 0,
    assigned_api          integer NOT NULL DEFAULT 0,
    reassigned_away       integer NOT NULL DEFAULT 0,
    resolved              integer NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, slot, business_number_id, member_id)
);

-- report_durations: one row per measured time, for exact medians: first_assignment (a chat's first message to its
-- first assignment, for the member it went to), first_response (the first message to the first reply by a member,
-- for that member), resolution (opened or reopened to resolved, for the assignee then).
CREATE TABLE report_durations (
    workspace_id        text NOT NULL REFERENCES workspaces (id),
    at                  timestamptz NOT NULL,
    metric              text NOT NULL CHECK (metric IN ('first_assignment', 'first_response', 'resolution')),
    business_number_id  text NOT NULL,
    member_id           text NOT NULL,
    chat_id             text NOT NULL,
    seconds             double precision NOT NULL
);
CREATE INDEX report_durations_period ON report_durations (workspace_id, at)
    INCLUDE (metric, business_number_id, member_id, seconds);

-- What a chat's durations are measured from, and whether its first assignment and first reply happened yet.
CREATE TABLE report_chats (
    chat_id             text PRIMARY KEY,
    workspace_id        text NOT NULL,
    opened_at           timestamptz NOT NULL,
    first_assigned_at   timestamptz,
    first_response_at   timestamptz
);

-- "Open now" per agent without reading every chat of the workspace.
CREATE INDEX chats_open_assignee ON chats (workspace_id, assignee_id) WHERE status = 'open';

-- The history there is already: counts from the assignment history and the resolve events, durations from the same.
INSERT INTO report_counts (workspace_id, slot, business_number_id, member_id, assigned_manual, assigned_bot_workflow,
                           assigned_ai_bot, assigned_api, reassigned_away, resolved)
SELECT workspace_id, slot, business_number_id, member_id, sum(manual), sum(bot), sum(ai), sum(api), sum(away), sum(resolved)
FROM (
    SELECT h.workspace_id, to_timestamp(floor(extract(epoch FROM h.occurred_at) / 900) * 900) AS slot,
           c.business_number_id, h.to_member_id AS member_id,
           (h.source = 'manual')::int AS manual, (h.source = 'bot_workflow')::int AS bot,
           (h.source = 'ai_bot')::int AS ai, (h.source = 'api')::int AS api, 0 AS away, 0 AS resolved
    FROM assignment_history h JOIN chats c ON c.id = h.chat_id
    WHERE h.to_member_id IS NOT NULL
    UNION ALL
    SELECT h.workspace_id, to_timestamp(floor(extract(epoch FROM h.occurred_at) / 900) * 900), c.business_number_id,
           h.from_member_id, 0, 0, 0, 0, 1, 0
    FROM assignment_history h JOIN chats c ON c.id = h.chat_id
    WHERE h.from_member_id IS NOT NULL AND h.to_member_id IS NOT NULL AND h.to_member_id <> h.from_member_id
    UNION ALL
    SELECT e.workspace_id, to_timestamp(floor(extract(epoch FROM e.occurred_at) / 900) * 900), e.business_number_id,
           coalesce(CAST(e.payload AS jsonb) #>> '{data,assignee,id}', ''), 0, 0, 0, 0, 0, 1
    FROM events e WHERE e.type = 'chat.resolved' AND e.business_number_id IS NOT NULL
) facts
GROUP BY workspace_id, slot, business_number_id, member_id;

INSERT INTO report_chats (chat_id, workspace_id, opened_at, first_assigned_at)
SELECT c.id, c.workspace_id,
       greatest(c.created_at, coalesce((SELECT max(e.occurred_at) FROM events e
                                        WHERE e.workspace_id = c.workspace_id AND e.chat_id = c.id
                                          AND e.type = 'chat.reopened'), c.created_at)),
       (SELECT min(h.occurred_at) FROM assignment_history h WHERE h.chat_id = c.id AND h.to_member_id IS NOT NULL)
FROM chats c;

INSERT INTO report_durations (workspace_id, at, metric, business_number_id, member_id, chat_id, seconds)
SELECT h.workspace_id, h.occurred_at, 'first_assignment', c.business_number_id, h.to_member_id, c.id,
       greatest(0, extract(epoch FROM h.occurred_at - coalesce(
           (SELECT min(m.sent_at) FROM messages m WHERE m.chat_id = c.id AND m.direction = 'inbound'), c.created_at)))
FROM chats c
JOIN LATERAL (SELECT * FROM assignment_history h WHERE h.chat_id = c.id AND h.to_member_id IS NOT NULL
              ORDER BY h.sequence LIMIT 1) h ON true;

INSERT INTO report_durations (workspace_id, at, metric, business_number_id, member_id, chat_id, seconds)
SELECT e.workspace_id, e.occurred_at, 'resolution', e.business_number_id,
       coalesce(CAST(e.payload AS jsonb) #>> '{data,assignee,id}', ''), e.chat_id,
       greatest(0, extract(epoch FROM e.occurred_at - greatest(c.created_at, coalesce(
           (SELECT max(r.occurred_at) FROM events r WHERE r.workspace_id = e.workspace_id AND r.chat_id = e.chat_id
              AND r.type = 'chat.reopened' AND r.position < e.position), c.created_at))))
FROM events e JOIN chats c ON c.id = e.chat_id
WHERE e.type = 'chat.resolved' AND e.business_number_id IS NOT NULL;
