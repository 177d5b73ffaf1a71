from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "smartqueue.tenants"
    verbose_name = "Organisations"
