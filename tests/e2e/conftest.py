"""Browser tests: Debian's Chromium (or Playwright's) driving daphne on the test database."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import database_url_for_subprocess, free_port, wait_until_healthy

# Playwright's sync API runs an event loop in this thread; the ORM calls of fixtures are still
# plain synchronous calls, so Django's guard against async contexts does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    if Path(CHROMIUM).exists():
        args["executable_path"] = CHROMIUM
    return args


@pytest.fixture(scope="session")
def live_server_url(tenants, django_db_blocker):
    """daphne, the production server, in a subprocess on this session's test database."""
    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or "daphne"
    process = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "smartqueue.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def shots(request) -> Path:
    """Where a test leaves its screenshots (test-results/, git-ignored) for people to look at."""
    folder = ROOT / "test-results" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
