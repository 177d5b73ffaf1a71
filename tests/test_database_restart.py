"""PostgreSQL stops (immediate mode) under a running server: requests get a clear 503, never a
half-written ticket; once it is back the same server answers again, without a restart."""

import json
import subprocess
import sys
import urllib.error
import urllib.request

from django.conf import settings

from smartqueue import embedded
from tests.servers import Server
from tests.test_boot import ROOT, bare_env


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_database_restart_gives_503_then_the_server_recovers(tmp_path):
    database = embedded.postgres(tmp_path)
    database.start()
    env = bare_env(
        DATABASE_URL=database.url,
        REDIS_URL=settings.REDIS_URL,
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
    )
    migrate = [sys.executable, "manage.py", "migrate_schemas", "--shared", "--verbosity", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=180)
    server = Server(env, ROOT, tmp_path / "daphne.log").start()
    try:
        assert get(f"{server.url}/api/v1/tenants/nowhere/sites/")[0] == 404

        database.stop(mode="immediate")
        status, body = get(f"{server.url}/api/v1/tenants/nowhere/sites/")
        assert status == 503 and "indisponible" in json.loads(body)["detail"]
        status, page = get(f"{server.url}/t/nowhere/")
        assert status == 503 and "indisponible" in page
        assert get(f"{server.url}/api/v1/health/")[0] == 503

        database.start()
        assert get(f"{server.url}/api/v1/health/")[0] == 200
        assert get(f"{server.url}/api/v1/tenants/nowhere/sites/")[0] == 404
    finally:
        server.stop()
        if database.answers():
            database.stop()
