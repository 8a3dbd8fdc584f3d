"""Batches of shared-cache operations: one round trip on Redis (a pipeline), one by one elsewhere.

SafeCache.batch() returns one; SafeCache.send runs it (core.safecache absorbs outages). The
adapter's miss sends its lease, breaker reads, budget counts and revocation number in one.
"""

from collections.abc import Callable
from typing import Any


class Pending:
    """The result of one operation of a Batch, set once the batch is sent."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: Any = None


Op = tuple[str, tuple[Any, ...], Pending, bool]  # operation, its arguments, its result, claimed


class Batch:
    """Cache operations sent together: one round trip on Redis (a pipeline), one by one elsewhere.

    Not atomic, but in order, each as its SafeCache method does; except that `claimed` operations
    run right after the batch's `claim`, and only when the claim was taken (on Redis, in one Lua
    script with it), so work no one leads is never counted.
    """

    def __init__(self, send: Callable[[list[Op]], None]) -> None:
        self._send = send
        self._ops: list[Op] = []

    def get(self, key: str) -> Pending:
        return self._queue("get", (key,))

    def add(self, key: str, value: Any, timeout: int, *, claimed: bool = False) -> Pending:
        return self._queue("add", (key, value, timeout), claimed)

    def incr(self, key: str, *, claimed: bool = False) -> Pending:
        """Queue an increment of a key this batch added first (a missing key counts from 0 on
        Redis, and is not counted elsewhere)."""
        return self._queue("incr", (key,), claimed)

    def claim(self, key: str, value: Any, timeout: int) -> Pending:
        """Queue the `add` of a key (a lease) that this batch's claimed operations depend on."""
        if any(op[0] == "claim" for op in self._ops):
            raise ValueError("a batch has at most one claim")
        return self._queue("claim", (key, value, timeout))

    def _queue(self, operation: str, args: tuple[Any, ...], claimed: bool = False) -> Pending:
        pending = Pending()
        self._ops.append((operation, args, pending, claimed))
        return pending

    def send(self) -> None:
        """Run the queued operations; a shared-cache outage is absorbed as SafeCache does."""
        ops, self._ops = self._ops, []
        if ops:
            self._send(ops)


def pipelined(client: Any, ops: list[Op]) -> None:
    """Send `ops` in one pipeline through a django-redis client, and set their results."""
    with client.get_client(write=True).pipeline(transaction=False) as pipe:
        for operation, args, _, is_claimed in ops:
            if operation == "claim":
                _queue_claim(pipe, client, args, [op for op in ops if op[3]])
            elif not is_claimed:
                _queue_command(pipe, client, operation, args)
        replies = iter(pipe.execute(raise_on_error=False))
    for operation, _, pending, is_claimed in ops:
        if operation == "claim":
            _set_claimed(pending, next(replies), [op for op in ops if op[3]])
        elif not is_claimed:
            pending.value = _reply(client, operation, next(replies))


# Take KEYS[1] (SET NX PX) and only then run the claimed operations on the other keys.
_CLAIM = """
if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
local replies, at = {1}, 3
for i = 2, #KEYS do
  if ARGV[at] == 'add' then
    replies[i] = redis.call('set', KEYS[i], ARGV[at + 1], 'NX', 'PX', ARGV[at + 2]) and 1 or 0
    at = at + 3
  else
    replies[i] = redis.call('incr', KEYS[i])
    at = at + 1
  end
end
return replies
"""


def _queue_command(pipe: Any, client: Any, operation: str, args: tuple[Any, ...]) -> None:
    key = client.make_key(args[0])
    if operation == "get":
        pipe.get(key)
    elif operation == "add":
        pipe.set(key, client.encode(args[1]), nx=True, px=int(args[2] * 1000))
    else:
        pipe.incr(key)


def _queue_claim(pipe: Any, client: Any, args: tuple[Any, ...], claimed: list[Op]) -> None:
    keys = [client.make_key(args[0])]
    argv: list[Any] = [client.encode(args[1]), int(args[2] * 1000)]
    for operation, op_args, _, _ in claimed:
        keys.append(client.make_key(op_args[0]))
        argv.append(operation)
        if operation == "add":
            argv += [client.encode(op_args[1]), int(op_args[2] * 1000)]
    pipe.eval(_CLAIM, len(keys), *keys, *argv)


def _set_claimed(pending: Pending, reply: Any, claimed: list[Op]) -> None:
    """Set the claim's result, and its claimed operations' when it was taken."""
    replies = reply if isinstance(reply, list) else [0]
    pending.value = bool(replies[0])
    for (operation, _, claimed_pending, _), value in zip(claimed, replies[1:], strict=False):
        claimed_pending.value = bool(value) if operation == "add" else _reply(None, "incr", value)


def _reply(client: Any, operation: str, reply: Any) -> Any:
    """Return a pipelined reply as the SafeCache method would (an INCR error, e.g. of a
    value that is no integer, as None)."""
    if isinstance(reply, Exception):
        return None
    if operation == "get":
        return None if reply is None else client.decode(reply)
    if operation == "add":
        return bool(reply)
    return reply if isinstance(reply, int) else None
