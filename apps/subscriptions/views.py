"""GET /api/subscriptions/check and /api/organizations/<id>/: an organization's subscriptions.

The organization detail lives here, not in apps.organizations, because it lists subscriptions:
subscriptions depends on organizations, never the other way round.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.openapi.responses import ErrorResponse
from apps.organizations.permissions import IsOrganizationMember, current_membership
from apps.organizations.schema import (
    INVALID_ID,
    MISSING_PARAMETER,
    ORGANIZATION_FORBIDDEN,
    ORGANIZATION_ID,
    ORGANIZATION_ID_QUERY,
    ORGANIZATION_NOT_FOUND,
)

from .lookup import product_code
from .models import Subscription
from .presenters import check_json, organization_json
from .rules import grace_period, pick
from .schema import (
    INVALID_PRODUCT_CODE,
    PRODUCT_CODE,
    OrganizationDetailSerializer,
    SubscriptionCheckSerializer,
)


class SubscriptionCheckView(APIView):
    """Answer from SaaS Admin's own subscriptions; the auth server's licenses are never asked."""

    permission_classes = [IsOrganizationMember]
    clock = staticmethod(timezone.now)

    @extend_schema(
        operation_id="subscriptions_check",
        summary="Does an organization of the caller's have a product now?",
        description="Answered from SaaS Admin's own subscriptions; the auth server's licenses are "
        "never asked. Members of the organization only: anyone else gets 404.",
        tags=["subscriptions"],
        parameters=[ORGANIZATION_ID_QUERY, PRODUCT_CODE],
        responses={
            200: SubscriptionCheckSerializer,
            400: ErrorResponse(
                "A query parameter is missing or malformed.",
                {**MISSING_PARAMETER, **INVALID_ID, **INVALID_PRODUCT_CODE},
            ),
            403: ORGANIZATION_FORBIDDEN,
            404: ORGANIZATION_NOT_FOUND,
        },
    )
    def get(self, request: Request) -> Response:
        organization = current_membership(request).organization
        code = product_code(request)
        at, grace = self.clock(), grace_period()
        candidates = Subscription.objects.filter(
            organization=organization, product__code=code
        ).select_related("product")
        chosen = pick(candidates, at, grace)
        return Response(check_json(organization.remote_id, code, chosen, at, grace))


class OrganizationDetailView(APIView):
    """Show one organization of the caller's, with the caller's role and its subscriptions."""

    permission_classes = [IsOrganizationMember]
    clock = staticmethod(timezone.now)

    @extend_schema(
        operation_id="organizations_retrieve",
        summary="Show one of the caller's organizations",
        description="The caller's role and the organization's subscriptions. Members only: "
        "anyone else gets 404, whether or not the organization exists.",
        tags=["organizations"],
        parameters=[ORGANIZATION_ID],
        responses={
            200: OrganizationDetailSerializer,
            400: ErrorResponse("The organization id is malformed.", INVALID_ID),
            403: ORGANIZATION_FORBIDDEN,
            404: ORGANIZATION_NOT_FOUND,
        },
    )
    def get(self, request: Request, organization_id: str) -> Response:
        membership = current_membership(request)
        subscriptions = list(
            Subscription.objects.filter(organization=membership.organization)
            .select_related("product")
            .order_by("product__code", "-created_at")
        )
        body = organization_json(
            membership, subscriptions, request.auth, self.clock(), grace_period()
        )
        return Response(body)
