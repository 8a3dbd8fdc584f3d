"""GET /api/organizations/ and /api/organizations/<id>/: the caller's organizations."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.openapi.responses import ErrorResponse
from apps.subscriptions.models import Subscription
from apps.subscriptions.rules import grace_period

from .models import Membership
from .permissions import IsOrganizationMember, current_membership
from .presenters import membership_json, organization_json
from .schema import (
    INVALID_ID,
    ORGANIZATION_FORBIDDEN,
    ORGANIZATION_ID,
    ORGANIZATION_NOT_FOUND,
    OrganizationDetailSerializer,
    OrganizationListSerializer,
)


class OrganizationListView(APIView):
    """List the organizations the caller is an active member of (suspended ones say so)."""

    @extend_schema(
        operation_id="organizations_list",
        summary="List the caller's organizations",
        tags=["organizations"],
        responses={200: OrganizationListSerializer},
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user  # IsAuthenticated ran, so never anonymous here
        memberships = Membership.objects.filter(user=user, is_active=True).select_related(
            "organization"
        )
        return Response({"organizations": [membership_json(m) for m in memberships]})


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
