"""Answer the account endpoints: signup, verify-email, forgot-password, reset-password.

Verification codes and reset tokens are written to the log: on this dev server the log
stands in for the mailbox. The control API returns them too (GET /__control__/codes).
"""

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from .directory import DuplicateEmail
from .errors import BadRequest, Conflict
from .models import Organization, User
from .passwords import hash_password
from .routing import Route
from .shapes import Shapes
from .state import State
from .validation import email, new_password, optional_str, products, required_str, secret
from .wire import Request, Response

logger = logging.getLogger(__name__)

TRIAL_DAYS = 14
TRIAL_SEATS = 5


class AccountApi:
    """Create accounts, verify emails and reset forgotten passwords."""

    def __init__(self, state: State, shapes: Shapes) -> None:
        self._state = state
        self._shapes = shapes

    def routes(self) -> list[Route]:
        """Return the routes this API answers."""
        return [
            Route("POST", "/api/auth/signup", self.signup),
            Route("POST", "/api/auth/verify-email", self.verify_email),
            Route("POST", "/api/auth/forgot-password", self.forgot_password),
            Route("POST", "/api/auth/reset-password", self.reset_password),
        ]

    def signup(self, request: Request) -> Response:
        """Create an unverified owner in a new organization; 409 if the email is taken."""
        user, org = _new_account(request.json())
        try:
            self._state.directory.add(user, org)
        except DuplicateEmail as exc:
            raise Conflict("An account with this email already exists.", "email_taken") from exc
        code = self._state.codes.issue_verify(user.email)
        logger.info("signup: user %s, verification code for %s is %s", user.id, user.email, code)
        message = "Account created. Check your email for the verification code."
        data = {"userId": user.id, "email": user.email, "message": message}
        return self._shapes.success(data, status=201, message=message)

    def verify_email(self, request: Request) -> Response:
        """Mark the email verified when the code matches; 400 otherwise."""
        body = request.json()
        address, code = required_str(body, "email").lower(), _code(body)
        user = self._state.directory.by_email(address)
        if user is None or not self._state.codes.redeem_verify(address, code):
            raise BadRequest("Invalid or expired verification code.", "invalid_code")
        self._state.directory.update(user.id, email_verified=True)
        data = {"email": address, "emailVerified": True}
        return self._shapes.success(data, message="Email verified.")

    def forgot_password(self, request: Request) -> Response:
        """Issue a reset token when the account exists; answer the same either way."""
        user = self._state.directory.by_email(required_str(request.json(), "email"))
        if user is not None:
            token = self._state.codes.issue_reset(user.email)
            logger.info("password reset for %s: token %s", user.email, token)
        message = "If the account exists, password reset instructions have been sent."
        return self._shapes.success({}, message=message)

    def reset_password(self, request: Request) -> Response:
        """Set a new password from a reset token and end the user's sessions."""
        body = request.json()
        password = new_password(body)
        address = self._state.codes.redeem_reset(secret(body, "token"))
        user = self._state.directory.by_email(address) if address else None
        if user is None:
            raise BadRequest("Invalid or expired reset token.", "invalid_token")
        self._state.directory.update(user.id, password_hash=hash_password(password))
        ended = self._state.sessions.close_user(user.id)
        logger.info("password reset for user %s, %s session(s) ended", user.id, ended)
        return self._shapes.success({}, message="Password has been reset.")


def _new_account(body: dict[str, Any]) -> tuple[User, Organization]:
    address, password = email(body), new_password(body)
    first, last = required_str(body, "firstName"), required_str(body, "lastName")
    company = required_str(body, "company")
    optional_str(body, "phone")  # Validated, then dropped: nothing here reads it.
    codes = products(body) or ()
    org = Organization(str(uuid.uuid4()), company, {code: _trial() for code in codes})
    user = User(
        id=str(uuid.uuid4()),
        email=address,
        password_hash=hash_password(password),
        first_name=first,
        last_name=last,
        org_id=org.id,
        products=codes,
        role="owner",
    )
    return user, org


def _trial() -> dict[str, Any]:
    expires = datetime.now(UTC) + timedelta(days=TRIAL_DAYS)
    return {
        "tier": "trial",
        "seats": TRIAL_SEATS,
        "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _code(body: dict[str, Any]) -> str:
    value = body.get("code")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:06d}"  # Tolerate codes sent as JSON numbers.
    return required_str(body, "code")
