"""pydantic's request validation errors as one sentence per field that a person can act on.

pydantic reports a union field once per branch (``auto_rollback.bool: Input should be a valid
boolean; auto_rollback.literal['notify']: Input should be 'notify'``), a discriminated union by its
tag (``float_tolerance.value``, ``Input tag 'nope' found using 'option' ...``) and a pattern as the
regular expression itself. None of that says what to send. Here each field gets one sentence naming
the field, what was sent and everything it accepts::

    auto_rollback must be true, false or "notify", not "maybe"
    query parameter window must be a duration like 15m, 1h, 24h or 7d, not "7x"

What a field accepts is read from the route's OpenAPI schema, the same contract ``/docs`` shows, so
the two cannot disagree; a pattern is put in words by :data:`app.text_patterns.TEXT_PATTERNS` (a test
fails when a pattern of the API has no words there).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.text_patterns import accepts_text

LOCATIONS = ("body", "query", "path", "header", "cookie")

# Refinements of the schema's words where an error says more than the schema can (AwareDatetime
# writes only "format: date-time").
ERROR_ACCEPTS: dict[str, str] = {
    "timezone_aware": "an ISO-8601 date and time with its offset, such as 2030-01-31T00:00:00Z or "
    "2030-01-31T00:00:00+02:00",
}


@dataclass(frozen=True, slots=True)
class Operation:
    """The OpenAPI document and the operation the request matched, to look fields up in."""

    doc: dict[str, Any]
    operation: dict[str, Any]

    def schema(self, location: str, name: str | None) -> Any:
        if location == "body":
            content = self.operation.get("requestBody", {}).get("content", {})
            return content.get("application/json", {}).get("schema")
        for param in self.operation.get("parameters", []):
            if param.get("in") == location and str(param.get("name", "")).lower() == str(name).lower():
                return param.get("schema")
        return None


def operation_of(app: Any, route: Any, method: str) -> Operation | None:
    """The matched route's operation in the app's OpenAPI document (generated once, then cached by
    FastAPI); None for routes outside the document (the console's)."""
    path = getattr(route, "path_format", None)
    if path is None or not getattr(route, "include_in_schema", False):
        return None
    doc = app.openapi()
    operation = doc.get("paths", {}).get(path, {}).get(method.lower())
    return Operation(doc, operation) if isinstance(operation, dict) else None


@dataclass(frozen=True, slots=True)
class Place:
    """Where an error is, as the sender knows it: the field's path, its schema and its object's."""

    where: str
    schema: Any
    holder: Any
    key: bool = False
    """The error is about a key of an object (``{"a[0]": "json"}``), not a value."""


def describe(errors: Sequence[Any], operation: Operation | None) -> str:
    """One sentence per field, in the order pydantic found them; union branches share their field's."""
    sentences: dict[str, str] = {}
    for err in errors:
        loc = tuple(err.get("loc", ()))
        kind = err.get("type", "")
        given = err.get("input")
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            tag = str(err.get("ctx", {}).get("discriminator", "")).strip("'\"")
            loc = (*loc, tag)
            if kind == "union_tag_not_found":
                kind = "missing"
            given = given.get(tag) if isinstance(given, dict) else given
        if kind == "json_invalid":
            reason = err.get("ctx", {}).get("error", "")
            sentences.setdefault(
                "body", f"body: malformed JSON ({reason})" if reason else "body: malformed JSON"
            )
            continue
        place = _place(loc, operation)
        if place.where in sentences:
            continue
        sentences[place.where] = _sentence(place, kind, given, err, operation)
    return "; ".join(sentences.values()) or "invalid request"


def _sentence(place: Place, kind: str, given: Any, err: Any, operation: Operation | None) -> str:
    doc = operation.doc if operation is not None else {}
    where = place.where
    if kind == "extra_forbidden":
        fields = list(_resolve(doc, place.holder).get("properties", {}))
        known = f"the fields are {', '.join(fields)}" if fields else "see /docs"
        return f"{where}: unknown field; check its spelling ({known})"
    if kind == "value_error":  # a validator of ours: its message already says what to send
        return f"{where}: {err.get('ctx', {}).get('error', err.get('msg', 'invalid'))}"
    accepts = ERROR_ACCEPTS.get(kind) or _join(_accepts(doc, place.schema))
    if not accepts and kind == "string_pattern_mismatch":
        accepts = accepts_text(str(err.get("ctx", {}).get("pattern", "")))
    if kind == "missing":
        return f"{where} is required; it must be {accepts}" if accepts else f"{where} is required"
    if place.key:
        return f"{where} has the key {_shown(given)}; a key must be {accepts or 'a field name'}"
    if not accepts:  # nothing in the schema to go by: pydantic's own words, with what was sent
        return f"{where}: {str(err.get('msg', 'invalid')).lower()}, not {_shown(given)}"
    return f"{where} must be {accepts}, not {_shown(given)}"


def _place(loc: tuple[Any, ...], operation: Operation | None) -> Place:
    location = loc[0] if loc and loc[0] in LOCATIONS else "body"
    rest = loc[1:] if loc and loc[0] in LOCATIONS else loc
    if location != "body":
        name = str(rest[0]) if rest else "?"
        schema = operation.schema(location, name) if operation is not None else None
        return Place(f"{location} parameter {name}", schema, None)
    doc = operation.doc if operation is not None else {}
    body = operation.schema("body", None) if operation is not None else None
    return _walk(doc, body, rest)


def _walk(doc: dict[str, Any], schema: Any, segments: Sequence[Any]) -> Place:
    """Follow pydantic's location through the body's schema. A union's branch labels (``bool``,
    ``literal['notify']``) and a discriminated union's tags are no place the sender wrote: they select
    a branch and are left out of the path shown."""
    shown: list[str] = []
    node: Any = schema
    holder: Any = None
    key = False
    for seg in segments:
        while True:
            node = _resolve(doc, node)
            if not node:
                shown.append(str(seg))
                break
            properties = node.get("properties") or {}
            if seg in properties:
                shown.append(str(seg))
                holder, node = node, properties[seg]
                break
            mapping = (node.get("discriminator") or {}).get("mapping") or {}
            if seg in mapping:
                node = {"$ref": mapping[seg]}
                break
            branches = _branches(doc, node)
            if len(branches) == 1:  # a nullable field: no label, the one branch is the field's
                node = branches[0]
                continue
            if branches:
                having = [b for b in branches if seg in (b.get("properties") or {})]
                if len(having) == 1:
                    node = having[0]
                    continue
                if having:
                    shown.append(str(seg))
                    holder, node = node, {"anyOf": [b["properties"][seg] for b in having]}
                break  # else a branch label: stay at the union, the next segment picks the branch
            if seg == "[key]" and holder is not None:  # the key just shown is itself at fault
                if shown:
                    shown.pop()
                patterns = list((holder.get("patternProperties") or {}).keys())
                node = holder.get("propertyNames") or (
                    {"type": "string", "pattern": patterns[0]} if patterns else None
                )
                key = True
                break
            if isinstance(seg, int) and node.get("type") == "array":
                shown.append(str(seg))
                holder, node = node, node.get("items")
                break
            # an object's other keys: a map's entries, or a field the object does not have
            shown.append(str(seg))
            extra = node.get("additionalProperties")
            patterned = list((node.get("patternProperties") or {}).values())
            holder, node = node, extra if isinstance(extra, dict) else (patterned[0] if patterned else None)
            break
    return Place(".".join(shown) or "the body", node, holder, key)


def _resolve(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    for _ in range(16):  # a $ref chain; bounded
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
            return schema
        schema = doc.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1])
    return {}


