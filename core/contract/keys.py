"""The JWKS check of `check_auth_server`: reachable, key types and algorithms, duplicate or
missing kids, and whether a sample token verifies against it."""

from collections import Counter
from collections.abc import Callable
from typing import Any

from core.exceptions import AuthServiceError
from core.tokens import ClaimRules, SignedTokenError, parse_jwks, token_header, verify_with_key

from .report import Step


def jwks_step(
    fetch: Callable[[], Any],
    rules: ClaimRules,
    sample: str | None,
    describe_error: Callable[[AuthServiceError], str],
) -> Step:
    """Fetch the JWKS and judge it; `sample` (an access token) is verified against it if given."""
    try:
        document = fetch()
    except AuthServiceError as exc:
        return Step("jwks", "fail", f"JWKS not fetched: {describe_error(exc)}", "unreachable")
    keys, skipped = parse_jwks(document)
    kids = Counter(str(item.get("kid")) for item in _raw(document) if item.get("kid"))
    duplicates = sorted(kid for kid, count in kids.items() if count > 1)
    problems = [f"skipped {note}" for note in skipped]
    problems += [f"duplicate kid {kid}" for kid in duplicates]
    listed = [{"kid": key.kid, "kty": key.kty, "alg": key.alg} for key in keys]
    details: dict[str, Any] = {"keys": listed, "duplicateKids": duplicates, "sampleVerifies": None}
    if not keys:
        return Step("jwks", "fail", "the JWKS has no usable public key", "bad_response", details)
    if sample is not None:
        verified = _verifies(sample, {key.kid: key for key in keys}, rules)
        details["sampleVerifies"] = verified is None
        if verified is not None:
            problems.append(f"the sample token does not verify: {verified}")
    types = ", ".join(sorted({f"{key.kty}/{key.alg or '?'}" for key in keys}))
    summary = f"{len(keys)} key(s) ({types})"
    if details["sampleVerifies"]:
        summary += ", the sample token verifies"
    status = "warn" if problems else "ok"
    return Step("jwks", status, summary, None, details, problems)


def _verifies(token: str, keys: dict[str, Any], rules: ClaimRules) -> str | None:
    """Return None when `token` verifies, else why not."""
    kid = token_header(token).get("kid")
    if kid not in keys:
        return "its kid is not in the JWKS" if kid else "it has no kid"
    try:
        verify_with_key(token, keys[kid], rules)
    except SignedTokenError as exc:
        return str(exc)
    return None


def _raw(document: Any) -> list[dict[str, Any]]:
    raw = document.get("keys") if isinstance(document, dict) else None
    return [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []
