"""A do-nothing Django view for `benchmark_http_floor`: what one HTTP request costs in this stack
(daphne, Django's ASGI handler, a sync view run in its thread) before SmartQueue does anything:
no middleware, no database, no template."""

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="floor",  # noqa: S106 (nothing is signed: no session, no cookie)
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)
django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402  (needs Django set up)
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("ok/", ok)]
application = get_asgi_application()
