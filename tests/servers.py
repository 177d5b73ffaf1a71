"""Helpers for tests that start the real server in a subprocess."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
