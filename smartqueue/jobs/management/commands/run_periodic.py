"""Periodic jobs without Redis: `make run` starts this beside daphne.

run_huey refuses to start while Huey runs tasks in-process (no REDIS_URL), so nothing would
mark no-shows, close days or sweep notifications. This loop asks Huey, once a minute, which
periodic tasks are due and runs them here. With Redis, the Procfile's worker does it instead."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY


class Command(BaseCommand):
    help = "Run Huey's periodic tasks in this process, once a minute (development, no Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then stop")

    def handle(self, *args, once: bool, **options):
        if not HUEY.immediate:
            self.stderr.write("Huey has a broker here: run `manage.py run_huey` instead.")
            return
        autodiscover_modules("tasks")  # as run_huey does: every app's periodic tasks
        while True:
            self.run_due()
            if once:
                return
            time.sleep(60 - time.time() % 60)  # at the top of each minute, like the consumer

    def run_due(self) -> None:
        close_old_connections()
        due = HUEY.read_periodic(None)
        self.stdout.write(f"{len(due)} periodic task(s): " + ", ".join(t.name for t in due))
        for task in due:
            try:
                HUEY.execute(task)
            except Exception as error:  # one failing job must not stop the others
                self.stderr.write(f"{task.name}: {error}")
