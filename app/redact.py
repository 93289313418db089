"""Masks result values under sensitive field names before they are stored or returned.

A pattern matches a field name when it occurs in it ignoring case, ``_`` and ``-``: ``api_key`` masks
``apiKey``, ``X-Api-Key`` and ``user_api_key``. Over-masking (``card`` in ``discarded``) is the safe
side of that trade. A difference is masked when its field or any key on its path matches; values that
are objects are masked key by key, however deep.

No holes (SPEC 1: "also inside JSON text and inside paths"):

- A string holding a JSON object or array (the engine compares such text as the parsed value) is
  redacted like the parsed value and written back as JSON text, wherever it sits: a changed value,
  an extra or missing row, a whole result sent as text, any depth.
- A row addressed by a sensitive key column keeps its place in the path but not the value:
  ``[session_token=abc].email`` becomes ``[session_token=***].email``.

Built with a ``key``, a mask also tells whether two masked values were equal without telling either:
``***#`` followed by the first 12 hex digits of HMAC-SHA256(key, the value's JSON). Samples are masked
so (the same key on both sides of a pair makes "equal password hash" visible and re-diffable); the
answer to the posting client keeps the bare ``***``, and key values in paths stay ``***``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

import orjson

from comparators.json_text import json_of_text

MASK = "***"
HASHED_MASK_PREFIX = MASK + "#"
HASH_HEX_DIGITS = 12
_KEY_IN_PATH = re.compile(r"[A-Za-z0-9_\-$]+")
# One ``name=value`` of a row key label (``[id=3]``, ``[tenant=a,id=3]``): the value runs to the next
# ``,name=`` of the label or to the ``]`` that ends it (followed by ``.``, ``[`` or the end of the path).
_KEY_VALUE = re.compile(
    r"(?<=[\[,])(?P<name>[A-Za-z0-9_\-$]+)=(?P<value>.*?)(?=,[A-Za-z0-9_\-$]+=|\](?:[.\[]|$))", re.DOTALL
)


def _squash(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


class Redactor:
    def __init__(self, patterns: tuple[str, ...], key: bytes | None = None) -> None:
        self._key = key
        squashed = sorted({_squash(p) for p in patterns if _squash(p)})
        self._regex = re.compile("|".join(re.escape(p) for p in squashed)) if squashed else None
        self._cache: dict[str, bool] = {}

    def sensitive(self, name: str) -> bool:
        hit = self._cache.get(name)
        if hit is None:
            hit = self._regex is not None and self._regex.search(_squash(name)) is not None
            if len(self._cache) < 10_000:
                self._cache[name] = hit
        return hit

    def mask(self, value: Any) -> str:
        """What stands in for a sensitive value: ``***``, or ``***#<keyed hash>`` with a key."""
        if self._key is None:
            return MASK
        if isinstance(value, str) and (value == MASK or value.startswith(HASHED_MASK_PREFIX)):
            return value  # masked already (a sample masked again on its way out)
        try:
            text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # integers past 64 bits travel as text already; anything else: its repr
            text = repr(value).encode()
        digest = hmac.new(self._key, text, hashlib.sha256).hexdigest()
        return HASHED_MASK_PREFIX + digest[:HASH_HEX_DIGITS].upper()  # upper: never reads as lowercase data

    def value(self, value: Any) -> Any:
        """Mask the values of sensitive keys inside ``value`` (a copy; the input is not changed),
        JSON text included."""
        if self._regex is None:
            return value
        if isinstance(value, dict):
            return {k: (self.mask(v) if self.sensitive(k) else self.value(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self._json_text(value)
        return value

    def _json_text(self, text: str) -> str:
        """JSON text of an object or array, redacted as its parsed value; any other string as is."""
        parsed = json_of_text(text)  # the engine's reading: integers past 64 bits stay exact
        if parsed is None:
            return text
        masked = self.value(parsed)
        if masked == parsed:
            return text
        try:
            return orjson.dumps(masked).decode()
        except TypeError:  # an integer past 64 bits, which orjson cannot write: the stdlib can
            return json.dumps(masked, ensure_ascii=False, separators=(",", ":"))

    def path(self, path: str) -> str:
        """``[session_token=abc].x`` -> ``[session_token=***].x``: key values of sensitive columns."""
        if self._regex is None or "=" not in path:
            return path
        return _KEY_VALUE.sub(
            lambda m: f"{m['name']}={MASK}" if self.sensitive(m["name"]) else m.group(0), path
        )

    def difference(self, diff: dict[str, Any]) -> dict[str, Any]:
        """A wire-form difference ``{field, kind, path, legacy, orm}`` with its values masked."""
        if self._regex is None:
            return diff
        path = str(diff.get("path") or "")
        if self.sensitive(str(diff.get("field") or "")) or any(
            self.sensitive(k) for k in _KEY_IN_PATH.findall(path)
        ):
            out = dict(diff)
            out["path"] = self.path(path)
            for side in ("legacy", "orm"):
                if out.get(side) is not None:
                    out[side] = self.mask(out[side])
            return out
        legacy, orm = diff.get("legacy"), diff.get("orm")
        masked_legacy, masked_orm = self.value(legacy), self.value(orm)
        if masked_legacy is legacy and masked_orm is orm:
            return diff
        return {**diff, "legacy": masked_legacy, "orm": masked_orm}
