"""The error body every API error has (apps.api.errors renders it), for the schema."""

from typing import Any

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    """`{"detail", "code"}`; validation errors (`code` "invalid") add `errors` per field."""

    detail = serializers.CharField(help_text="A human-readable message; do not parse it.")
    code = serializers.CharField(help_text="A stable, machine-readable error code.")
    # DRF's metaclass pops declared fields, so this does not hide Serializer.errors at run time.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Only for `invalid`: the messages of each invalid field (`non_field_errors` "
        "for the body as a whole).",
    )
