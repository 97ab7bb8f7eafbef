-- The team inbox. Every table carries workspace_id and every query filters on it.
-- Ids are prefixed ULIDs (text): readable in logs and payloads, and ordered by creation.

CREATE TABLE workspaces (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE business_numbers (
    id               text PRIMARY KEY,
    workspace_id     text NOT NULL REFERENCES workspaces (id),
    number           text NOT NULL,
    display_name     text NOT NULL,
    waba_id          text,
    phone_number_id  text,
    created_at       timestamptz NOT NULL,
    UNIQUE (workspace_id, number)
);
-- WhatsApp routes inbound messages by phone number id, so it identifies one number across all workspaces.
CREATE UNIQUE INDEX business_numbers_phone_number_id ON business_numbers (phone_number_id)
    WHERE phone_number_id IS NOT NULL;

-- Built-in roles are rows too, so custom roles work the same way; base says what a role may do.
CREATE TABLE roles (
    id            text PRIMARY KEY,
    workspace_id  text NOT NULL REFERENCES workspaces (id),
    name          text NOT NULL,
    base          text NOT NULL CHECK (base IN ('owner', 'team_lead', 'team_member', 'team_member_assigned')),
    built_in      boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX roles_name ON roles (workspace_id, lower(name));

CREATE TABLE members (
    id            text PRIMARY KEY,
    workspace_id  text NOT NULL REFERENCES workspaces (id),
    name          text NOT NULL,
    email         text NOT NULL,
    phone         text,
    org_role_id   text NOT NULL REFERENCES roles (id),
    -- Set when the member may sign in to the web console; a modern adaptive hash, never the password.
    password_hash text,
    created_at    timestamptz NOT NULL,
    deleted_at    timestamptz
);
CREATE UNIQUE INDEX members_email ON members (workspace_id, lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX members_workspace ON members (workspace_id, id);

CREATE TABLE member_number_roles (
    member_id           text NOT NULL REFERENCES members (id),
    business_number_id  text NOT NULL REFERENCES business_numbers (id),
    role_id             text NOT NULL REFERENCES roles (id),
    PRIMARY KEY (member_id, business_number_id)
);
CREATE INDEX member_number_roles_number ON member_number_roles (business_number_id);

CREATE TABLE customers (
    id            text PRIMARY KEY,
    workspace_id  text NOT NULL REFERENCES workspaces (id),
    name          text,
    phone         text NOT NULL,
    wa_id         text NOT NULL,
    created_at    timestamptz NOT NULL,
    UNIQUE (workspace_id, phone)
);

CREATE TABLE chats (
    id                  text PRIMARY KEY,
    workspace_id        text NOT NULL REFERENCES workspaces (id),
    business_number_id  text NOT NULL REFERENCES business_numbers (id),
    customer_id         text NOT NULL REFERENCES customers (id),
    status              text NOT NULL CHECK (status IN ('open', 'closed')),
    assignee_id         text REFERENCES members (id),
    -- Grows by one on every assignment change; receivers keep the highest they have seen.
    sequence            bigint NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    closed_at           timestamptz
);
CREATE UNIQUE INDEX chats_one_open ON chats (business_number_id, customer_id) WHERE status = 'open';
CREATE INDEX chats_workspace ON chats (workspace_id, id);
CREATE INDEX chats_assignee ON chats (assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE assignment_history (
    id                 text PRIMARY KEY,
    workspace_id       text NOT NULL REFERENCES workspaces (id),
    chat_id            text NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    sequence           bigint NOT NULL,
    from_member_id     text REFERENCES members (id),
    to_member_id       text REFERENCES members (id),
    source             text NOT NULL,
    actor_type         text NOT NULL,
    actor_id           text,
    actor_name         text,
    bot_id             text,
    occurred_at        timestamptz NOT NULL,
    UNIQUE (chat_id, sequence)
);
