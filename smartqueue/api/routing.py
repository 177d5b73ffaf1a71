"""JSON WebSockets of seeds/smartqueue-api.md (consumers come with the API issue)."""

websocket_urlpatterns: list = []
