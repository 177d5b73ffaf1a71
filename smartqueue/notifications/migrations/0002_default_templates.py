"""Every organisation starts with the default templates (run in each tenant's schema)."""

from django.db import migrations

from smartqueue.notifications.defaults import create_default_templates


def add_defaults(apps, schema_editor):
    create_default_templates(apps.get_model("notifications", "NotificationTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
