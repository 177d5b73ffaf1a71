from django.db import migrations, models


def offline_all_but_latest(apps, schema_editor):
    """Counters already shared: the agent who changed state last keeps the desk, the others
    are set offline (they sit down again from the counter page)."""
    AgentProfile = apps.get_model("queues", "AgentProfile")
    seated = (
        AgentProfile.objects.exclude(current_status="offline")
        .exclude(counter=None)
        .order_by("counter_id", models.F("status_updated_at").desc(nulls_last=True))
    )
    kept = set()
    for profile in seated:
        if profile.counter_id in kept:
            AgentProfile.objects.filter(pk=profile.pk).update(current_status="offline")
        kept.add(profile.counter_id)


class Migration(migrations.Migration):
    dependencies = [
        ("queues", "0006_approaching_position"),
    ]

    operations = [
        migrations.RunPython(offline_all_but_latest, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="agentprofile",
            constraint=models.UniqueConstraint(
                condition=models.Q(("current_status", "offline"), _negated=True),
                fields=("counter",),
                name="one_agent_per_counter",
            ),
        ),
    ]
