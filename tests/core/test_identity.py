"""Identity normalisation: every shape the contract allows, and nothing it does not."""

import json
from typing import Any

import pytest

from core.exceptions import BadResponse
from core.identity import MAX_FIELD_LENGTH, Identity, Organization, find_user, normalize, unwrap

USER_ID = "7f1c1d1e-0000-4000-8000-000000000001"
ORG_ID = "0a0a0a0a-0000-4000-8000-000000000002"


def me(user: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"success": True, "data": {"user": user, **data}}


# --- unwrap and find_user ------------------------------------------------------------------


def test_unwrap_returns_data_of_a_success_envelope():
    assert unwrap({"success": True, "data": {"a": 1}}) == {"a": 1}


def test_unwrap_returns_data_when_no_flag_is_present():
    assert unwrap({"data": {"a": 1}}) == {"a": 1}


@pytest.mark.parametrize(
    "body",
    [
        {"success": False, "data": {"a": 1}},
        {"ok": False, "data": {"a": 1}},
        {"success": True, "data": ["a"]},
        {"success": True, "data": None},
        ["data"],
        "text",
    ],
)
def test_unwrap_returns_the_body_otherwise(body):
    assert unwrap(body) is body


@pytest.mark.parametrize("body", [[], "user", 3, None])
def test_find_user_rejects_non_objects(body):
    with pytest.raises(BadResponse):
        find_user(body)


def test_find_user_skips_candidates_without_an_id():
    body = {"data": {"user": {"email": "x"}}, "user": {"id": USER_ID}}

    assert find_user(body) == {"id": USER_ID}


# --- ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["sub", "id", "userId"])
def test_user_id_is_read_from_sub_id_or_user_id(key):
    assert normalize(me({key: USER_ID})).remote_id == USER_ID


def test_sub_wins_over_id():
    assert normalize(me({"sub": "from-sub", "id": "from-id"})).remote_id == "from-sub"


def test_user_id_whitespace_is_stripped():
    assert normalize(me({"sub": f"  {USER_ID}\n"})).remote_id == USER_ID


def test_integer_user_id_becomes_a_string():
    assert normalize(me({"id": 42})).remote_id == "42"


@pytest.mark.parametrize("bad", [True, False, 1.5, None, "", "   ", ["x"], {"x": 1}])
def test_unusable_user_ids_are_rejected(bad):
    with pytest.raises(BadResponse):
        normalize(me({"id": bad}))


def test_boolean_sub_falls_back_to_id():
    assert normalize(me({"sub": True, "id": USER_ID})).remote_id == USER_ID


def test_user_id_is_capped_in_length():
    assert normalize(me({"id": "x" * 1000})).remote_id == "x" * MAX_FIELD_LENGTH


# --- text fields ---------------------------------------------------------------------------


def test_text_fields_are_stripped():
    identity = normalize(
        me({"id": USER_ID, "email": " a@b.c ", "firstName": " Ada ", "role": " admin\t"})
    )

    assert (identity.email, identity.first_name, identity.role) == ("a@b.c", "Ada", "admin")


def test_snake_case_names_are_accepted():
    identity = normalize(me({"id": USER_ID, "first_name": "Ada", "last_name": "L"}))

    assert (identity.first_name, identity.last_name) == ("Ada", "L")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", ("Ada", "Lovelace")),
        ("  Ada  King Lovelace ", ("Ada", "King Lovelace")),
        ("Cher", ("Cher", None)),
        ("   ", (None, None)),
    ],
)
def test_a_lone_name_is_split_into_first_and_last(name, expected):
    identity = normalize({"ok": True, "user": {"id": 1, "name": name}})

    assert (identity.first_name, identity.last_name) == expected


def test_a_lone_name_does_not_override_first_or_last_name():
    identity = normalize(me({"id": USER_ID, "name": "Ada Lovelace", "lastName": "King"}))

    assert (identity.first_name, identity.last_name) == (None, "King")


def test_non_string_text_fields_are_unknown():
    identity = normalize(me({"id": USER_ID, "email": 5, "firstName": None, "lastName": ["x"]}))

    assert (identity.email, identity.first_name, identity.last_name) == (None, None, None)


def test_blank_names_are_unknown_not_blank():
    identity = normalize(me({"id": USER_ID, "firstName": "   ", "lastName": ""}))

    assert identity.first_name is None
    assert identity.last_name is None


def test_text_fields_are_capped_in_length():
    assert normalize(me({"id": USER_ID, "lastName": "y" * 999})).last_name == "y" * MAX_FIELD_LENGTH


@pytest.mark.parametrize(
    ("raw", "expected"), [(True, True), (False, False), ("true", None), (1, None)]
)
def test_email_verified_must_be_a_boolean(raw, expected):
    assert normalize(me({"id": USER_ID, "emailVerified": raw})).email_verified is expected


# --- organization --------------------------------------------------------------------------


def test_organization_id_from_user_org():
    assert normalize(me({"id": USER_ID, "org": ORG_ID})).organization == Organization(ORG_ID)


def test_organization_id_from_user_organization_id():
    identity = normalize(me({"id": USER_ID, "organizationId": f" {ORG_ID} "}))

    assert identity.organization == Organization(ORG_ID)


