"""The request pipeline in-process: unexpected errors become a logged 500 JSON answer."""

import json
import logging

import pytest

from authserver.app import App
from authserver.config import Config
from authserver.routing import Route, Router
from authserver.seed import load_seed
from authserver.wire import Request, Response


def boom(request: Request) -> Response:
    raise RuntimeError("kaboom with internals")


def test_unexpected_exception_is_a_logged_500_without_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = Config()
    app = App(config, load_seed(config.seed_path))
    app.router = Router([Route("GET", "/api/boom", boom)])
    with caplog.at_level(logging.ERROR, logger="authserver.app"):
        outcome = app.handle(Request("GET", "/api/boom"))
    assert isinstance(outcome, Response)
    assert outcome.status == 500
    body = json.loads(outcome.body)
    assert (body["success"], body["error"]) == (False, "internal_error")
    assert "kaboom" not in body["message"]
    assert "kaboom with internals" in caplog.text
