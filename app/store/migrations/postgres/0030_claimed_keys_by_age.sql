-- claim_once prunes keys older than the retention (issue 13): find them by age, not by a scan.
CREATE INDEX claimed_keys_claimed_at ON claimed_keys (claimed_at);
