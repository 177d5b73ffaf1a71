"""The two ways SmartQueue runs: nothing but Python (embedded PostgreSQL, in-process layer and
jobs), and the machine's Redis for the channel layer, Huey and the cache."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import redis
from channels.layers import get_channel_layer
from django.conf import settings

from tests.servers import database_url_for_subprocess, free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DAPHNE = str(Path(PYTHON).parent / "daphne")


def bare_env(**extra: str) -> dict:
    # Also without the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE: a server never runs with it.
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**env, **extra}


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
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/") as response:
            return json.load(response)
    finally:
        process.terminate()
        process.wait(timeout=20)


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


HUEY_KIND = "from huey.contrib.djhuey import HUEY; print(type(HUEY).__name__, HUEY.immediate)"
TENANTS_COUNT = "from smartqueue.tenants.models import Tenant; print(Tenant.objects.count())"


def printed(env: dict, code: str) -> str:
    """What a line of Python prints inside the app configured by `env`."""
    return manage(env, "shell", "-c", code)


def test_without_database_url_or_redis_url_the_app_runs_on_embedded_postgres(tmp_path):
    env = bare_env(SMARTQUEUE_DATA_DIR=str(tmp_path))
    manage(env, "migrate_schemas", "--shared", "--verbosity", "0")
    assert (tmp_path / "pg" / "PG_VERSION").exists()

    health = serve_and_get_health(env)
    assert health["database"] == "ok"
    assert health["channel_layer_backend"] == "InMemoryChannelLayer"

    # Without Redis the jobs still run, in-process, as they are enqueued.
    assert printed(env, HUEY_KIND).split() == ["MemoryHuey", "True"]
    # The next start reuses the data folder: the tables made above are still there.
    assert printed(env, TENANTS_COUNT) == "0"


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {url} (CI sets REDIS_URL and runs it)")
    return url


def test_with_redis_url_the_channel_layer_and_huey_use_redis(django_db_setup, django_db_blocker):
    url = redis_url()
    with django_db_blocker.unblock():
        env = bare_env(REDIS_URL=url, DATABASE_URL=database_url_for_subprocess())
    health = serve_and_get_health(env)
    assert health["channel_layer"] == "ok"
    assert health["channel_layer_backend"] == "RedisPubSubChannelLayer"
    assert printed(env, HUEY_KIND).split() == ["RedisHuey", "False"]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="this run has no REDIS_URL")
def test_this_run_uses_the_redis_layer():
    assert type(get_channel_layer()).__name__ == "RedisPubSubChannelLayer"
    assert settings.HUEY["huey_class"] == "huey.RedisHuey"
