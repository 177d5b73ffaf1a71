from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "smartqueue.api"
    verbose_name = "API"

    def ready(self):
        """The JSON WebSockets hear the engine's events (sent after commit, off the request)."""
        from smartqueue.api import cors
        from smartqueue.api.sockets import on_event
        from smartqueue.queues import events

        events.subscribe(on_event)
        cors.connect()
