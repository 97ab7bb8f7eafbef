-- Team performance, kept up to date in the transaction of each change so that a report reads aggregates and never
-- scans the event log.
--
-- report_days: per UTC day, number and member, what happened, as totals and running totals by 15-minute slot of the
-- day (arrays of 96: element k counts slots 1 to k). Every time zone's offset is a multiple of 15 minutes, so a
-- period in the viewer's zone is whole UTC days (read from the totals) plus slots at its two ends, and a day of the
-- viewer's zone is two runs of slots; each is one subtraction of two elements. A report reads about one row per
-- agent and day, however many events there were. member_id '' is nobody (a chat resolved while unassigned).
CREATE TABLE report_days (
    workspace_id          text NOT NULL REFERENCES workspaces (id),
    day                   date NOT NULL,
    business_number_id    text NOT NULL,
    member_id             text NOT NULL,
    assigned_manual       integer NOT NULL DEFAULT 0,
    assigned_bot_workflow integer NOT NULL DEFAULT 0,
    assigned_ai_bot       integer NOT NULL DEFAULT 0,
    assigned_api          integer NOT NULL DEFAULT 0,
    reassigned_away       integer NOT NULL DEFAULT 0,
    resolved              integer NOT NULL DEFAULT 0,
    assigned_manual_slots       integer[] NOT NULL DEFAULT array_fill(0, ARRAY[96]),
    assigned_bot_workflow_slots integer[] NOT NULL DEFAULT array_fill(0, ARRAY[96]),
    assigned_ai_bot_slots       integer[] NOT NULL DEFAULT array_fill(0, ARRAY[96]),
    assigned_api_slots          integer[] NOT NULL DEFAULT array_fill(0, ARRAY[96]),
    reassigned_away_slots       integer[] NOT NULL DEFAULT array_fill(0, ARRAY[96]),
    resolved_slots              integer[] NOT NULL DEFAULT array_fill(0, ARRAY[96]),
    -- All four sources together, for the chart of assignments per day.
    assigned_slots              integer[] NOT NULL DEFAULT array_fill(0, ARRAY[96]),
    PRIMARY KEY (workspace_id, day, business_number_id, member_id)
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
-- A median reads each member's and metric's range of the period in index order: no sort of the whole period by
-- member, only of each member's own values.
CREATE INDEX report_durations_member ON report_durations (workspace_id, metric, member_id, at)
    INCLUDE (seconds, business_number_id);

-- What a chat's durations are measured from, and whether its first assignment and first reply happened yet.
CREATE TABLE report_chats (
    chat_id             text PRIMARY KEY,
    workspace_id        text NOT NULL,
    opened_at           timestamptz NOT NULL,
    first_assigned_at   timestamptz,
    first_response_at   timestamptz
);

-- The live feed: a workspace's latest assignment changes, from an index rather than a sort of its whole history.
CREATE INDEX assignment_history_recent ON assignment_history (workspace_id, occurred_at DESC, id DESC);

-- "Open now" per agent without reading every chat of the workspace.
CREATE INDEX chats_open_assignee ON chats (workspace_id, assignee_id) WHERE status = 'open';

-- The history there is already: counts from the assignment history and the resolve events, durations from the same.
CREATE TEMP TABLE report_facts AS
SELECT workspace_id, business_number_id, member_id, CAST(at AT TIME ZONE 'UTC' AS date) AS day,
       1 + CAST(floor(extract(epoch FROM (at AT TIME ZONE 'UTC') - date_trunc('day', at AT TIME ZONE 'UTC')) / 900) AS integer) AS slot,
       sum(manual) AS manual, sum(bot) AS bot, sum(ai) AS ai, sum(api) AS api, sum(away) AS away, sum(resolved) AS resolved
FROM (
    SELECT h.workspace_id, h.occurred_at AS at, c.business_number_id, h.to_member_id AS member_id,
           (h.source = 'manual')::int AS manual, (h.source = 'bot_workflow')::int AS bot,
           (h.source = 'ai_bot')::int AS ai, (h.source = 'api')::int AS api, 0 AS away, 0 AS resolved
    FROM assignment_history h JOIN chats c ON c.id = h.chat_id
    WHERE h.to_member_id IS NOT NULL
    UNION ALL
    SELECT h.workspace_id, h.occurred_at, c.business_number_id, h.from_member_id, 0, 0, 0, 0, 1, 0
    FROM assignment_history h JOIN chats c ON c.id = h.chat_id
    WHERE h.from_member_id IS NOT NULL AND h.to_member_id IS NOT NULL AND h.to_member_id <> h.from_member_id
    UNION ALL
    SELECT e.workspace_id, e.occurred_at, e.business_number_id,
           coalesce(CAST(e.payload AS jsonb) #>> '{data,assignee,id}', ''), 0, 0, 0, 0, 0, 1
    FROM events e WHERE e.type = 'chat.resolved' AND e.business_number_id IS NOT NULL
) facts
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO report_days (workspace_id, day, business_number_id, member_id, assigned_manual, assigned_bot_workflow,
                         assigned_ai_bot, assigned_api, reassigned_away, resolved, assigned_manual_slots,
                         assigned_bot_workflow_slots, assigned_ai_bot_slots, assigned_api_slots, reassigned_away_slots,
                         resolved_slots, assigned_slots)
SELECT g.workspace_id, g.day, g.business_number_id, g.member_id,
       sum(coalesce(g.manual, 0)), sum(coalesce(g.bot, 0)), sum(coalesce(g.ai, 0)), sum(coalesce(g.api, 0)),
       sum(coalesce(g.away, 0)), sum(coalesce(g.resolved, 0)),
       array_agg(manual_cum ORDER BY s), array_agg(bot_cum ORDER BY s), array_agg(ai_cum ORDER BY s),
       array_agg(api_cum ORDER BY s), array_agg(away_cum ORDER BY s), array_agg(resolved_cum ORDER BY s),
       array_agg(manual_cum + bot_cum + ai_cum + api_cum ORDER BY s)
FROM (
    SELECT g.workspace_id, g.day, g.business_number_id, g.member_id, s, f.manual, f.bot, f.ai, f.api, f.away, f.resolved,
           sum(coalesce(f.manual, 0)) OVER w AS manual_cum, sum(coalesce(f.bot, 0)) OVER w AS bot_cum,
           sum(coalesce(f.ai, 0)) OVER w AS ai_cum, sum(coalesce(f.api, 0)) OVER w AS api_cum,
           sum(coalesce(f.away, 0)) OVER w AS away_cum, sum(coalesce(f.resolved, 0)) OVER w AS resolved_cum
    FROM (SELECT DISTINCT workspace_id, day, business_number_id, member_id FROM report_facts) g
    CROSS JOIN generate_series(1, 96) s
    LEFT JOIN report_facts f ON f.workspace_id = g.workspace_id AND f.day = g.day
        AND f.business_number_id = g.business_number_id AND f.member_id = g.member_id AND f.slot = s
    WINDOW w AS (PARTITION BY g.workspace_id, g.day, g.business_number_id, g.member_id ORDER BY s)
) g
GROUP BY g.workspace_id, g.day, g.business_number_id, g.member_id;

DROP TABLE report_facts;

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
