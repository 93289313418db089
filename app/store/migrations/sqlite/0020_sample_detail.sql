-- Richer mismatch samples (issue 15): both sides' rows (redacted, within SHADOWDIFF_SAMPLE_MAX_BYTES),
-- context, pair_id, the spec applied, the module's state and version, latencies, normalized.
-- One JSON document: it is read whole (the console's sample page, re-diffing) and never queried into.
ALTER TABLE mismatch_samples ADD COLUMN detail TEXT;  -- JSON, NULL on samples stored before 0020
