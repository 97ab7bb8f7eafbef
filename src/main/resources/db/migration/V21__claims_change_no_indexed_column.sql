-- A claim no longer changes an indexed column, so PostgreSQL writes it as a heap-only (HOT) update: a new version of
-- the row on the same page and no index entry at all. Before, a claim set status = 'in_flight', which the queue's
-- and the delivery log's indexes hold (as a key or in their WHERE), so every claimed row was a new tuple plus an
-- entry in each of the deliveries' thirteen indexes; the claim of 40 rows cost 9.5 ms, mostly those writes
-- (bench/recover.sh, auto_explain). Lease renewals and releases were the same, through deliveries_leases.
--
-- A delivery being sent is now a pending one under a lease: status 'pending' with lease_owner set (the API and the
-- console still show it as in_flight). Claims skip pending rows whose lease is live and take those whose lease ran
-- out, so a dead node's deliveries need no separate release; a node renews and gives back its leases by the ids it
-- holds, so no index on the lease columns is needed.
UPDATE deliveries SET status = 'pending' WHERE status = 'in_flight';

DROP INDEX deliveries_leases;
DROP INDEX deliveries_chat_order;
CREATE INDEX deliveries_chat_order ON deliveries (endpoint_id, chat_id, sequence) WHERE ordered AND status = 'pending';

ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed'));