def _branches(doc: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    members = schema.get("anyOf") or schema.get("oneOf") or []
    resolved = [_resolve(doc, m) for m in members]
    return [m for m in resolved if m and m.get("type") != "null"]


def _accepts(doc: dict[str, Any], schema: Any) -> list[str]:
    """Every form a schema admits, in words (null left out: it means "leave as is" or "absent")."""
    schema = _resolve(doc, schema)
    if not schema:
        return []
    if "anyOf" in schema or "oneOf" in schema:
        words: list[str] = []
        for branch in _branches(doc, schema):
            words += [w for w in _accepts(doc, branch) if w not in words]
        return words
    if "const" in schema:
        return [json.dumps(schema["const"])]
    if "enum" in schema:
        return [json.dumps(v) for v in schema["enum"]]
    kind = schema.get("type")
    if kind == "boolean":
        return ["true", "false"]
    if kind in ("integer", "number"):
        return [("an integer" if kind == "integer" else "a number") + _range(schema)]
    if kind == "string":
        if schema.get("format") == "date-time":
            return ["an ISO-8601 date and time such as 2030-01-31T00:00:00Z"]
        pattern = schema.get("pattern")
        if not isinstance(pattern, str):
            return [_text(schema)]
        longest = schema.get("maxLength")
        return [
            f"{accepts_text(pattern)}, at most {longest} characters" if longest else accepts_text(pattern)
        ]
    if kind == "object":
        return [_object(doc, schema)]
    if kind == "array":
        return ["a list"]
    return []


def _range(schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and high is not None:
        return f" from {_number(low)} to {_number(high)}"
    if low is not None and below is not None:
        return f" at least {_number(low)} and below {_number(below)}"
    parts = []
    if low is not None:
        parts.append(f"at least {_number(low)}")
    if above is not None:
        parts.append(f"above {_number(above)}")
    if high is not None:
        parts.append(f"at most {_number(high)}")
    if below is not None:
        parts.append(f"below {_number(below)}")
    return (" " + " and ".join(parts)) if parts else ""


def _text(schema: dict[str, Any]) -> str:
    shortest, longest = schema.get("minLength"), schema.get("maxLength")
    if shortest and longest:
        return f"text of {shortest} to {longest} characters"
    if longest:
        return f"text of at most {longest} characters"
    if shortest == 1:
        return "non-empty text"
    return f"text of at least {shortest} characters" if shortest else "text"


def _object(doc: dict[str, Any], schema: dict[str, Any]) -> str:
    """``a JSON object``, and for a map what its entries are (``{"flags": "json"}`` of a types rule)."""
    text = "a JSON object"
    fewest, most = schema.get("minProperties"), schema.get("maxProperties")
    if fewest == most == 1:
        text += " of exactly one entry"
    elif fewest:
        text += f" of at least {fewest} entries"
    patterns = list((schema.get("patternProperties") or {}).items())
    if len(patterns) == 1:
        pattern, value = patterns[0]
        text += f" mapping {accepts_text(pattern)} to {_join(_accepts(doc, value))}"
    return text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def _shown(value: Any) -> str:
    """What was sent, as JSON (``"maybe"``, ``1``, ``null``), cut at 60 characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
