#!/usr/bin/env python
import os
import sys
from pathlib import Path

# Commands that touch neither database nor Redis start no embedded server for nothing.
NO_SERVERS = {"makemessages", "compilemessages", "collectstatic", "help", "version", "--help"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartqueue.settings")
    from django.core.management import execute_from_command_line

    from smartqueue import embedded

    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command in NO_SERVERS:
        execute_from_command_line(sys.argv)
        return
    data_dir = embedded.data_dir_from_environment(Path(__file__).resolve().parent)
    with embedded.services(data_dir):  # when DATABASE_URL / REDIS_URL are unset
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
