-- Runs that wait out a transient failure (a CRM answering 429 or 502 after the step's own tries) and resume from the
-- failed step on a schedule, instead of ending failed with the CRM left wrong.
ALTER TABLE bot_runs DROP CONSTRAINT bot_runs_status_check;
ALTER TABLE bot_runs ADD CONSTRAINT bot_runs_status_check
    CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed'));
-- When a queued or waiting run may be claimed: its creation for a new run, the next try for a waiting one.
ALTER TABLE bot_runs ADD COLUMN next_try_at timestamptz;
-- How many times the run waited after a transient failure; claims that were not waits are node restarts.
ALTER TABLE bot_runs ADD COLUMN waits integer NOT NULL DEFAULT 0;
UPDATE bot_runs SET next_try_at = created_at WHERE status = 'queued';
DROP INDEX bot_runs_queued;
-- The one index of the run queue: claims take the earliest due of the queued and waiting runs.
CREATE INDEX bot_runs_due ON bot_runs (next_try_at) WHERE status IN ('queued', 'waiting');
