"""Shared pieces for benchmarks: throwaway databases and percentiles."""

import contextlib
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(db: str, name: str) -> str:
    """A fresh throwaway database for one benchmark run."""
    if db == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(db: str, name: str) -> None:
    """Remove the throwaway database of `database_url` once the benchmark is done."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / name}.sqlite3{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def run_in_child(module: str, db: str, extra: list[str]) -> int:
    """Django settings are per process: each database gets its own child process."""
    env = dict(os.environ, BENCH_CHILD="1", MOTCUA_DATA_DIR=str(OUT / "data"))
    cmd = [sys.executable, "-m", module, "--db", db, *extra]
    return subprocess.call(cmd, env=env, cwd=ROOT)


def run_on_databases(module: str, db: str, extra: list[str], cleanup=None) -> int:
    """The bench's child process on SQLite, PostgreSQL or both (`db`: sqlite|postgres|all);
    PostgreSQL skipped when unreachable. `cleanup(db)` runs after each, even on failure."""
    status = 0
    for name in ["sqlite", "postgres"] if db == "all" else [db]:
        if name == "postgres" and not postgres_available():
            print("[postgres] not reachable; skipped")
            continue
        try:
            status |= run_in_child(module, name, extra)
        finally:
            if cleanup is not None:
                cleanup(name)
    return status


def timed_threads(jobs) -> float:
    """Run each job (a callable) in its own thread with its own database connection; the
    seconds until all are done. The first error of any job is raised after they all stop."""
    import threading
    import time

    from django.db import connection

    errors: list[BaseException] = []

    def run(job):
        try:
            job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(job,)) for job in jobs]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"n={len(ms)} p50={percentile(ms, 50):.2f} ms p95={percentile(ms, 95):.2f} ms "
        f"p99={percentile(ms, 99):.2f} ms max={max(ms):.2f} ms mean={statistics.fmean(ms):.2f} ms"
    )


@contextlib.contextmanager
def uvicorn_server(workers: int = 1):
    """Serve the project with uvicorn on a free loopback port (this process's DATABASE_URL).

    Yields the port once the server answers; stops the server on exit.
    """
    import http.client
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "motcua.asgi:application", "--port", str(port),
         "--log-level", "warning", "--lifespan", "off", "--workers", str(workers)],
        env=dict(os.environ, MOTCUA_HTTPS="0"),
    )  # fmt: skip
    try:
        deadline = time.time() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/procedures?limit=1")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
