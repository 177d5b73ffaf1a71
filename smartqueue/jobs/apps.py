from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "smartqueue.jobs"
    verbose_name = "Tâches périodiques"
