-- Flags, their append-only history, stored specs, mismatch samples and webhook claims.
-- Times are UTC ISO-8601 text of fixed width (YYYY-MM-DDTHH:MM:SS.ffffff+00:00), so they sort as text.

CREATE TABLE flags (
    module        TEXT PRIMARY KEY,
    state         TEXT NOT NULL CHECK (state IN ('legacy', 'shadow', 'orm', 'migrated')),
    sample_rate   REAL CHECK (sample_rate IS NULL OR (sample_rate >= 0 AND sample_rate <= 1)),
    auto_rollback TEXT NOT NULL CHECK (auto_rollback IN ('off', 'on', 'notify')),
    version       INTEGER NOT NULL CHECK (version > 0),
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);

CREATE TABLE flag_history (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    module   TEXT NOT NULL,
    action   TEXT NOT NULL,
    actor    TEXT NOT NULL,
    source   TEXT NOT NULL,
    reason   TEXT NOT NULL,
    at       TEXT NOT NULL,
    before   TEXT,  -- JSON
    after    TEXT,  -- JSON
    decision TEXT   -- JSON
);
CREATE INDEX flag_history_module_id ON flag_history (module, id);

-- The audit trail is append-only: the database refuses to rewrite it.
CREATE TRIGGER flag_history_no_update BEFORE UPDATE ON flag_history
BEGIN
    SELECT RAISE(ABORT, 'flag_history is append-only');
END;
CREATE TRIGGER flag_history_no_delete BEFORE DELETE ON flag_history
BEGIN
    SELECT RAISE(ABORT, 'flag_history is append-only');
END;

CREATE TABLE specs (
    module     TEXT NOT NULL,
    query_name TEXT NOT NULL,
    spec       TEXT NOT NULL,  -- JSON
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (module, query_name)
);

CREATE TABLE mismatch_samples (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    module      TEXT NOT NULL,
    query_name  TEXT NOT NULL,
    fields      TEXT NOT NULL,  -- JSON array of field labels
    differences TEXT NOT NULL,  -- JSON array of wire-form differences
    request_id  TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX mismatch_samples_at ON mismatch_samples (at DESC, id DESC);
CREATE INDEX mismatch_samples_query_at ON mismatch_samples (module, query_name, at DESC, id DESC);

-- One row per (sample, differing field): retention ("at most N newest per module/query/field")
-- and the field filter work on this table; a sample goes once no field keeps it.
CREATE TABLE mismatch_fields (
    sample_id  INTEGER NOT NULL REFERENCES mismatch_samples (id) ON DELETE CASCADE,
    module     TEXT NOT NULL,
    query_name TEXT NOT NULL,
    field      TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (sample_id, field)
);
CREATE INDEX mismatch_fields_key_at ON mismatch_fields (module, query_name, field, at DESC, sample_id DESC);
CREATE INDEX mismatch_fields_field ON mismatch_fields (field, sample_id);

CREATE TABLE claimed_keys (
    key        TEXT PRIMARY KEY,
    claimed_at TEXT NOT NULL
);
