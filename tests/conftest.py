"""Two organisations for the whole session, committed once; each test runs in a transaction.

Tests that need committed rows (real threads, a daphne subprocess) use `committed`: it opens the
database for the test and wipes the tenant tables afterwards. `transactional_db` is not used:
its flush would empty the public tables, tenants included.
"""

import contextlib
import os
from types import SimpleNamespace

import psutil
import pytest
from django.conf import settings
from django.db import connection

from smartqueue import embedded
from smartqueue.queues import events
from smartqueue.tenants.services import create_tenant
from tests.factories import make_agent, make_counter, make_queue, wipe_tenant_data

PASSWORD = "Secret-pass-2026"
_servers = contextlib.ExitStack()


def pytest_configure(config):
    """The embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset (a newcomer's
    machine): started before anything connects, and the subprocesses of tests find them too."""
    os.environ["SMARTQUEUE_DATA_DIR"] = str(settings.DATA_DIR)
    config.embedded_started = _servers.enter_context(embedded.services(settings.DATA_DIR))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """After every fixture's teardown: stop what this run started, then fail the run if any
    process a test started outlived it (a server, a worker, an embedded database)."""
    _servers.close()
    strays = leftovers(session.config)
    if strays:
        print("\nProcesses left behind by the tests:")
        for process in strays:
            print(f"  {process.pid} {' '.join(process.cmdline())}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def leftovers(config) -> list[psutil.Process]:
    """Children of this process still running, and servers on this run's temporary folders."""
    mine = [p for p in psutil.Process().children(recursive=True) if alive(p) and not helper(p)]
    folders = [str(config._tmp_path_factory.getbasetemp())]  # pytest's tmp_path root
    folders += [str(server.folder) for server in config.embedded_started]
    orphans = []
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if process.info["name"] in {"postgres", "redis-server"} and any(
            folder in command for folder in folders
        ):
            orphans.append(process)
    return mine + [p for p in orphans if alive(p) and p not in mine]


def helper(process: psutil.Process) -> bool:
    """multiprocessing's resource tracker lives as long as this process, and ends with it."""
    try:
        return "multiprocessing.resource_tracker" in " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return True


def alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright keeps an event loop in the main thread once started,
    and Django's async_to_sync (the health check, socket tests) refuses to run beside it."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """Always the test database, even for a run of only threaded or browser tests (pytest-django
    would otherwise skip it when no test carries the django_db mark)."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        close_other_sessions()
        teardown_databases(config, verbosity=0)


def close_other_sessions() -> None:
    """Servers started by tests may leave a backend behind for a moment; the drop waits for none."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def jobs_run_in_process():
    """Huey's tasks run as they are enqueued in the test process, Redis or not; the worker
    test (tests/notifications) starts a real consumer for the other path."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(scope="session")
def tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        alpha = create_tenant(
            name="Alpha Bank", slug="alpha", admin_email="admin@alpha.test", admin_password=PASSWORD
        )
        beta = create_tenant(
            name="Beta Santé", slug="beta", admin_email="admin@beta.test", admin_password=PASSWORD
        )
    return SimpleNamespace(alpha=alpha, beta=beta)


@pytest.fixture
def alpha(tenants, db):
    """Run the test inside tenant alpha's schema (in the test's transaction)."""
    connection.set_tenant(tenants.alpha)
    yield tenants.alpha
    connection.set_schema_to_public()


@pytest.fixture
def beta(tenants, db):
    return tenants.beta


@pytest.fixture
def committed(tenants, django_db_blocker):
    """Committed rows in tenant alpha, for threads and subprocesses; wiped afterwards."""
    with django_db_blocker.unblock():
        connection.set_tenant(tenants.alpha)
        try:
            yield tenants.alpha
        finally:
            wipe_tenant_data(tenants)
            connection.set_schema_to_public()


@pytest.fixture
def desk(alpha):
    """A queue, a counter serving it, and an agent seated there."""
    queue = make_queue(letter="A")
    counter = make_counter(queue.site, [queue])
    return queue, counter, make_agent(counter)


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """Events handed to subscribers, with on-commit callbacks run as if the test committed."""
    seen: list[events.DomainEvent] = []
    events.subscribe(seen.append)
    yield seen
    events.unsubscribe(seen.append)
