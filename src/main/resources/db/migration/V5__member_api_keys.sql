-- A key may act for one team member, with that member's role (a personal access token);
-- without a member it acts for the workspace with the rights of a Team Lead.
ALTER TABLE api_keys ADD COLUMN member_id text REFERENCES members (id);
