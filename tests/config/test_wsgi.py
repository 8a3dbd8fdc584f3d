"""The WSGI and ASGI entry points, each loaded in a fresh interpreter as a server loads it."""

import pytest

from .fresh import fresh

PROBE = (
    "import gc; import config.{} as w; "
    "print(callable(w.application), gc.get_freeze_count() > 10_000, 'apps.gateway.views' in "
    "__import__('sys').modules)"
)


@pytest.mark.parametrize("entry", ["wsgi", "asgi"])
def test_the_loaded_application_is_frozen_out_of_the_garbage_collectors_reach(entry) -> None:
    result = fresh("config.settings.test", "-c", PROBE.format(entry))

    assert result.stdout.split() == ["True", "True", "True"], result.stderr
