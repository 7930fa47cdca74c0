-- Initial schema: tenants, apps, keys, messages, attempts, idempotency records.
CREATE TABLE tenants (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  plan       TEXT NOT NULL,
  owner      TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE apps (
  id         TEXT PRIMARY KEY,
  tenant_id  TEXT NOT NULL,
  data       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX apps_by_tenant ON apps (tenant_id, id);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL,
  hash         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  scope        TEXT NOT NULL,
  app_id       TEXT,
  plan         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, id);

CREATE TABLE messages (
  id              TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL,
  app_id          TEXT NOT NULL,
  schedule_id     TEXT,
  key_id          TEXT,
  status          TEXT NOT NULL,
  send_at         INTEGER NOT NULL,
  due_at          INTEGER,
  payload         TEXT NOT NULL,
  headers         TEXT,
  retry_policy    TEXT,
  idempotency_key TEXT,
  attempt_count   INTEGER NOT NULL DEFAULT 0,
  attempt_base    INTEGER NOT NULL DEFAULT 0,
  delivered_at    INTEGER,
  failed_at       INTEGER,
  aborted_at      INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
-- The engine's refill query: only scheduled messages are indexed, so the index stays as small as the backlog.
CREATE INDEX messages_due ON messages (due_at) WHERE status = 'scheduled';
CREATE INDEX messages_by_tenant ON messages (tenant_id, id);
CREATE INDEX messages_by_app ON messages (app_id, id);
CREATE INDEX messages_by_schedule ON messages (schedule_id, id) WHERE schedule_id IS NOT NULL;

CREATE TABLE attempts (
  message_id    TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  tenant_id     TEXT NOT NULL,
  started_at    INTEGER NOT NULL,
  duration_ms   INTEGER NOT NULL,
  outcome       TEXT NOT NULL,
  status_code   INTEGER,
  error         TEXT,
  response_body TEXT,
  PRIMARY KEY (message_id, attempt)
) WITHOUT ROWID;

CREATE TABLE idempotency (
  app_id     TEXT NOT NULL,
  key        TEXT NOT NULL,
  message_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (app_id, key)
) WITHOUT ROWID;
