-- Rules added to a stored spec from the console's triage (issue 15), beside the spec: who, why, when,
-- and an optional expiry after which a background task takes the rule out of the spec again.
-- A rule is never deleted: removed_at/removed_by say when and by whom (or "expiry") it was taken out.
CREATE TABLE spec_rules (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    module     text NOT NULL,
    query_name text NOT NULL,
    option     text NOT NULL,
    value      json NOT NULL,
    reason     text NOT NULL,
    actor      text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    removed_at timestamptz,
    removed_by text
);
CREATE INDEX spec_rules_open ON spec_rules (removed_at, expires_at);
