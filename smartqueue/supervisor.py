"""`make run`: one parent for everything the demo needs, stopped together.

Starts the embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset, migrates and
loads the demo (`manage.py setup_local`), then every process of the Procfile (daphne, Huey's
consumer) with the servers' URLs. Ctrl-C or SIGTERM (`make stop`) stops the processes, then the
servers it started. A second `make run` while one is up says so instead of stacking processes.

    python -m smartqueue.supervisor [--stop]
"""

import argparse
import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from smartqueue import embedded

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10


def procfile(path: Path) -> list[tuple[str, str]]:
    """(name, command) of each process line; comments and blank lines skipped."""
    entries = []
    for line in path.read_text().splitlines():
        name, _, command = line.partition(":")
        if line.strip() and not line.startswith("#") and command.strip():
            entries.append((name.strip(), command.strip()))
    return entries


class AlreadyRunning(Exception):
    pass


@contextlib.contextmanager
def only_one(data_dir: Path) -> Iterator[None]:
    """The pid file, held locked for the run's life: the lock dies with the process."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "run.pid"
    handle = open(path, "a+")  # noqa: SIM115 (held for the whole run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        raise AlreadyRunning(handle.read().strip() or "?") from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        handle.truncate(0)
        handle.close()


def running_pid(data_dir: Path) -> int | None:
    path = data_dir / "run.pid"
    if not path.exists():
        return None
    with open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return int(handle.read().strip() or 0) or None
        return None  # nobody holds it: nothing runs


class Supervisor:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def run(self, entries: list[tuple[str, str]]) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.ask_to_stop)
        for name, command in entries:
            # One shell per line expands ${PORT:-8000} as the Procfile's readers do.
            self.children[name] = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {command}"], cwd=ROOT, env=self.env
            )
        code = self.wait_for_an_end()
        self.stop_children()
        return code

    def ask_to_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def wait_for_an_end(self) -> int:
        while not self.stopping:
            for name, child in self.children.items():
                if child.poll() is not None:
                    print(f"supervisor: {name} ended ({child.returncode}); stopping the others")
                    return child.returncode or 1
            time.sleep(0.2)
        return 0

    def stop_children(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def serve(data_dir: Path) -> int:
    with only_one(data_dir), embedded.services(data_dir) as started:
        env = dict(os.environ)
        env.setdefault("DATABASE_URL", embedded.postgres(data_dir).url)
        env.setdefault("REDIS_URL", embedded.redis(data_dir).url)
        env["SMARTQUEUE_DATA_DIR"] = str(data_dir)
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        for server in started:
            print(f"supervisor: embedded {server.name} started in {server.folder}")
        url = f"http://{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '8000')}"
        setup = [sys.executable, "manage.py", "setup_local", "--url", url]
        if subprocess.run(setup, cwd=ROOT, env=env).returncode != 0:
            return 1
        code = Supervisor(env).run(procfile(ROOT / "Procfile"))
    print("supervisor: stopped")
    return code


def stop(data_dir: Path) -> int:
    pid = running_pid(data_dir)
    if pid is None:
        print("SmartQueue is not running.")
        return 0
    os.kill(pid, signal.SIGTERM)
    while running_pid(data_dir) is not None:
        time.sleep(0.2)
    print(f"SmartQueue (pid {pid}) stopped.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stop", action="store_true", help="stop a run started elsewhere")
    options = parser.parse_args()
    data_dir = embedded.data_dir_from_environment(ROOT)
    if options.stop:
        return stop(data_dir)
    try:
        return serve(data_dir)
    except AlreadyRunning as running:
        print(f"SmartQueue is already running (pid {running}): `make stop` stops it.")
        return 1


if __name__ == "__main__":
    sys.exit(main())
