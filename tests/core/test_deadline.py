"""One total deadline per auth-server call, over real sockets that trickle headers or body."""

import time

import pytest

from core.client import AuthServiceClient
from core.exceptions import Unavailable
from tests.fixtures.sockets import serving, trickling

CONNECT, READ = 0.2, 0.5
MARGIN = 2.0
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
BODY = b'{"success":true,"data":{"user":{"sub":"u1","email":"a@b.test"}}}'.ljust(200)


@pytest.mark.parametrize(
    "handler",
    [trickling(b"", HEAD + BODY, 0.1), trickling(HEAD, BODY, 0.1)],
    ids=["trickled-headers", "trickled-body"],
)
def test_a_trickled_answer_is_unavailable_within_the_deadline(handler) -> None:
    seen: list[str] = []
    with serving(handler) as (host, port):
        client = AuthServiceClient(
            f"http://{host}:{port}", connect_timeout=CONNECT, read_timeout=READ,
            observer=lambda path, outcome, seconds: seen.append(outcome),
        )  # fmt: skip
        started = time.monotonic()
        with pytest.raises(Unavailable) as caught:
            client.me("t")

    assert time.monotonic() - started < CONNECT + READ + MARGIN
    assert "no answer within 0.7 s" in caught.value.reason
    assert seen == ["deadline"]


def test_an_answer_in_time_is_read_whole() -> None:
    head = HEAD.replace(b"200\r\n\r\n", b"%d\r\n\r\n" % len(BODY))
    with serving(trickling(head, BODY, 0)) as (host, port):
        client = AuthServiceClient(
            f"http://{host}:{port}", connect_timeout=CONNECT, read_timeout=READ
        )
        assert client.me("t").remote_id == "u1"
