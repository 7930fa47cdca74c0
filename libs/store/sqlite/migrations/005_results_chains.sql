-- Results, chains and schedule stats: a message's final answer (JSON), the apps its outcomes chain to, the message it
-- was chained from (and how deep), the messages it chained (JSON array) or why not; a schedule's chain links, its overlap
-- rule and the counters of its finished runs (runs = succeeded + failed; the average is the total over runs).
ALTER TABLE messages ADD COLUMN result TEXT;
ALTER TABLE messages ADD COLUMN on_success TEXT;
ALTER TABLE messages ADD COLUMN on_failure TEXT;
ALTER TABLE messages ADD COLUMN chain_of TEXT;
ALTER TABLE messages ADD COLUMN chain_depth INTEGER;
ALTER TABLE messages ADD COLUMN chained TEXT;
ALTER TABLE messages ADD COLUMN chain_cut TEXT;
ALTER TABLE schedules ADD COLUMN on_success TEXT;
ALTER TABLE schedules ADD COLUMN on_failure TEXT;
ALTER TABLE schedules ADD COLUMN overlap TEXT;
ALTER TABLE schedules ADD COLUMN stats_succeeded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedules ADD COLUMN stats_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedules ADD COLUMN stats_last_status TEXT;
ALTER TABLE schedules ADD COLUMN stats_last_run_at INTEGER;
ALTER TABLE schedules ADD COLUMN stats_last_duration_ms INTEGER;
ALTER TABLE schedules ADD COLUMN stats_total_duration_ms INTEGER NOT NULL DEFAULT 0;
