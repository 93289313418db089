-- A mismatch sample keeps the pair's context (the query's inputs, redacted), or NULL.
ALTER TABLE mismatch_samples ADD COLUMN context json;
