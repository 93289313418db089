-- Issue 14, the lifecycle: the serving ramp, per-module guard settings and readiness criteria, retired
-- modules; history entries say when a rail was forced, who acted (by) and, for specs, which query.

ALTER TABLE flags ADD COLUMN serve_rate REAL NOT NULL DEFAULT 1.0
    CHECK (serve_rate >= 0 AND serve_rate <= 1);
ALTER TABLE flags ADD COLUMN policy TEXT;  -- JSON {"guard": {...}, "readiness": {...}}, only what is set
ALTER TABLE flags ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));

ALTER TABLE flag_history ADD COLUMN forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1));
ALTER TABLE flag_history ADD COLUMN by_person TEXT;
ALTER TABLE flag_history ADD COLUMN query_name TEXT;
CREATE INDEX flag_history_at ON flag_history (at DESC, id DESC);
