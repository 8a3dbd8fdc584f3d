"""Signup, email verification and password reset, over real HTTP."""

from tests.authserver.helpers import bearer, me, post
from tests.fixtures.authserver import DemoUser, LocalAuthServer, unwrap

NEW_USER = {
    "email": "Zoe@Initech.test",
    "password": "zoe-password-9",
    "firstName": "Zoe",
    "lastName": "Zimmer",
    "company": "Initech",
    "products": ["autoflow"],
}


def test_signup_to_logout_full_flow(auth_server_clean: LocalAuthServer) -> None:
    server = auth_server_clean
    signup = post(server, "signup", NEW_USER)
    assert signup.status_code == 201
    created = unwrap(signup.json())
    assert created["email"] == "zoe@initech.test"
    credentials = {"email": NEW_USER["email"], "password": NEW_USER["password"]}
    assert post(server, "login", credentials).status_code == 403

    code = server.codes("zoe@initech.test")["verifyCode"]
    verify = post(server, "verify-email", {"email": "zoe@initech.test", "code": code})
    assert verify.status_code == 200

    first = server.login("zoe@initech.test", "zoe-password-9")
    answer = me(server, first["accessToken"])
    assert answer.status_code == 200
    identity = unwrap(answer.json())
    assert identity["user"]["sub"] == created["userId"]
    assert identity["organization"]["name"] == "Initech"
    assert set(identity["licenses"]) == {"autoflow"}

    refreshed = post(server, "refresh", {"refreshToken": first["refreshToken"]})
    assert refreshed.status_code == 200
    second = unwrap(refreshed.json())
    assert second["refreshToken"] != first["refreshToken"]
    assert post(server, "refresh", {"refreshToken": first["refreshToken"]}).status_code == 401
    assert me(server, second["accessToken"]).status_code == 200

    body, auth = {"refreshToken": second["refreshToken"]}, bearer(second["accessToken"])
    assert post(server, "logout", body, headers=auth).status_code == 200
    assert me(server, second["accessToken"]).status_code == 401
    assert me(server, first["accessToken"]).status_code == 401  # same session, revoked too
    assert post(server, "refresh", {"refreshToken": second["refreshToken"]}).status_code == 401


def test_signup_duplicate_email_is_409(auth_server_clean: LocalAuthServer) -> None:
    response = post(auth_server_clean, "signup", {**NEW_USER, "email": "ALICE@acme.test"})
    assert response.status_code == 409
    assert response.json()["success"] is False


def test_signup_validation_errors_are_400_with_message(auth_server_clean: LocalAuthServer) -> None:
    for broken in (
        {**NEW_USER, "email": "not-an-email"},
        {**NEW_USER, "password": "short"},
        {**NEW_USER, "company": ""},
        {**NEW_USER, "products": ["chess"]},
        {k: v for k, v in NEW_USER.items() if k != "lastName"},
    ):
        response = post(auth_server_clean, "signup", broken)
        assert response.status_code == 400, broken
        assert response.json()["message"]
    assert auth_server_clean.codes("zoe@initech.test")["verifyCode"] is None


def test_verify_email_with_wrong_code_is_400(auth_server_clean: LocalAuthServer) -> None:
    post(auth_server_clean, "signup", NEW_USER)
    code = auth_server_clean.codes("zoe@initech.test")["verifyCode"]
    wrong = "000000" if code != "000000" else "111111"
    response = post(auth_server_clean, "verify-email", {"email": "zoe@initech.test", "code": wrong})
    assert response.status_code == 400
    assert auth_server_clean.user("zoe@initech.test")["emailVerified"] is False


def test_forgot_password_answers_200_for_unknown_email(auth_server_clean: LocalAuthServer) -> None:
    response = post(auth_server_clean, "forgot-password", {"email": "nobody@nowhere.test"})
    assert response.status_code == 200
    assert auth_server_clean.codes("nobody@nowhere.test")["resetToken"] is None


def test_reset_password_sets_password_and_ends_sessions(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    server, alice = auth_server_clean, demo_users["alice"]
    old_session = server.login(alice.email, alice.password)
    assert post(server, "forgot-password", {"email": alice.email}).status_code == 200
    token = server.codes(alice.email)["resetToken"]
    assert token

    reset = post(server, "reset-password", {"token": token, "password": "brand-new-pass"})
    assert reset.status_code == 200
    assert (
        post(server, "login", {"email": alice.email, "password": alice.password}).status_code == 401
    )
    assert server.login(alice.email, "brand-new-pass")["accessToken"]
    assert post(server, "refresh", {"refreshToken": old_session["refreshToken"]}).status_code == 401
    again = post(server, "reset-password", {"token": token, "password": "another-pass-1"})
    assert again.status_code == 400


def test_reset_password_with_weak_password_keeps_token(auth_server_clean: LocalAuthServer) -> None:
    post(auth_server_clean, "forgot-password", {"email": "bob@acme.test"})
    token = auth_server_clean.codes("bob@acme.test")["resetToken"]
    assert (
        post(auth_server_clean, "reset-password", {"token": token, "password": "x"}).status_code
        == 400
    )
    ok = post(auth_server_clean, "reset-password", {"token": token, "password": "long-enough-1"})
    assert ok.status_code == 200
