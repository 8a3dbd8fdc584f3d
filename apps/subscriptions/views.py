"""GET /api/subscriptions/check: does an organization the caller belongs to have a product now?"""

from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.organizations.lookup import required_query_param
from apps.organizations.permissions import IsOrganizationMember, current_membership

from .models import Subscription
from .presenters import check_json
from .rules import grace_period, pick


class SubscriptionCheckView(APIView):
    """Answer from SaaS Admin's own subscriptions; the auth server's licenses are never asked."""

    permission_classes = [IsOrganizationMember]
    clock = staticmethod(timezone.now)

    def get(self, request: Request) -> Response:
        organization = current_membership(request).organization
        code = required_query_param(request, "productCode")
        at, grace = self.clock(), grace_period()
        candidates = Subscription.objects.filter(
            organization=organization, product__code=code
        ).select_related("product")
        chosen = pick(candidates, at, grace)
        return Response(check_json(organization.remote_id, code, chosen, at, grace))