def test_organization_from_organization_object_carries_its_name():
    identity = normalize(me({"id": USER_ID}, organization={"id": ORG_ID, "name": " Acme "}))

    assert identity.organization == Organization(ORG_ID, "Acme")


def test_organization_object_inside_user_is_read():
    identity = normalize(me({"id": USER_ID, "organization": {"id": ORG_ID, "name": "Acme"}}))

    assert identity.organization == Organization(ORG_ID, "Acme")


def test_organization_name_kept_when_ids_match():
    identity = normalize(
        me({"id": USER_ID, "org": ORG_ID}, organization={"id": ORG_ID, "name": "A"})
    )

    assert identity.organization == Organization(ORG_ID, "A")


def test_organization_name_dropped_when_ids_differ():
    identity = normalize(
        me({"id": USER_ID, "org": ORG_ID}, organization={"id": "other-org", "name": "Other"})
    )

    assert identity.organization == Organization(ORG_ID, None)


def test_integer_organization_ids_match_their_string_form():
    identity = normalize(me({"id": USER_ID, "org": 7}, organization={"id": "7", "name": "Seven"}))

    assert identity.organization == Organization("7", "Seven")


@pytest.mark.parametrize("bad", [True, "", "   ", 1.5, ["x"]])
def test_unusable_organization_ids_give_no_organization(bad):
    assert normalize(me({"id": USER_ID, "org": bad})).organization is None


def test_no_organization_at_all():
    assert normalize(me({"id": USER_ID})).organization is None


# --- products and licenses -----------------------------------------------------------------


def test_products_are_normalised_sorted_and_deduplicated():
    identity = normalize(
        me({"id": USER_ID, "products": ["TeamSpace", " buildeasy ", "teamspace", "", 5, None]})
    )

    assert identity.products == ("buildeasy", "teamspace")


def test_products_come_from_licenses_when_missing():
    identity = normalize(me({"id": USER_ID}, licenses={"autoflow": {"seats": 1}, "buildeasy": {}}))

    assert identity.products == ("autoflow", "buildeasy")
    assert identity.licenses == {"autoflow": {"seats": 1}, "buildeasy": {}}


def test_products_that_are_not_a_list_fall_back_to_licenses():
    identity = normalize(me({"id": USER_ID, "products": "all"}, licenses={"all": {}}))

    assert identity.products == ("all",)


def test_explicit_products_win_over_licenses():
    identity = normalize(me({"id": USER_ID, "products": ["teamspace"]}, licenses={"autoflow": {}}))

    assert identity.products == ("teamspace",)


def test_licenses_that_are_not_an_object_are_ignored():
    identity = normalize(me({"id": USER_ID}, licenses=["buildeasy"]))

    assert identity.licenses == {}
    assert identity.products == ()


def test_top_level_user_reads_licenses_beside_it():
    identity = normalize({"id": USER_ID, "licenses": {"buildeasy": {}}})

    assert identity.products == ("buildeasy",)


def test_expires_at_is_carried():
    assert normalize(me({"id": USER_ID}), expires_at=1_700_000_000).expires_at == 1_700_000_000


# --- round trip ----------------------------------------------------------------------------


def test_to_dict_from_dict_round_trip_with_everything():
    identity = Identity(
        remote_id=USER_ID,
        email="a@b.c",
        first_name="Ada",
        last_name="L",
        email_verified=True,
        role="admin",
        organization=Organization(ORG_ID, "Acme"),
        products=("buildeasy", "teamspace"),
        licenses={"buildeasy": {"seats": 2}},
        expires_at=1_700_000_000,
    )

    data = identity.to_dict()

    assert json.loads(json.dumps(data)) == data
    assert data["products"] == ["buildeasy", "teamspace"]
    assert Identity.from_dict(json.loads(json.dumps(data))) == identity


def test_to_dict_from_dict_round_trip_with_nothing_optional():
    identity = Identity(remote_id=USER_ID)

    assert Identity.from_dict(identity.to_dict()) == identity
    assert Identity.from_dict(identity.to_dict()).organization is None


# --- what mirroring needs to tell apart ------------------------------------------------------


def test_an_explicit_null_organization_is_stated_and_silence_is_not() -> None:
    stated = normalize({"data": {"user": {"sub": "u1"}, "organization": None}})
    stated_by_claim = normalize({"user": {"sub": "u1", "org": None}})
    silent = normalize({"data": {"user": {"sub": "u1"}}})

    assert (stated.organization, stated.organization_stated) == (None, True)
    assert (stated_by_claim.organization, stated_by_claim.organization_stated) == (None, True)
    assert (silent.organization, silent.organization_stated) == (None, False)


def test_names_and_emails_lose_control_characters() -> None:
    identity = normalize(
        {"user": {"sub": "u1", "firstName": "A\x00n\x1fn", "email": "a\x00@b.test"}}
    )

    assert identity.first_name == "Ann"
    assert (identity.email, identity.email_exact) == ("a@b.test", False)


def test_an_email_cut_to_size_is_not_exact_and_a_clean_one_is() -> None:
    long_email = "a" * 300 + "@b.test"

    assert normalize({"user": {"sub": "u1", "email": long_email}}).email_exact is False
    assert normalize({"user": {"sub": "u1", "email": " a@b.test "}}).email_exact is True
