"""One endpoint: who the Bearer token says the caller is, and where the answer came from."""

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.authentication import RemoteAuth


class WhoAmI(APIView):
    def get(self, request: Request) -> Response:
        auth = request.auth
        source = auth.source if isinstance(auth, RemoteAuth) else None
        return Response({"username": request.user.get_username(), "source": source})


urlpatterns = [path("whoami", WhoAmI.as_view())]
