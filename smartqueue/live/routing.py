from django.urls import path

from smartqueue.live.consumers import LivePageConsumer

websocket_urlpatterns = [
    path(
        "ws/tenants/<slug:tenant_slug>/live/<str:kind>/<str:key>/",
        LivePageConsumer.as_asgi(),
    ),
]
