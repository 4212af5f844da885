"""Public lookup latency with 1,000,000 dossiers in the database.

`python -m bench lookup [--db sqlite|postgres|all] [--dossiers N] [--requests N]`
Dossiers are generated with one INSERT … SELECT (they are bench rows, not demo data); lookups
pick random existing codes with the right verifier, plus 10% unknown codes. Target p99 < 20 ms.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta


def _exprs(vendor: str) -> dict[str, str]:
    """SQL expressions for the dossier columns that matter here, `n` being the row number."""
    return {
        "public_id": "gen_random_uuid()"
        if vendor == "postgresql"
        else "lower(hex(randomblob(16)))",
        "code": (
            "'000.00.01.H13-' || to_char(DATE '2025-01-01' + (n / 2000)::int, 'YYMMDD') || '-' "
            "|| lpad(((n %% 2000) + 1)::text, 4, '0')"
            if vendor == "postgresql"
            else "'000.00.01.H13-' || substr(strftime('%%Y%%m%%d', '2025-01-01', '+' || (n / 2000) || ' days'), 3) "
            "|| '-' || substr('0000' || ((n %% 2000) + 1), -4)"
        ),
        "applicant_phone": (
            "'09' || lpad((n %% 100000000)::text, 8, '0')"
            if vendor == "postgresql"
            else "'09' || substr('00000000' || (n %% 100000000), -8)"
        ),
        "applicant_name": "'Người nộp ' || n",
        "status": "'in_progress'",
        "channel": "'counter'",
        "applicant_type": "'individual'",
        "result_delivery": "'counter'",
        "created_at": "CURRENT_TIMESTAMP",
        "received_at": "CURRENT_TIMESTAMP",
        "due_at": "CURRENT_TIMESTAMP",
        "submitted_at": "CURRENT_TIMESTAMP",
        "procedure_version_id": "%(procedure_version_id)s",
        "center_id": "%(center_id)s",
        "receiving_agency_id": "%(receiving_agency_id)s",
        "holder_agency_id": "%(holder_agency_id)s",
    }


def _populate(total: int, version, center) -> float:
    from django.db import connection

    from bench.bulk import execute, insert_sql, series
    from motcua.dossiers.models import Dossier

    prefix, source = series(connection.vendor)
    sql = insert_sql(Dossier, _exprs(connection.vendor), source, prefix=prefix)
    params = {
        "total": total, "procedure_version_id": version.pk, "center_id": center.pk,
        "receiving_agency_id": center.agency_id, "holder_agency_id": center.agency_id,
    }  # fmt: skip
    return execute(sql, params, table="dossiers_dossier", analyze=True)


def child(db: str, total: int, requests: int) -> None:
    from bench.common import database_url, summary_ms

    os.environ["DATABASE_URL"] = database_url(db, "motcua_bench_lookup")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.fixtures import intake_setup
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import dossier_by_lookup

    call_command("migrate", verbosity=0)
    center, version, _ = intake_setup()
    elapsed = _populate(total, version, center)
    count = Dossier.objects.count()
    print(f"[{db}] generated {count} dossiers in {elapsed:.1f} s")
    rng = random.Random(7)
    samples = []
    for _ in range(requests):
        n = rng.randint(1, total)
        day = n // 2000
        d = date(2025, 1, 1) + timedelta(days=day)
        code = f"000.00.01.H13-{d:%y%m%d}-{(n % 2000) + 1:04d}"
        phone = f"09{n % 100000000:08d}"
        unknown = rng.random() < 0.1
        samples.append((code.replace("000.00.01", "999.99.99") if unknown else code, phone[-4:]))
    timings, found = [], 0
    for code, verifier in samples:
        start = time.perf_counter()
        found += dossier_by_lookup(code=code, verifier=verifier) is not None
        timings.append(time.perf_counter() - start)
    print(
        f"[{db}] selectors.dossier_by_lookup: {summary_ms(timings)} (found {found}/{len(samples)})"
    )
    client = Client(HTTP_HOST="localhost")
    if client.get("/api/v1/lookup", {"code": "x", "verifier": "0000"}).status_code in (
        404,
        200,
        429,
    ):
        timings = []
        for i, (code, verifier) in enumerate(samples):
            start = time.perf_counter()
            response = client.get(
                "/api/v1/lookup", {"code": code, "verifier": verifier},
                REMOTE_ADDR=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            )  # fmt: skip
            timings.append(time.perf_counter() - start)
            assert response.status_code in (200, 404), response.status_code
        print(f"[{db}] GET /api/v1/lookup (in-process client): {summary_ms(timings)}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench lookup")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_CHILD"):
        child(args.db, args.dossiers, args.requests)
        return 0
    from bench.common import run_on_databases

    return run_on_databases(
        "bench.lookup",
        args.db,
        ["--dossiers", str(args.dossiers), "--requests", str(args.requests)],
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
