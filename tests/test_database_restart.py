"""PostgreSQL stops (immediate mode) under a running server: requests get a clear 503, never a
half-written ticket; once it is back the same server answers again, without a restart."""

import json
import urllib.error
import urllib.request
import warnings

import pytest

from tests.servers import Server
from tests.test_boot import ROOT, bare_env, manage

warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
pgserver = pytest.importorskip("pgserver")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_database_restart_gives_503_then_the_server_recovers(tmp_path):
    database = pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")
    env = bare_env(DATABASE_URL=database.get_uri(), DEBUG="false", SECURE_SSL_REDIRECT="false")
    manage(env, "migrate_schemas", "--shared", "--verbosity", "0")
    server = Server(env, ROOT, tmp_path / "daphne.log").start()
    try:
        assert get(f"{server.url}/api/v1/tenants/nowhere/sites/")[0] == 404

        pgserver.pg_ctl(
            ["-m", "immediate", "-w", "stop"], pgdata=database.pgdata, user=database.system_user
        )
        status, body = get(f"{server.url}/api/v1/tenants/nowhere/sites/")
        assert status == 503 and "indisponible" in json.loads(body)["detail"]
        status, page = get(f"{server.url}/t/nowhere/")
        assert status == 503 and "indisponible" in page
        assert get(f"{server.url}/api/v1/health/")[0] == 503

        database.ensure_postgres_running()
        assert get(f"{server.url}/api/v1/health/")[0] == 200
        assert get(f"{server.url}/api/v1/tenants/nowhere/sites/")[0] == 404
    finally:
        server.stop()
        database.cleanup()
