-- Flags, their append-only history, stored specs, mismatch samples and webhook claims.
-- Free-form payloads are `json`, not `jsonb`: they are never queried into, and `json` keeps
-- user data that `jsonb` refuses (the \u0000 escape).

CREATE TABLE flags (
    module        text PRIMARY KEY,
    state         text NOT NULL CHECK (state IN ('legacy', 'shadow', 'orm', 'migrated')),
    sample_rate   double precision CHECK (sample_rate IS NULL OR (sample_rate >= 0 AND sample_rate <= 1)),
    auto_rollback text NOT NULL CHECK (auto_rollback IN ('off', 'on', 'notify')),
    version       bigint NOT NULL CHECK (version > 0),
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL
);

CREATE TABLE flag_history (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    module   text NOT NULL,
    action   text NOT NULL,
    actor    text NOT NULL,
    source   text NOT NULL,
    reason   text NOT NULL,
    at       timestamptz NOT NULL,
    before   json,
    after    json,
    decision json
);
CREATE INDEX flag_history_module_id ON flag_history (module, id DESC);

-- The audit trail is append-only: the database refuses to rewrite it.
CREATE FUNCTION flag_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'flag_history is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER flag_history_append_only BEFORE UPDATE OR DELETE ON flag_history
    FOR EACH ROW EXECUTE FUNCTION flag_history_append_only();
CREATE TRIGGER flag_history_no_truncate BEFORE TRUNCATE ON flag_history
    FOR EACH STATEMENT EXECUTE FUNCTION flag_history_append_only();

CREATE TABLE specs (
    module     text NOT NULL,
    query_name text NOT NULL,
    spec       json NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (module, query_name)
);

CREATE TABLE mismatch_samples (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    module      text NOT NULL,
    query_name  text NOT NULL,
    fields      text[] NOT NULL,
    differences json NOT NULL,
    request_id  text,
    at          timestamptz NOT NULL
);
CREATE INDEX mismatch_samples_at ON mismatch_samples (at DESC, id DESC);
CREATE INDEX mismatch_samples_query_at ON mismatch_samples (module, query_name, at DESC, id DESC);

-- One row per (sample, differing field): retention ("at most N newest per module/query/field")
-- and the field filter work on this table; a sample goes once no field keeps it.
CREATE TABLE mismatch_fields (
    sample_id  bigint NOT NULL REFERENCES mismatch_samples (id) ON DELETE CASCADE,
    module     text NOT NULL,
    query_name text NOT NULL,
    field      text NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (sample_id, field)
);
CREATE INDEX mismatch_fields_key_at ON mismatch_fields (module, query_name, field, at DESC, sample_id DESC);
CREATE INDEX mismatch_fields_field ON mismatch_fields (field, sample_id);

CREATE TABLE claimed_keys (
    key        text PRIMARY KEY,
    claimed_at timestamptz NOT NULL DEFAULT now()
);
