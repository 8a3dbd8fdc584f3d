"""Hold the start-up options of the local auth server."""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .keys import Algorithm

Envelope = Literal["wrapped", "bare"]
MeShape = Literal["data.user", "user", "data", "body"]
UserIdKey = Literal["sub", "id"]
OrgField = Literal["stated", "absent"]
UserIdType = Literal["string", "integer"]
Profile = Literal["contract", "token", "usermg"]

ENVELOPES: tuple[Envelope, ...] = ("wrapped", "bare")
ME_SHAPES: tuple[MeShape, ...] = ("data.user", "user", "data", "body")
USER_ID_KEYS: tuple[UserIdKey, ...] = ("sub", "id")
# "absent": /me says nothing about the organization (no `org`, no `organization`), as servers
# without organizations answer.
ORG_FIELDS: tuple[OrgField, ...] = ("stated", "absent")
# "integer": users' ids are answered as 1, 2, ... (as many Node servers number them).
USER_ID_TYPES: tuple[UserIdType, ...] = ("string", "integer")
PROFILES: tuple[Profile, ...] = ("contract", "token", "usermg")

# Dev only: anyone can forge tokens for a server started with this value.
DEV_SECRET = "local-dev-secret-change-me"  # noqa: S105 - public on purpose
DEFAULT_SEED = Path(__file__).with_name("demo_seed.json")
REFRESH_TTL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Config:
    """Describe how one server instance listens, signs and answers."""

    host: str = "127.0.0.1"
    port: int = 4000
    seed_path: Path = DEFAULT_SEED
    secret: str = DEV_SECRET
    algorithm: Algorithm = "HS256"
    access_ttl: int = 900
    refresh_ttl: int = REFRESH_TTL_SECONDS
    envelope: Envelope = "wrapped"
    rate_limit: int | None = None
    rate_window: float = 60.0
    control: bool = False
    profile: Profile = "contract"
    # Logins per client IP per window; None takes the profile's own limit, 0 lifts it.
    login_limit: int | None = None
    login_window: float | None = None
