"""Intake throughput: dossiers received per second, beside pgbench on the same PostgreSQL.

`python -m bench intake [--db sqlite|postgres|all] [--count N]`
- service layer: `services.intake(decision="receive")` with no files, 1 thread and 4 threads;
- API: `POST /api/v1/dossiers` from 4 concurrent HTTP clients against uvicorn (bearer token);
- pgbench (PostgreSQL only): 4 clients running a comparable transaction (a sequence UPSERT, one
  dossier row, three child rows and one event), and the ratio ours / pgbench.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

PGBENCH_SCRIPT = """
BEGIN;
INSERT INTO bench_seq (agency, day, last) VALUES (1, CURRENT_DATE, 1)
  ON CONFLICT (agency, day) DO UPDATE SET last = bench_seq.last + 1;
INSERT INTO bench_dossier (code, applicant, payload, created_at)
  VALUES (md5(random()::text), 'Trần Văn Dân', repeat('x', 400), now());
INSERT INTO bench_child (dossier_code, name) VALUES (md5(random()::text), 'Tờ khai');
INSERT INTO bench_child (dossier_code, name) VALUES (md5(random()::text), 'Bản sao CCCD');
INSERT INTO bench_child (dossier_code, name) VALUES (md5(random()::text), 'Lệ phí');
INSERT INTO bench_child (dossier_code, name) VALUES (md5(random()::text), 'sự kiện');
END;
"""


def _service_rate(version, center, officers, count: int, threads: int) -> float:
    from bench.common import timed_threads
    from bench.fixtures import applicant
    from motcua.dossiers.services import ComponentInput, intake

    components = [ComponentInput(component_id=c.id) for c in version.components.all()]
    per = count // threads

    def work(officer):
        for _ in range(per):
            intake(version=version, center=center, officer=officer, applicant=applicant(),
                   components=components, decision="receive")  # fmt: skip

    jobs = [lambda o=officers[i]: work(o) for i in range(threads)]
    return per * threads / timed_threads(jobs)


def _api_rate(version, officers, count: int, clients: int) -> float:
    import http.client

    from bench.common import uvicorn_server
    from motcua.accounts import services as account_services

    tokens = [
        account_services.create_api_token(user=o, name="bench")[1] for o in officers[:clients]
    ]
    body_components = [{"component_id": c.id, "provided": True} for c in version.components.all()]
    with uvicorn_server(workers=2) as port:
        per = count // clients
        failures: list[str] = []

        def client(token: str, n: int):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for i in range(per):
                body = json.dumps({
                    "procedure_code": version.procedure.code, "center": "can-tho",
                    "channel": "counter", "decision": "receive",
                    "applicant": {"type": "individual", "name": "Trần Văn Dân",
                                  "id_number": "092090001234", "phone": "0912345678"},
                    "components": body_components,
                })  # fmt: skip
                conn.request("POST", "/api/v1/dossiers", body=body, headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json",
                    "Idempotency-Key": f"bench-{n}-{i}-{time.time_ns()}",
                })  # fmt: skip
                response = conn.getresponse()
                payload = response.read()
                if response.status != 201:
                    failures.append(f"{response.status} {payload[:200]!r}")

        workers = [threading.Thread(target=client, args=(t, n)) for n, t in enumerate(tokens)]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - start
        if failures:
            print(f"  API failures: {len(failures)}; first: {failures[0]}")
        return (per * clients - len(failures)) / elapsed


def _pgbench(url: str, clients: int, seconds: int) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_seq, bench_dossier, bench_child")
        conn.execute(
            "CREATE TABLE bench_seq (agency int, day date, last int, PRIMARY KEY (agency, day))"
        )
        conn.execute("CREATE TABLE bench_dossier (id bigserial PRIMARY KEY, code text UNIQUE, "
                     "applicant text, payload text, created_at timestamptz)")  # fmt: skip
        conn.execute(
            "CREATE TABLE bench_child (id bigserial PRIMARY KEY, dossier_code text, name text)"
        )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(PGBENCH_SCRIPT)
    out = subprocess.run(
        ["pgbench", "-n", "-c", str(clients), "-j", str(clients), "-T", str(seconds), "-f", f.name, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for line in out.splitlines():
        if line.startswith("tps ="):
            return float(line.split()[2])
    raise RuntimeError(out)


def child(db: str, count: int) -> None:
    from bench.common import database_url

    url = database_url(db, "motcua_bench_intake")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.fixtures import intake_setup

    call_command("migrate", verbosity=0)
    center, version, officers = intake_setup()
    one = _service_rate(version, center, officers, count, 1)
    print(f"[{db}] services.intake, 1 thread:  {one:.1f} dossiers/s ({count} dossiers)")
    four = _service_rate(version, center, officers, count, 4)
    print(f"[{db}] services.intake, 4 threads: {four:.1f} dossiers/s ({count} dossiers)")
    api = _api_rate(version, officers, count, 4)
    print(
        f"[{db}] POST /api/v1/dossiers, 4 HTTP clients (uvicorn, 2 workers): {api:.1f} dossiers/s"
    )
    if db == "postgres":
        tps = _pgbench(url, 4, 10)
        print(f"[{db}] pgbench, 4 clients, comparable insert transaction: {tps:.1f} tps")
        print(f"[{db}] ratio services(4 threads)/pgbench = {four / tps:.3f}"
              + f"; API/pgbench = {api / tps:.3f}")  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench intake")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--count", type=int, default=400)
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_CHILD"):
        child(args.db, args.count)
        return 0
    from bench.common import run_on_databases

    return run_on_databases("bench.intake", args.db, ["--count", str(args.count)])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
