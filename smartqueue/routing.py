"""WebSocket routes, all under /ws/tenants/<slug>/ (consumers come with the live screens)."""

websocket_urlpatterns: list = []
