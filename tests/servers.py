"""Helpers for tests that start the real server in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

from tools.loadtest.servers import (  # noqa: F401 (used by the tests)
    database_url,
    free_port,
    wait_until_healthy,
)

# One copy of these for the tests and the load generator (which ships in the package).
database_url_for_subprocess = database_url


class Server:
    """daphne, the production server, in a subprocess; can be stopped and started again on the
    same port (for tests of what pages do when the server goes away)."""

    def __init__(self, env: dict, root, log_path) -> None:
        self.env, self.root, self.log_path = env, root, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        daphne = str(Path(sys.executable).parent / "daphne")
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the process's life)
        self.process = subprocess.Popen(
            [daphne, "-b", "127.0.0.1", "-p", str(self.port), "smartqueue.asgi:application"],
            cwd=self.root,
            env=self.env,
            stdout=log,
            stderr=log,
        )
        wait_until_healthy(self.url, self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # open sockets can hold daphne's shutdown
                self.process.kill()
                self.process.wait(timeout=5)


def debug_server_env() -> dict:
    """The environment for a daphne on this test session's database, DEBUG on (where a bad
    request once hung the debug page) and Django's async safety on, as in production."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DATABASE_URL": database_url_for_subprocess(), "DEBUG": "true"}
