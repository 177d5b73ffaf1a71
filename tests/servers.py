"""Helpers for tests that start the real server in a subprocess."""

import socket
import subprocess
import time
import urllib.request

from django.db import connection


def database_url_for_subprocess() -> str:
    """The URL of the test database this session created, for the server subprocess."""
    settings = connection.settings_dict
    host = settings["HOST"]
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    if host.startswith("/"):  # the embedded server listens on a socket folder
        return f"postgresql://{user}{password}@/{settings['NAME']}?host={host}"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgresql://{user}{password}@{host}{port}/{settings['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/v1/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("daphne did not become healthy in time")
