"""GET /api/subscriptions/check: does an organization the caller belongs to have a product now?"""

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
    ORGANIZATION_ID_QUERY,
    ORGANIZATION_NOT_FOUND,
)

from .lookup import product_code
from .models import Subscription
from .presenters import check_json
from .rules import grace_period, pick
from .schema import INVALID_PRODUCT_CODE, PRODUCT_CODE, SubscriptionCheckSerializer


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
