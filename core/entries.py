"""What the verification cache holds: typed, frozen entries, turned into dicts only at the shared
cache (Redis) boundary. The in-process level stores the objects themselves.

    Verified    the auth server vouched: the identity, the user's snapshot, when, and the
                revocation number read when the verification started (core.marks)
    Rejection   the auth server (or the local screen, or a revocation) refused the token
    Denied      the auth server vouched, but provisioning refused to give the user an account
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, NoReturn

from .exceptions import Rejected, UserDenied
from .identity import Identity
from .snapshots import PreparedUser
from .vocabulary import EntryKind, Source


@dataclass(frozen=True)
class Verification:
    """A verified token: its Identity, the cached user snapshot, and where the answer came from."""

    identity: Identity
    user: dict[str, Any] | None
    source: Source
    verified_at: float
    fingerprint: str = ""  # the token's, for log lines ("" when unknown)

    @cached_property
    def prepared_user(self) -> PreparedUser | None:
        """Return the user snapshot laid out for rebuilding, once per Verification (None: none)."""
        return PreparedUser(self.user) if self.user else None


@dataclass(frozen=True)
class Verified:
    """A positive entry: the auth server vouched for the token at `verified_at`."""

    kind: ClassVar[EntryKind] = "ok"
    identity: Identity
    user: dict[str, Any] | None
    verified_at: float
    seq: int
    exp: int | None
    fingerprint: str = ""  # the token's (core.tokens.fingerprint): computed once, never per hit

    @property
    def remote_id(self) -> str:
        return self.identity.remote_id

    def answer(self, source: Source) -> Verification:
        """Return the Verification this entry gives when served as `source`."""
        return Verification(self.identity, self.user, source, self.verified_at, self.fingerprint)

    @cached_property
    def remembered(self) -> Verification:
        """Return the Verification of an in-process hit, built once per entry."""
        return self.answer("memory")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "identity": self.identity.to_dict(),
            "user": self.user,
            "remote_id": self.remote_id,
            "verified_at": self.verified_at,
            "seq": self.seq,
            "exp": self.exp,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Verified":
        return cls(
            Identity.from_dict(data["identity"]),
            data.get("user"),
            float(data["verified_at"]),
            int(data.get("seq", -1)),
            data.get("exp"),
            str(data.get("fingerprint") or ""),
        )


@dataclass(frozen=True)
class Rejection:
    """A negative entry: the token was refused with `status` and `code`."""

    kind: ClassVar[EntryKind] = "rejected"
    status: int
    code: str
    exp: int | None = None
    remote_id: ClassVar[str | None] = None

    def refuse(self) -> NoReturn:
        raise Rejected("cached rejection", status=self.status, code=self.code)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "status": self.status, "code": self.code, "exp": self.exp}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Rejection":
        return cls(int(data["status"]), str(data.get("code") or ""), data.get("exp"))


@dataclass(frozen=True)
class Denied:
    """A negative entry: provisioning refused the user the auth server vouched for."""

    kind: ClassVar[EntryKind] = "denied"
    remote_id: str
    exp: int | None = None

    def refuse(self) -> NoReturn:
        raise UserDenied("cached refusal: provisioning refused this user")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "remote_id": self.remote_id, "exp": self.exp}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Denied":
        return cls(str(data["remote_id"]), data.get("exp"))


Entry = Verified | Rejection | Denied
KINDS: dict[str, type[Verified] | type[Rejection] | type[Denied]] = {
    kind.kind: kind for kind in (Verified, Rejection, Denied)
}


def entry_from_dict(value: Any) -> Entry | None:
    """Return the entry stored as `value` by `to_dict`; None for anything else (a miss)."""
    kind = KINDS.get(str(value.get("kind"))) if isinstance(value, dict) else None
    if kind is None:
        return None
    try:
        return kind.from_dict(value)
    except (KeyError, TypeError, ValueError):
        return None
