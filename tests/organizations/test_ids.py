"""Organization ids: which are well-formed."""

import pytest

from apps.organizations.ids import MAX_LENGTH, is_valid_organization_id


@pytest.mark.parametrize(
    "value",
    ["d283930d-137c-4ffe-abbf-fbed33913676", "42", "org_1", "acme.corp", "tenant:7", "A" * 254],
)
def test_opaque_ids_of_safe_characters_are_valid(value: str) -> None:
    assert is_valid_organization_id(value)


@pytest.mark.parametrize(
    "value",
    ["", "bad id", "a/b", "-leading-dash", "a\x00b", "\u00e9t\u00e9", "A" * (MAX_LENGTH + 1)],
)
def test_malformed_ids_are_invalid(value: str) -> None:
    assert not is_valid_organization_id(value)
