"""WebSocket routes, all under /ws/tenants/<slug>/: JSON for integrators, HTML for our pages."""

from smartqueue.api.routing import websocket_urlpatterns as api_routes
from smartqueue.live.routing import websocket_urlpatterns as live_routes

websocket_urlpatterns: list = [*api_routes, *live_routes]
