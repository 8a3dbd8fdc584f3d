"""Group the account state (directory, sessions, codes) that a reset restores to the seed."""

import time
from collections.abc import Callable

from .codes import CodeBook
from .directory import Directory
from .seed import Seed
from .sessions import SessionBook


class State:
    """Hold users, organizations, sessions and one-time codes, starting from `seed`."""

    def __init__(
        self, seed: Seed, refresh_ttl: float, clock: Callable[[], float] = time.time
    ) -> None:
        self._seed = seed
        self.directory = Directory(seed)
        self.sessions = SessionBook(refresh_ttl, clock)
        self.codes = CodeBook(clock)

    def reset(self) -> None:
        """Restore the seed records and forget sessions, revocations, signups and codes."""
        self.directory.restore(self._seed)
        self.sessions.clear()
        self.codes.clear()
