from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live pages: engine events → HTML fragments rendered once → every subscribed page."""

    name = "smartqueue.live"
    verbose_name = "Pages en direct"

    def ready(self):
        from smartqueue.live.dispatcher import dispatcher
        from smartqueue.queues import events

        events.subscribe(dispatcher.submit)
