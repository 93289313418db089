-- Rules added to a stored spec from the console's triage (issue 15), beside the spec: who, why, when,
-- and an optional expiry after which a background task takes the rule out of the spec again.
-- A rule is never deleted: removed_at/removed_by say when and by whom (or "expiry") it was taken out.
CREATE TABLE spec_rules (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    module     TEXT NOT NULL,
    query_name TEXT NOT NULL,
    option     TEXT NOT NULL,
    value      TEXT NOT NULL,  -- JSON
    reason     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    removed_at TEXT,
    removed_by TEXT
);
CREATE INDEX spec_rules_open ON spec_rules (removed_at, expires_at);
