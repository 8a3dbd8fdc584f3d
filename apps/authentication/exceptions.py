"""API errors of the authentication endpoints (apps.api.errors renders them, like every API error)."""

from rest_framework import exceptions, status

from core.authentication import AuthServiceUnavailable
from core.conf import remote_auth_settings


class InvalidCredentials(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "E-mail or password is incorrect."
    default_code = "invalid_credentials"


class AccountNotAllowed(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "This account cannot sign in (unverified or disabled)."
    default_code = "account_not_allowed"


class InvalidRefreshToken(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "The refresh token is invalid or has expired."
    default_code = "refresh_token_not_valid"


class RejectedRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The authentication service rejected the request."
    default_code = "rejected"


class LoginIdentityUnavailable(AuthServiceUnavailable):
    default_detail = (
        "The auth server signed you in but could not say who you are right now; "
        "that session was closed. Try again shortly."
    )
    default_code = "login_identity_unavailable"

    def __init__(self, wait: int | None = None) -> None:
        super().__init__(wait=int(wait or remote_auth_settings.RETRY_AFTER))


class LoginIdentityUnknown(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = (
        "The auth server signed you in but would not say who you are; that session was closed."
    )
    default_code = "login_identity_unknown"
