"""The CLI words every remedy the service may name as its own command: its user never types an HTTP
verb, a path or a JSON body (the live refusals are in ``test_cli.py``)."""

from __future__ import annotations

import pytest

from app.cli import ADVICE
from flags.errors import Remedy

HTTP_WORDING = ("PUT", "GET", "POST", "DELETE", "/v1/", '"force"', "header", "endpoint")


def test_every_remedy_has_the_clis_words() -> None:
    assert set(ADVICE) == set(Remedy)


@pytest.mark.parametrize("remedy", list(Remedy))
def test_the_clis_words_name_no_http_verb_path_or_body(remedy: Remedy) -> None:
    words = ADVICE[remedy]
    assert not [w for w in HTTP_WORDING if w in words], words
