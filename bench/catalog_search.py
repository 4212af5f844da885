"""Catalog search latency through the API over 2,000 procedures, on SQLite and PostgreSQL.

`python -m bench catalog_search [--db sqlite|postgres|all] [--requests N]`
The 2,000 procedures are the demo catalog's real procedures repeated under new codes (so names,
fields and agencies have the real distribution); queries mix accented and unaccented words,
codes, colloquial names, filters and short prefixes. Target: p95 < 30 ms.
"""

import argparse
import os
import sys
import time

QUERIES = [
    "cap giay phep xay dung",
    "Cấp giấy phép xây dựng",
    "đăng ký khai sinh",
    "dang ky ket hon",
    "sổ đỏ",
    "làm giấy khai sinh",
    "ly lich tu phap",
    "giấy phép lái xe",
    "thanh lap cong ty",
    "ho kinh doanh",
    "chứng thực",
    "dat dai",
    "1.001193",
    "khai",
    "xác nhận tình trạng hôn nhân",
    "an toan thuc pham",
    "",
]
FILTERS = [{}, {"level": "commune"}, {"online_level": "full"}, {"level": "province"}]


def _populate(target: int) -> None:
    import json
    from decimal import Decimal

    from django.db import transaction

    from motcua.catalog.services import upsert_procedure
    from motcua.catalog.specs import ComponentSpec, FeeSpec, ProcedureSpec
    from motcua.demo.loader import CATALOG_PATH
    from motcua.directory.services import upsert_agency

    data = json.loads(CATALOG_PATH.read_text())
    for a in data["agencies"]:
        upsert_agency(code=a["code"], name=a["name"], level=a["level"], kind=a.get("kind", ""))
    base = data["procedures"]
    n = 0
    with transaction.atomic():
        while n < target:
            p = base[n % len(base)]
            round_ = n // len(base)
            code = p["code"] if round_ == 0 else f"9.{round_:02d}{n % len(base):04d}"
            spec = ProcedureSpec(
                code=code,
                name=p["name"] if round_ == 0 else f"{p['name']} (bản {round_ + 1})",
                agency_code=p["agency_code"],
                field=p["field"],
                level=p["level"],
                time_limit_days=Decimal(str(p["time_limit_days"])),
                channels=tuple(p["channels"]),
                online_level=p["online_level"],
                applicant_types=tuple(p["applicant_types"]),
                components=tuple(
                    ComponentSpec(name=c["name"], required=c["required"], copies=c["copies"])
                    for c in p["components"]
                ),
                fees=tuple(FeeSpec(name=f["name"], amount=f["amount"]) for f in p.get("fees", [])),
                legal_basis=tuple(p.get("legal_basis", [])),
                result=p.get("result", ""),
            )
            upsert_procedure(spec=spec)
            n += 1


def child(db: str, requests: int) -> None:
    from bench.common import database_url, summary_ms

    os.environ["DATABASE_URL"] = database_url(db, "motcua_bench_catalog")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from motcua.demo.loader import load_synonyms

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    _populate(2000)
    load_synonyms()
    from motcua.catalog.models import ProcedureVersion

    print(
        f"[{db}] loaded {ProcedureVersion.objects.count()} procedures "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    client = Client(HTTP_HOST="localhost")
    # Warm-up: first requests pay for imports and connection set-up.
    for q in QUERIES[:3]:
        client.get("/api/v1/procedures", {"q": q})
    timings, counts = [], []
    for i in range(requests):
        params = {"q": QUERIES[i % len(QUERIES)], **FILTERS[(i // len(QUERIES)) % len(FILTERS)]}
        start = time.perf_counter()
        response = client.get("/api/v1/procedures", params)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content
        counts.append(response.json()["count"])
    print(f"[{db}] GET /api/v1/procedures (in-process client): {summary_ms(timings)}")
    print(f"[{db}] matches per query: min={min(counts)} max={max(counts)}")
    detail = []
    for code in ["1.001193", "1.000894", "1.012753"] * 30:
        start = time.perf_counter()
        assert client.get(f"/api/v1/procedures/{code}").status_code == 200
        detail.append(time.perf_counter() - start)
    print(f"[{db}] GET /api/v1/procedures/{{code}}: {summary_ms(detail)}")
    print(f"[{db}] over HTTP (uvicorn, 1 worker, keep-alive): {_over_http(requests)}")


def _over_http(requests: int) -> str:
    """The same queries through a real uvicorn server on the loopback interface."""
    import http.client
    from urllib.parse import urlencode

    from bench.common import summary_ms, uvicorn_server

    with uvicorn_server() as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        timings = []
        for i in range(requests):
            params = {"q": QUERIES[i % len(QUERIES)], **FILTERS[(i // len(QUERIES)) % len(FILTERS)]}
            start = time.perf_counter()
            conn.request("GET", "/api/v1/procedures?" + urlencode(params))
            response = conn.getresponse()
            response.read()
            timings.append(time.perf_counter() - start)
            assert response.status == 200
        return summary_ms(timings)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench catalog_search")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_CHILD"):
        child(args.db, args.requests)
        return 0
    from bench.common import postgres_available, run_in_child

    dbs = ["sqlite", "postgres"] if args.db == "all" else [args.db]
    status = 0
    for db in dbs:
        if db == "postgres" and not postgres_available():
            print("[postgres] not reachable at BENCH_PG_URL; skipped")
            continue
        status |= run_in_child("bench.catalog_search", db, ["--requests", str(args.requests)])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
