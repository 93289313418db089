-- A mismatch sample keeps the pair's context (the query's inputs, redacted), JSON text or NULL.
ALTER TABLE mismatch_samples ADD COLUMN context TEXT;
