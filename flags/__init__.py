"""Per-module migration flags: states, sampling and the persistence interface.

Pure logic only: no I/O here. The service (``app/``) owns the stores that implement
:class:`flags.persistence.FlagStore` and the in-memory view backends read on the hot path.
"""
