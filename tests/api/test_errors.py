"""Every domain error type has its own entry in the one error table, so none can become a 500."""

from __future__ import annotations

import orjson
import pytest

from app.errors import DOMAIN_ROOTS, ERROR_TABLE, to_response


def all_subclasses(root: type[Exception]) -> list[type[Exception]]:
    found = [root]
    for sub in root.__subclasses__():
        found.extend(all_subclasses(sub))
    return found


DOMAIN_ERRORS = sorted(
    {cls for root in DOMAIN_ROOTS for cls in all_subclasses(root)}, key=lambda c: c.__qualname__
)


@pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=lambda c: c.__qualname__)
def test_every_domain_error_has_a_4xx_or_503_mapping(error: type[Exception]) -> None:
    mapping = ERROR_TABLE.get(error)
    assert mapping is not None, (
        f"{error.__module__}.{error.__qualname__} has no entry in app.errors.ERROR_TABLE"
    )
    assert 400 <= mapping.status < 500 or mapping.status == 503


def test_a_response_carries_the_message_and_code() -> None:
    from flags.errors import VersionConflict

    response = to_response(VersionConflict("auth", 1, 2))
    assert response.status_code == 409
    assert b"GET it again and retry" in response.body


def test_a_refusal_with_remedies_also_answers_the_problem_and_the_remedies_by_name() -> None:
    from flags.errors import UnknownModule

    response = to_response(UnknownModule("orders"))
    assert response.status_code == 404
    assert orjson.loads(response.body) == {
        "error": "unknown_module",
        "message": "no flag for module 'orders'; create it with PUT /v1/flags/orders",
        "problem": "no flag for module 'orders'",
        "remedies": ["create"],
        "module": "orders",
    }


def test_a_refusal_without_remedies_answers_the_code_and_message_only() -> None:
    from flags.errors import InvalidFlag

    response = to_response(InvalidFlag("reason is required: say why the flag changes"))
    assert orjson.loads(response.body) == {
        "error": "invalid_flag",
        "message": "reason is required: say why the flag changes",
    }
