"""Response bodies of the subscription endpoints, for the OpenAPI schema only (presenters build dicts)."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from apps.organizations.schema import AuthServerViewSerializer, MembershipSerializer

from .lookup import PATTERN, PRODUCT_QUERY_PARAM, max_length
from .models import Subscription

Body = serializers.Serializer[dict[str, Any]]


class LimitsSerializer(Body):
    maxUsers = serializers.IntegerField(allow_null=True, help_text="Empty: no limit.")
    storageGb = serializers.IntegerField(allow_null=True, help_text="Empty: no limit.")


class SubscriptionSummarySerializer(Body):
    status = serializers.ChoiceField(choices=Subscription.Status.choices)
    tier = serializers.CharField(allow_blank=True)
    expiresAt = serializers.DateTimeField(
        allow_null=True,
        help_text="The last instant the subscription counts (past-due: with the grace period); "
        "empty when its status never counts.",
    )
    limits = LimitsSerializer()


class SubscriptionSerializer(SubscriptionSummarySerializer):
    productCode = serializers.CharField()
    productName = serializers.CharField()
    isActive = serializers.BooleanField(help_text="Whether it grants access now.")
    trialEndsAt = serializers.DateTimeField(allow_null=True)
    currentPeriodStart = serializers.DateTimeField(allow_null=True)
    currentPeriodEnd = serializers.DateTimeField(allow_null=True)


class OrganizationDetailSerializer(MembershipSerializer):
    subscriptions = SubscriptionSerializer(many=True)
    authServer = AuthServerViewSerializer(
        allow_null=True,
        help_text="What the auth server says the caller may use: information only, never "
        "trusted for access; empty for local tokens or another organization.",
    )


class SubscriptionCheckSerializer(Body):
    organizationId = serializers.CharField()
    productCode = serializers.CharField()
    hasActiveSubscription = serializers.BooleanField()
    subscription = SubscriptionSummarySerializer(
        allow_null=True,
        help_text="The subscription that counts and lasts longest, else the newest one; empty "
        "when the organization never subscribed to the product.",
    )


PRODUCT_CODE = OpenApiParameter(
    PRODUCT_QUERY_PARAM,
    {"type": "string", "pattern": f"^{PATTERN.pattern}$", "maxLength": max_length()},
    OpenApiParameter.QUERY,
    required=True,
    description="The product's code, e.g. `teamspace`; an unknown product is simply not "
    "subscribed (200), a malformed one is answered 400 `invalid_product_code`.",
)
INVALID_PRODUCT_CODE = {
    "invalid_product_code": "`productCode` cannot be a product code (a slug of at most 50 "
    "characters)"
}
