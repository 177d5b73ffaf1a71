from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live pages: engine events → HTML fragments rendered once → every subscribed page."""

    name = "smartqueue.live"
    verbose_name = "Pages en direct"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from smartqueue.live.dispatcher import dispatcher
        from smartqueue.live.signout import close_staff_sockets
        from smartqueue.queues import events

        events.subscribe(dispatcher.submit)
        user_logged_out.connect(close_staff_sockets, dispatch_uid="live-close-staff-sockets")
