"""The Identity: the auth server's answer about a user, normalised from every shape the contract allows."""

from dataclasses import asdict, dataclass, field
from typing import Any

from .exceptions import BadResponse
from .text import clean_text, has_control

MAX_FIELD_LENGTH = 254


@dataclass(frozen=True)
class Organization:
    """The user's organization as the auth server names it."""

    id: str
    name: str | None = None


@dataclass(frozen=True)
class Identity:
    """Who a token belongs to. Name fields are None when the auth server did not say.

    `email_exact` is False when the e-mail had to be cleaned or cut: it is shown, never linked on.
    `organization_stated` tells an explicit "no organization" (True) from silence (False) when
    `organization` is None.
    """

    remote_id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email_verified: bool | None = None
    email_exact: bool = True
    role: str | None = None
    organization: Organization | None = None
    organization_stated: bool = False
    products: tuple[str, ...] = ()
    licenses: dict[str, Any] = field(default_factory=dict)
    expires_at: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict; `from_dict` reverses it."""
        data = asdict(self)
        data["products"] = list(self.products)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Identity":
        """Rebuild an Identity stored by `to_dict`."""
        org = data.get("organization")
        return cls(
            **{
                **data,
                "organization": Organization(**org) if org else None,
                "products": tuple(data.get("products") or ()),
            }
        )


def unwrap(body: Any) -> Any:
    """Return `data` when the body is a success envelope with a `data` object, else the body."""
    if (
        isinstance(body, dict)
        and isinstance(body.get("data"), dict)
        and body.get("success", body.get("ok")) is not False
    ):
        return body["data"]
    return body


def find_user(body: Any) -> dict[str, Any]:
    """Find the user object in `data.user`, `user`, `data` or the body, in that order."""
    if not isinstance(body, dict):
        raise BadResponse("body is not a JSON object")
    data = body.get("data")
    for candidate in (
        data.get("user") if isinstance(data, dict) else None,
        body.get("user"),
        data,
        body,
    ):
        if isinstance(candidate, dict) and _user_id(candidate):
            return candidate
    raise BadResponse("no user id in response")


def _user_id(user: dict[str, Any]) -> str | None:
    """Return the user id; None when there is none, or it holds control characters or lone
    surrogates: cleaning an id could make it another user's, so such an answer has no usable id."""
    for key in ("sub", "id", "userId"):
        value = user.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            text = str(value).strip()
            return None if has_control(text) else text[:MAX_FIELD_LENGTH]
    return None


def _text(value: Any) -> str | None:
    """Return a cleaned string, or None when absent or blank (unknown, never "blank it")."""
    if isinstance(value, str) and clean_text(value, MAX_FIELD_LENGTH):
        return clean_text(value, MAX_FIELD_LENGTH)
    return None


def _organization_stated(user: dict[str, Any], context: dict[str, Any]) -> bool:
    """Return True when the body says anything about the organization, null included."""
    return "organization" in context or any(
        key in user for key in ("org", "organizationId", "organization")
    )


def _names(user: dict[str, Any]) -> tuple[str | None, str | None]:
    """Return first and last name; a lone `name` is split at its first space when both are absent."""
    first = _text(user.get("firstName", user.get("first_name")))
    last = _text(user.get("lastName", user.get("last_name")))
    full = _text(user.get("name"))
    if first is None and last is None and full is not None:
        given, _, family = full.partition(" ")
        return given, _text(family)
    return first, last


def _organization(user: dict[str, Any], context: dict[str, Any]) -> Organization | None:
    org = context.get("organization") or user.get("organization")
    org_id = user.get("org") or user.get("organizationId")
    name = None
    if isinstance(org, dict):
        org_id = org_id or org.get("id")
        name = _text(org.get("name")) if str(org.get("id")) == str(org_id) else None
    if isinstance(org_id, (str, int)) and not isinstance(org_id, bool) and str(org_id).strip():
        return Organization(id=str(org_id).strip()[:MAX_FIELD_LENGTH], name=name)
    return None


def _products(user: dict[str, Any], licenses: dict[str, Any]) -> tuple[str, ...]:
    raw = user.get("products")
    codes = [_text(p) for p in raw] if isinstance(raw, list) else list(licenses)
    return tuple(sorted({code.lower() for code in codes if code}))


def _plain(value: Any) -> Any:
    """Return JSON data with every string, keys included, cleaned of controls and lone surrogates
    (shown to callers as it is, it must encode as UTF-8)."""
    if isinstance(value, str):
        return clean_text(value, len(value))
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_plain(str(key)): _plain(item) for key, item in value.items()}
    return value


def normalize(body: Any, *, expires_at: int | None = None) -> Identity:
    """Return the Identity in a /me (or login) body; raise BadResponse when there is none."""
    user = find_user(body)
    context = unwrap(body) if isinstance(unwrap(body), dict) else {}
    raw_licenses = context.get("licenses")
    licenses: dict[str, Any] = _plain(raw_licenses) if isinstance(raw_licenses, dict) else {}
    verified = user.get("emailVerified")
    raw_email = user.get("email")
    email = _text(raw_email)
    first_name, last_name = _names(user)
    return Identity(
        remote_id=_user_id(user) or "",
        email=email,
        email_exact=email is None or email == str(raw_email).strip(),
        first_name=first_name,
        last_name=last_name,
        email_verified=verified if isinstance(verified, bool) else None,
        role=_text(user.get("role")),
        organization=_organization(user, context),
        organization_stated=_organization_stated(user, context),
        products=_products(user, licenses),
        licenses=licenses,
        expires_at=expires_at,
    )


# Which claim holds each Identity field (REMOTE_AUTH["JWT_CLAIMS"] overrides any of them).
DEFAULT_CLAIMS = {
    "sub": "sub",
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "organization": "org",
    "role": "role",
    "products": "products",
}


def identity_from_claims(
    claims: dict[str, Any], claim_map: dict[str, str] | None = None
) -> Identity:
    """Return the Identity a signed token's claims describe, read through `claim_map`.

    An absent organization claim means "not said" (as a /me body without one); odd values are
    unknown, never guessed.
    """
    names = {**DEFAULT_CLAIMS, **(claim_map or {})}

    def text(field_name: str) -> str | None:
        return _text(claims.get(names[field_name]))

    org = claims.get(names["organization"])
    products = claims.get(names["products"])
    exp = claims.get("exp")
    return Identity(
        remote_id=str(claims[names["sub"]]),
        email=text("email"),
        first_name=text("first_name"),
        last_name=text("last_name"),
        role=text("role"),
        organization=Organization(id=str(org)) if isinstance(org, str) and org else None,
        organization_stated=names["organization"] in claims,
        products=tuple(p for p in products if isinstance(p, str))
        if isinstance(products, list)
        else (),
        expires_at=int(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None,
    )
