-- Per key, per UTC day usage counters, and the index behind plan pending-message limits.
CREATE TABLE usage_daily (
  key_id             TEXT NOT NULL,
  date               TEXT NOT NULL,
  tenant_id          TEXT NOT NULL,
  requests           INTEGER NOT NULL DEFAULT 0,
  messages_scheduled INTEGER NOT NULL DEFAULT 0,
  deliveries         INTEGER NOT NULL DEFAULT 0,
  attempts           INTEGER NOT NULL DEFAULT 0,
  failures           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (key_id, date)
) WITHOUT ROWID;
CREATE INDEX usage_by_tenant ON usage_daily (tenant_id, date);
CREATE INDEX messages_pending_by_key ON messages (key_id) WHERE status = 'scheduled';
