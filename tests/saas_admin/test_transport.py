import pytest
import requests
import responses

from saas_admin.errors import ServiceUnavailable
from saas_admin.transport import Transport

URL = "http://api.test/api/auth/verify"
BUSY = {"detail": "The authentication service is unavailable.", "code": "auth_service_unavailable"}


def transport(waits, **kwargs):
    return Transport(sleep=waits.append, **kwargs)


def busy(mocked, status=503, retry_after="2", times=1):
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    for _ in range(times):
        mocked.get(URL, status=status, json=BUSY, headers=headers)


def test_503_is_retried_after_its_retry_after(mocked, waits):
    busy(mocked, retry_after="2", times=2)
    mocked.get(URL, json={"ok": True})
    assert transport(waits).send("GET", URL).json() == {"ok": True}
    assert waits == [2.0, 2.0]


def test_429_is_retried_too(mocked, waits):
    busy(mocked, status=429, retry_after="1")
    mocked.get(URL, json={"ok": True})
    assert transport(waits).send("GET", URL).status_code == 200
    assert waits == [1.0]


def test_retries_are_bounded_then_unavailable_with_the_servers_wait_and_code(mocked, waits):
    busy(mocked, retry_after="4", times=10)
    with pytest.raises(ServiceUnavailable) as caught:
        transport(waits, max_retries=2).send("GET", URL)
    assert len(mocked.calls) == 3
    assert waits == [4.0, 4.0]
    assert caught.value.retry_after == 4.0
    assert caught.value.code == "auth_service_unavailable"


def test_each_wait_is_capped(mocked, waits):
    busy(mocked, retry_after="3600", times=2)
    mocked.get(URL, json={})
    transport(waits, max_retry_wait=5).send("GET", URL)
    assert waits == [5.0, 5.0]


def test_without_retry_after_waits_double_from_one_second(mocked, waits):
    busy(mocked, retry_after=None, times=3)
    mocked.get(URL, json={})
    transport(waits).send("GET", URL)
    assert waits == [1.0, 2.0, 4.0]


def test_zero_retries_means_one_attempt(mocked, waits):
    busy(mocked, times=2)
    with pytest.raises(ServiceUnavailable):
        transport(waits, max_retries=0).send("GET", URL)
    assert len(mocked.calls) == 1
    assert waits == []


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_errors_are_unavailable_without_a_retry(mocked, waits, status):
    mocked.get(URL, status=status, body="<html>bad gateway</html>")
    with pytest.raises(ServiceUnavailable) as caught:
        transport(waits).send("GET", URL)
    assert caught.value.code == "service_unavailable"
    assert len(mocked.calls) == 1


def test_other_answers_are_returned_as_they_are(mocked, waits):
    mocked.get(URL, status=500, json={"detail": "boom", "code": "server_error"})
    assert transport(waits).send("GET", URL).status_code == 500


def test_connection_errors_are_unavailable_and_name_no_path(mocked, waits):
    mocked.get(URL, body=requests.ConnectionError("refused"))
    with pytest.raises(ServiceUnavailable, match="cannot connect") as caught:
        transport(waits).send("GET", "http://user:pw@api.test/api/auth/verify")
    assert caught.value.code == "connection_failed"
    assert "pw" not in str(caught.value)
    assert "/api/" not in str(caught.value)


def test_timeouts_are_unavailable(mocked, waits):
    mocked.get(URL, body=requests.ReadTimeout("slow"))
    with pytest.raises(ServiceUnavailable) as caught:
        transport(waits).send("GET", URL)
    assert caught.value.code == "timeout"


def test_the_default_timeout_is_sent(mocked, waits):
    seen = {}

    def record(request):
        seen["timeout"] = request.req_kwargs["timeout"]
        return 200, {}, "{}"

    mocked.add_callback(responses.GET, URL, callback=record)
    transport(waits, timeout=(1, 2)).send("GET", URL)
    assert seen["timeout"] == (1, 2)


def test_negative_settings_are_refused():
    with pytest.raises(ValueError, match="negative"):
        Transport(max_retries=-1)
