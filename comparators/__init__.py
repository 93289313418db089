"""The pure diff engine: no I/O, no FastAPI. See README "Comparison engine" for the public names.

from comparators import compare, Spec
result = compare(legacy_rows, orm_rows, Spec.from_dict({"key": ["id"]}))
result.equal, [d.to_wire() for d in result.differences]
"""

from comparators.engine import compare
from comparators.report import MISSING, Comparison, Difference, Kind
from comparators.spec import Spec, SpecError

__all__ = ["MISSING", "Comparison", "Difference", "Kind", "Spec", "SpecError", "compare"]
