from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "smartqueue.feedback"
    verbose_name = "Avis des clients"
