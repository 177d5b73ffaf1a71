from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "smartqueue.queues"
    verbose_name = "Files d'attente"
