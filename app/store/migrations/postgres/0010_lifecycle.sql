-- Issue 14, the lifecycle: the serving ramp, per-module guard settings and readiness criteria, retired
-- modules; history entries say when a rail was forced, who acted (by) and, for specs, which query.

ALTER TABLE flags ADD COLUMN serve_rate double precision NOT NULL DEFAULT 1.0
    CHECK (serve_rate >= 0 AND serve_rate <= 1);
ALTER TABLE flags ADD COLUMN policy json;  -- {"guard": {...}, "readiness": {...}}, only what is set
ALTER TABLE flags ADD COLUMN retired boolean NOT NULL DEFAULT false;

ALTER TABLE flag_history ADD COLUMN forced boolean NOT NULL DEFAULT false;
ALTER TABLE flag_history ADD COLUMN by_person text;
ALTER TABLE flag_history ADD COLUMN query_name text;
CREATE INDEX flag_history_at ON flag_history (at DESC, id DESC);
