"""The one endpoint every variant serves: a small JSON body, nothing else."""

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class HelloView(APIView):
    """GET: `{"ok": true}` for an authenticated caller; each URL sets its own classes."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})
