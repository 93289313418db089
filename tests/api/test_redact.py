"""Which values the redaction list masks, and that masking never changes the caller's data."""

from __future__ import annotations

from typing import Any

import pytest

from app.redact import MASK, Redactor
from app.settings import DEFAULT_REDACT

REDACTOR = Redactor(DEFAULT_REDACT)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("password", True),
        ("passwordHash", True),
        ("user_api_key", True),
        ("X-Api-Key", True),
        ("apiKey", True),
        ("ssn", True),
        ("creditCardNumber", True),
        ("refresh_token", True),
        ("email", False),
        ("full_name", False),
        ("id", False),
    ],
)
def test_field_names_are_matched_ignoring_case_and_separators(name: str, masked: bool) -> None:
    assert REDACTOR.sensitive(name) is masked


@pytest.mark.parametrize(
    ("diff", "legacy", "orm"),
    [
        ({"field": "password", "path": "[id=1].password", "legacy": "a", "orm": "b"}, MASK, MASK),
        ({"field": "profile", "path": "profile.apiKey", "legacy": "k1", "orm": "k2"}, MASK, MASK),
        ({"field": "email", "path": "[id=1].email", "legacy": "a@x", "orm": "b@x"}, "a@x", "b@x"),
        ({"field": "password", "path": "password", "legacy": "a", "orm": None}, MASK, None),
        (
            {"field": "profile", "path": "profile", "legacy": {"token": "t", "city": "Oslo"}, "orm": None},
            {"token": MASK, "city": "Oslo"},
            None,
        ),
    ],
)
def test_differences_are_masked_by_field_path_and_nested_keys(
    diff: dict[str, Any], legacy: Any, orm: Any
) -> None:
    original = {**diff}
    masked = REDACTOR.difference(diff)
    assert (masked["legacy"], masked["orm"]) == (legacy, orm)
    assert diff == original


def test_an_empty_list_turns_redaction_off() -> None:
    diff = {"field": "password", "path": "password", "legacy": "a", "orm": "b"}
    assert Redactor(()).difference(diff) == diff


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('{"password": "x", "n": 1}', '{"password":"***","n":1}'),
        ('{"password": "x", "n": 18446744073709551617}', '{"password":"***","n":18446744073709551617}'),
        ('[{"token": "t", "n": -9223372036854775809}]', '[{"token":"***","n":-9223372036854775809}]'),
        ('{"city": "Oslo", "n": 18446744073709551617}', '{"city": "Oslo", "n": 18446744073709551617}'),
        ('{"password": ', '{"password": '),  # not JSON: text, kept as is
    ],
)
def test_json_text_is_masked_and_keeps_its_numbers_exact(text: str, masked: str) -> None:
    """A sensitive key inside JSON text is masked; an integer past 64 bits is written back as itself,
    not as the float orjson would read (display only: the verdict reads it exactly anyway)."""
    assert REDACTOR.value(text) == masked
