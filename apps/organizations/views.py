"""GET /api/organizations/: the caller's organizations (apps.subscriptions shows one in detail)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Membership
from .presenters import membership_json
from .schema import OrganizationListSerializer


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
