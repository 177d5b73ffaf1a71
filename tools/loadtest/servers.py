"""daphne processes on free loopback ports (production settings), a Huey worker beside them,
and their resident memory."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def database_url() -> str:
    """The URL of the database this process uses, for the servers it starts."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    if db["HOST"].startswith("/"):  # the embedded server listens on a socket folder
        return f"postgresql://{user}{password}@/{db['NAME']}?host={db['HOST']}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{user}{password}@{db['HOST']}{port}/{db['NAME']}"


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="127.0.0.1",
        # daphne's script does not put the project folder on the path: tools/ (the floor's app).
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """`count` daphne processes serving `app` (and one Huey worker unless told not to), started
    together and stopped together."""

    def __init__(
        self,
        count: int,
        log_dir: Path,
        worker: bool = True,
        app: str = "smartqueue.asgi:application",
        health: str = "/api/v1/health/",
    ) -> None:
        self.count, self.log_dir, self.worker = count, log_dir, worker
        self.app, self.health = app, health
        self.servers: list[tuple[str, subprocess.Popen]] = []
        self.consumer: subprocess.Popen | None = None

    @property
    def urls(self) -> list[str]:
        return [url for url, _ in self.servers]

    def __enter__(self) -> "Processes":
        env = server_env()
        try:
            for n in range(self.count):
                port = free_port()
                command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port)]
                process = self.spawn([*command, self.app], env, f"web-{n}")
                self.servers.append((f"http://127.0.0.1:{port}", process))
            if self.worker:
                command = [sys.executable, "manage.py", "run_huey", "--no-periodic"]
                self.consumer = self.spawn(command, env, "worker")
            for url, process in self.servers:
                wait_until_healthy(url, process, path=self.health)
        except BaseException:
            self.__exit__()
            raise
        return self

    def spawn(self, command: list[str], env: dict, name: str) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 (the process's life)
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)

    def __exit__(self, *exc) -> None:
        processes = [p for _, p in self.servers] + ([self.consumer] if self.consumer else [])
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # open sockets can hold daphne's shutdown
                process.kill()
                process.wait(timeout=5)
        self.servers, self.consumer = [], None

    def rss(self) -> int:
        """Resident memory of the daphne processes together, in bytes."""
        return sum(psutil.Process(p.pid).memory_info().rss for _, p in self.servers)

    def cpu(self) -> tuple[float, float]:
        """CPU seconds (user + system) used so far by the daphne processes together, and by
        the worker: unlike latencies, hardly changed by other work on a shared machine."""
        return sum(cpu_seconds(p) for _, p in self.servers), cpu_seconds(self.consumer)


def cpu_seconds(process: subprocess.Popen | None) -> float:
    if process is None:
        return 0.0
    times = psutil.Process(process.pid).cpu_times()
    return times.user + times.system


def wait_until_healthy(
    url: str, process: subprocess.Popen, timeout: float = 60, path: str = "/api/v1/health/"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne at {url} did not become healthy in time")
