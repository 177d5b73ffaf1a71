from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "smartqueue.api"
    verbose_name = "API"
