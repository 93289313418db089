"""The closed sets of the wire contract (SPEC sections 1 and 5), each defined once.

Everything else (the ingest path, the metrics, the guard, the OpenAPI schemas, ``/metrics/json``)
derives from these enums. They are ``StrEnum``: a member is its wire string, so it serializes and
compares as one.
"""

from __future__ import annotations

import enum


class Outcome(enum.StrEnum):
    """What became of one posted pair: the ``outcome`` label of ``shadow_comparisons_total``."""

    MATCH = "match"
    MISMATCH = "mismatch"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def compared(self) -> bool:
        """Whether the two results were diffed (the denominator of every mismatch rate)."""
        return self in (Outcome.MATCH, Outcome.MISMATCH)


class Reason(enum.StrEnum):
    """Why a pair was skipped or is an error: the answer's ``reason`` (null for match and mismatch)."""

    MODULE_OFF = "module_off"
    NOT_SAMPLED = "not_sampled"
    MODULE_RETIRED = "module_retired"
    LEGACY_ERROR = "legacy_error"
    ORM_ERROR = "orm_error"
    BOTH_ERROR = "both_error"
    COMPARE_FAILED = "compare_failed"


class Side(enum.StrEnum):
    """The two sides of a pair, by their names in the code and in a posted pair."""

    LEGACY = "legacy"
    ORM = "orm"

    @property
    def source(self) -> str:
        """The side as the metrics contract names it: the ``source`` label and the ``/metrics/json``
        keys (``sql``, ``prisma`` whatever the ORM). The only place the two spellings meet."""
        return _SOURCE[self]


_SOURCE = {Side.LEGACY: "sql", Side.ORM: "prisma"}
