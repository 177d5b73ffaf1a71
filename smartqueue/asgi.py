import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartqueue.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from smartqueue.api.routing import websocket_urlpatterns as api_routes  # noqa: E402
from smartqueue.api.sockets import OriginCheckedForSessions  # noqa: E402
from smartqueue.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origin is checked for cookie sessions only: a token client needs none (see there).
        "websocket": OriginCheckedForSessions(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), api_routes
        ),
    }
)
# What start-up loaded (Django, templates, catalogues) lives as long as the process: kept out of
# the collector's full passes, which otherwise stop every request for ~100 ms (benchmark_engine).
gc.freeze()
