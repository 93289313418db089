"""What the client logs when it cannot read ``/v1/config``: a refused token is told as refused, with the
service's message, and before any config the log says calls serve legacy (there is no copy to keep)."""

from __future__ import annotations

import logging
import time

import pytest
from shadowdiff_client import Shadow

from tests.live import LiveService

LOGGER = "shadowdiff_client"


def config_warning(caplog: pytest.LogCaptureFixture, timeout: float = 15.0) -> str:
    """The client's first warning about the config (its poller logs it from its own thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [r.getMessage() for r in caplog.records if r.name == LOGGER and "config" in r.getMessage()]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no config warning within {timeout} s: {caplog.text}")


def test_a_refused_token_is_logged_as_refused_with_the_services_message(
    service: LiveService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    shadow = Shadow(service.url, token="not-a-configured-token")
    try:
        message = config_warning(caplog)
    finally:
        shadow.close()
    assert "refused (GET /v1/config answered 401: unknown bearer token); check the token" in message, message
    assert "until it answers, every call serves legacy and nothing is shadowed" in message, message


def test_an_unreachable_service_before_any_config_says_calls_serve_legacy(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    shadow = Shadow("http://127.0.0.1:9")  # discard port: nothing listens
    try:
        message = config_warning(caplog)
    finally:
        shadow.close()
    assert message.startswith("shadowdiff config unreachable ("), message
    assert "until it answers, every call serves legacy and nothing is shadowed" in message, message
    assert "last good copy" not in message, message
