-- Recurring schedules. A schedule's runs are messages with schedule_id (run history = message history).
CREATE TABLE schedules (
  id                    TEXT PRIMARY KEY,
  tenant_id             TEXT NOT NULL,
  app_id                TEXT NOT NULL,
  key_id                TEXT,
  name                  TEXT NOT NULL,
  expression            TEXT NOT NULL,
  timezone              TEXT NOT NULL,
  start_at              INTEGER,
  end_at                INTEGER,
  payload               TEXT NOT NULL,
  headers               TEXT,
  retry_policy          TEXT,
  misfire_grace_seconds INTEGER NOT NULL,
  state                 TEXT NOT NULL,
  next_run_at           INTEGER,
  latest_run_at         INTEGER,
  latest_run_id         TEXT,
  prior_run_at          INTEGER,
  run_count             INTEGER NOT NULL DEFAULT 0,
  revision              INTEGER NOT NULL DEFAULT 0,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);
-- The materialiser's query: only active schedules are indexed, so a tick reads just the few that
-- are due instead of scanning every schedule.
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE state = 'active';
CREATE INDEX schedules_by_tenant ON schedules (tenant_id, id);
CREATE INDEX schedules_by_app ON schedules (app_id, id);
