-- Issue 14: per-minute rollups per (module, query), added up across replicas and restarts; pruned
-- after SHADOWDIFF_ROLLUP_RETENTION_HOURS. /metrics/json and the readiness verdict read them.

CREATE TABLE rollups (
    minute             TEXT NOT NULL,  -- UTC start of the minute, fixed-width text
    module             TEXT NOT NULL,
    query_name         TEXT NOT NULL,
    match              INTEGER NOT NULL DEFAULT 0,
    mismatch           INTEGER NOT NULL DEFAULT 0,
    error              INTEGER NOT NULL DEFAULT 0,
    skipped            INTEGER NOT NULL DEFAULT 0,
    sql_queries        INTEGER NOT NULL DEFAULT 0,
    prisma_queries     INTEGER NOT NULL DEFAULT 0,
    sql_errors         INTEGER NOT NULL DEFAULT 0,
    prisma_errors      INTEGER NOT NULL DEFAULT 0,
    sql_latency_sum    REAL NOT NULL DEFAULT 0,
    prisma_latency_sum REAL NOT NULL DEFAULT 0,
    last_mismatch_at   TEXT,
    PRIMARY KEY (minute, module, query_name)
);
CREATE INDEX rollups_module_minute ON rollups (module, minute);

-- Keyed counts of a rollup row: latency buckets per side (kind 'sql'/'prisma', key = log bucket) and
-- mismatched fields (kind 'field', key = the field label) and representation rules that made a
-- field equal (kind 'rule', key = the rule: pairs per rule, as shadow_normalizations_total).
CREATE TABLE rollup_counts (
    minute     TEXT NOT NULL,
    module     TEXT NOT NULL,
    query_name TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('sql', 'prisma', 'field', 'rule')),
    key        TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (minute, module, query_name, kind, key)
);
CREATE INDEX rollup_counts_module_minute ON rollup_counts (module, minute);
