from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smartqueue.accounts"
    verbose_name = "Comptes"
