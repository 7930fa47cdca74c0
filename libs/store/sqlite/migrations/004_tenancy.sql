-- Tenant administration and plan limits per tenant: a tenant's status, the counts its plan caps (scheduled messages, live
-- keys, active schedules), the data keys of an app (revoked with it), schedule runs skipped by a limit, and the messages
-- held while their tenant is suspended (scheduled, out of the due timeline: no due_at).
ALTER TABLE tenants ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE tenants ADD COLUMN updated_at INTEGER;
CREATE INDEX messages_pending_by_tenant ON messages (tenant_id) WHERE status = 'scheduled';
CREATE INDEX messages_held ON messages (tenant_id) WHERE status = 'scheduled' AND due_at IS NULL;
CREATE INDEX api_keys_live_by_tenant ON api_keys (tenant_id) WHERE revoked_at IS NULL;
CREATE INDEX api_keys_by_app ON api_keys (app_id) WHERE app_id IS NOT NULL;
ALTER TABLE schedules ADD COLUMN skip_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedules ADD COLUMN last_skip TEXT;
CREATE INDEX schedules_active_by_tenant ON schedules (tenant_id) WHERE state = 'active';
