"""Shared pieces for benchmarks: throwaway databases and percentiles."""

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
