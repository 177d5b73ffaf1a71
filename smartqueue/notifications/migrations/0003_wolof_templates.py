"""Organisations created before Wolof existed get its default templates too; only Wolof, so a
French or English template an organisation deleted stays deleted."""

from django.db import migrations

from smartqueue.notifications.defaults import create_default_templates


def add_wolof(apps, schema_editor):
    create_default_templates(
        apps.get_model("notifications", "NotificationTemplate"), languages=("wo",)
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_default_templates")]

    operations = [migrations.RunPython(add_wolof, migrations.RunPython.noop)]
