from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "smartqueue.devices"
    verbose_name = "Écrans et bornes"
