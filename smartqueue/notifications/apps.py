from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Messages to customers (SMS, WhatsApp, email) and to integrators (signed webhooks), sent
    from an outbox in PostgreSQL by Huey tasks."""

    name = "smartqueue.notifications"
    verbose_name = "Notifications"

    def ready(self):
        from smartqueue.notifications.planning import record_events
        from smartqueue.notifications.tasks import on_event
        from smartqueue.queues import events

        events.record_with(record_events)
        events.subscribe(on_event)
