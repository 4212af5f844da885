"""Import rate of `motcua import-history` (dossiers per second), validation and write passes.

`python -m bench history_import [--db sqlite|postgres|all] [--lines N] [--batch N]`
Generates N history lines (default 200,000) for the bench center and procedure: a mix of
returned, refused, withdrawn, in progress and waiting dossiers over 2025-07 … 2026-06, a third
with a supplement request, some with a renewed appointment and a rating. They are bench rows,
not demo data. Then runs `reports.history.import_history` on a fresh database and prints the
rate of each pass, and the rate of a second run of the same file (every code skipped).
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def generate(path: Path, lines: int, agency_code: str) -> None:
    rng = random.Random(766)
    start = datetime(2025, 7, 1, 7, 30, tzinfo=VN)
    per_day = max(1, lines // 365)
    statuses = ["returned"] * 70 + ["refused"] * 5 + ["withdrawn"] * 5 + ["in_progress"] * 15
    statuses += ["waiting_supplement"] * 5
    with path.open("w", encoding="utf-8") as f:
        for n in range(lines):
            day, seq = divmod(n, per_day)
            received = start + timedelta(days=day, minutes=rng.randint(0, 540))
            due = received + timedelta(days=14)
            status = rng.choice(statuses)
            row = {
                "code": f"{agency_code}-{received:%y%m%d}-{seq + 1:04d}",
                "procedure_code": "2.000635", "agency_code": agency_code,
                "center_code": "can-tho", "channel": rng.choice(["counter", "online", "postal"]),
                "received_at": received.isoformat(), "due_at": due.isoformat(),
                "new_due_at": None, "finished_at": None, "returned_at": None, "status": status,
                "supplement_requests": [], "components_digitized": rng.random() < 0.4,
                "result_digitized": False, "data_reused": rng.random() < 0.1,
                "fee_total": 200000, "paid_online": rng.random() < 0.2, "rating": None,
            }  # fmt: skip
            t = received + timedelta(days=1)
            if status == "waiting_supplement" or rng.random() < 0.3:
                supplied = None if status == "waiting_supplement" else t + timedelta(days=2)
                row["supplement_requests"] = [
                    {"requested_at": t.isoformat(),
                     "supplied_at": supplied and supplied.isoformat()}
                ]  # fmt: skip
                t += timedelta(days=3)
            if status in ("returned", "refused", "withdrawn"):
                end = t + timedelta(days=rng.randint(1, 16), hours=rng.randint(0, 6))
                row["finished_at"] = end.isoformat()
                if status == "returned":
                    row["returned_at"] = (end + timedelta(hours=rng.randint(0, 48))).isoformat()
                    row["result_digitized"] = rng.random() < 0.4
                    if end > due and rng.random() < 0.5:
                        row["new_due_at"] = (end + timedelta(days=1)).isoformat()
                    row["rating"] = rng.choice([None, None, "very_satisfied", "satisfied",
                                                "unsatisfied"])  # fmt: skip
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def child(db: str, lines: int, batch: int) -> None:
    from bench.common import OUT, database_url

    name = "motcua_bench_history"
    os.environ["DATABASE_URL"] = database_url(db, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.fixtures import intake_setup
    from motcua.reports.history import import_history
    from motcua.reports.models import DossierRecord

    call_command("migrate", verbosity=0)
    center, _version, _ = intake_setup()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"history-{lines}.jsonl"
    if not path.exists():
        generate(path, lines, center.agency.code)
    try:
        cpu = time.process_time()
        report = import_history(path=path, batch=batch)
        cpu = time.process_time() - cpu
        assert report.ok, [str(p) for p in report.problems[:5]]
        assert DossierRecord.objects.count() == report.imported == lines
        print(f"[{db}] {lines} lines ({path.stat().st_size / 1e6:.0f} MB), batch {batch}")
        print(f"[{db}] validation pass: {lines / report.validate_seconds:,.0f} dossiers/s "
              f"({report.validate_seconds:.1f} s)")  # fmt: skip
        print(f"[{db}] write pass:      {lines / report.write_seconds:,.0f} dossiers/s "
              f"({report.write_seconds:.1f} s)")  # fmt: skip
        total = report.validate_seconds + report.write_seconds
        print(f"[{db}] whole import:    {lines / total:,.0f} dossiers/s ({total:.1f} s; "
              f"{cpu:.1f} s CPU in this process, load average {os.getloadavg()[0]:.1f})")  # fmt: skip
        again = import_history(path=path, batch=batch)
        assert again.imported == 0 and len(again.skipped) == lines
        seconds = again.validate_seconds + again.write_seconds
        print(f"[{db}] same file again (all skipped): {lines / seconds:,.0f} dossiers/s")
    finally:
        if db == "postgres":
            import psycopg

            from bench.common import PG_ADMIN_URL

            # FORCE: the connection pool of this process still holds sessions.
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench history_import")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_CHILD"):
        child(args.db, args.lines, args.batch)
        return 0
    from bench.common import run_on_databases

    return run_on_databases(
        "bench.history_import", args.db, ["--lines", str(args.lines), "--batch", str(args.batch)]
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
