"""The shadowdiff service: HTTP API, auth, store, metrics and rollback around the pure core."""
