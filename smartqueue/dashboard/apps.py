from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "smartqueue.dashboard"
    verbose_name = "Tableau de bord"
