"""JSON WebSockets of seeds/smartqueue-api.md: one queue's tickets, one agent's status."""

from django.urls import path

from smartqueue.api.sockets import AgentSocketConsumer, QueueSocketConsumer

websocket_urlpatterns: list = [
    path("ws/tenants/<slug:tenant_slug>/queues/<str:queue_id>/", QueueSocketConsumer.as_asgi()),
    path("ws/tenants/<slug:tenant_slug>/agents/<str:agent_id>/", AgentSocketConsumer.as_asgi()),
]
