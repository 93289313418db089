-- Issue 14: per-minute rollups per (module, query), added up across replicas and restarts; pruned
-- after SHADOWDIFF_ROLLUP_RETENTION_HOURS. /metrics/json and the readiness verdict read them.

CREATE TABLE rollups (
    minute             timestamptz NOT NULL,  -- UTC start of the minute
    module             text NOT NULL,
    query_name         text NOT NULL,
    match              bigint NOT NULL DEFAULT 0,
    mismatch           bigint NOT NULL DEFAULT 0,
    error              bigint NOT NULL DEFAULT 0,
    skipped            bigint NOT NULL DEFAULT 0,
    sql_queries        bigint NOT NULL DEFAULT 0,
    prisma_queries     bigint NOT NULL DEFAULT 0,
    sql_errors         bigint NOT NULL DEFAULT 0,
    prisma_errors      bigint NOT NULL DEFAULT 0,
    sql_latency_sum    double precision NOT NULL DEFAULT 0,
    prisma_latency_sum double precision NOT NULL DEFAULT 0,
    last_mismatch_at   timestamptz,
    PRIMARY KEY (minute, module, query_name)
);
CREATE INDEX rollups_module_minute ON rollups (module, minute);

-- Keyed counts of a rollup row: latency buckets per side (kind 'sql'/'prisma', key = log bucket) and
-- mismatched fields (kind 'field', key = the field label) and representation rules that made a
-- field equal (kind 'rule', key = the rule: pairs per rule, as shadow_normalizations_total).
CREATE TABLE rollup_counts (
    minute     timestamptz NOT NULL,
    module     text NOT NULL,
    query_name text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('sql', 'prisma', 'field', 'rule')),
    key        text NOT NULL,
    count      bigint NOT NULL,
    PRIMARY KEY (minute, module, query_name, kind, key)
);
CREATE INDEX rollup_counts_module_minute ON rollup_counts (module, minute);
