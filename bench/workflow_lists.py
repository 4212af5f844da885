"""Worklist and overdue queries with 1,000,000 dossiers (issue 4): p95 < 100 ms on PostgreSQL.

`python -m bench workflow_lists [--db sqlite|postgres|all] [--dossiers N] [--repeat N]`

Set-up through the real services: 30 departments, each with a 10-day procedure running the
default process (reception → specialist → head of division → leader → clerk → return), 4
centers, and staff (per department 10 specialists, 2 heads of division, a leader, a clerk; per
center 5 reception officers and a director; a supervisor). The dossiers and their workflow rows
are generated with one INSERT … SELECT per table (bench/bulk.py), in this spread (by n % 1000):

- 88% returned (6 runs done), 1% refused at the leader (4 runs done);
- 1% waiting for a supplement at the specialist (open run, open Pause with its Mẫu 02 notice);
- 10% running: 0.2% at reception (about a day's intake: the counter forwards the same day),
  5.3% specialist, 1.5% head, 1.2% leader, 0.8% clerk, 1% at the return step (result ready); received 0–16 days ago with a 14-day appointment, so about
  one in eight is overdue and one in sixteen due within the day;
- specialist runs are claimed by one of the agency's specialists in 7 cases out of 10;
- closed supplement pauses on 5% of the finished dossiers.

Then, per user (one per role), each worklist as the page reads it — the count and the first 50
rows —, `GET /api/v1/worklist` (in-process Django client, bearer token: the four lists, their
counts and the counts per agency) and the worklist page `GET /xu-ly/` (signed in):
p50/p95/p99. The bench database is dropped at the end, unless `--keep`: then it stays, and
the next run with `--keep` times the queries on it again without generating anything.
"""

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal

AGENCIES = 30
CENTERS = 4
SPECIALISTS = 10
DB_NAME = "motcua_bench_workflow_lists"

# The plan of dossier `n` (its id), by b = n % 1000: status and the position of its last step.
_B = "({n} %% 1000)"
_STATUS = (
    "(CASE WHEN {b} < 880 THEN 'returned' WHEN {b} < 890 THEN 'refused' "
    "WHEN {b} < 900 THEN 'waiting_supplement' WHEN {b} < 902 THEN 'received' "
    "WHEN {b} < 990 THEN 'in_progress' ELSE 'result_ready' END)"
)
_POS = (
    "(CASE WHEN {b} < 880 THEN 6 WHEN {b} < 890 THEN 4 WHEN {b} < 900 THEN 2 WHEN {b} < 902 "
    "THEN 1 WHEN {b} < 955 THEN 2 WHEN {b} < 970 THEN 3 WHEN {b} < 982 THEN 4 WHEN {b} < 990 "
    "THEN 5 ELSE 6 END)"
)
# Seconds from now to the reception: finished dossiers over the two years before the last month,
# running ones within the last 16 days (the appointment is 14 days after reception).
_RECEIVED = (
    "(CASE WHEN {b} < 890 THEN -(2592000 + (%(total)s - {n}) * 60) "
    "ELSE -((CAST({n} AS BIGINT) * 7919) %% 1382400) END)"
)
_DUE_AFTER = 14 * 86400


def plan(expr: str, n: str) -> str:
    return expr.format(b=_B.format(n=n), n=n)


def _ts(vendor: str, seconds: str) -> str:
    """now + `seconds` (an integer SQL expression), as the column's type wants it."""
    if vendor == "postgresql":
        return f"(CAST(%(now)s AS timestamptz) + ({seconds}) * INTERVAL '1 second')"
    return f"datetime(%(now)s, ({seconds}) || ' seconds')"


def _setup():
    """Agencies, centers, procedures with their published default process, staff."""
    from motcua.accounts.models import Role, User
    from motcua.catalog.services import upsert_procedure
    from motcua.catalog.specs import ComponentSpec, ProcedureSpec
    from motcua.directory.models import AdministrativeUnit, ServiceCenter, StaffAssignment
    from motcua.directory.services import upsert_agency
    from motcua.workflow.services import process_for

    unit, _ = AdministrativeUnit.objects.get_or_create(
        code="92", defaults={"name": "Thành phố Cần Thơ", "kind": "province"}
    )
    procs, centers, specialists = [], [], []
    users: list[User] = []
    for i in range(AGENCIES):
        agency, _ = upsert_agency(code=f"000.00.{i + 10:02d}.H13", name=f"Sở số {i + 1}",
                                  level="province")  # fmt: skip
        version, _ = upsert_procedure(
            spec=ProcedureSpec(
                code=f"2.{i + 1:06d}", name=f"Thủ tục số {i + 1}", agency_code=agency.code,
                field="Thử nghiệm", level="province", time_limit_days=Decimal(10),
                channels=("counter",), components=(ComponentSpec(name="Tờ khai"),),
            ),
            effective_from=date(2025, 7, 1),
        )  # fmt: skip
        process = process_for(procedure=version.procedure)
        procs.append((i, version.pk, agency.pk, process.pk))
        staff = [(f"cv-{i}-{k}", Role.SPECIALIST) for k in range(SPECIALISTS)]
        staff += [(f"tp-{i}-{k}", Role.HEAD_OF_DIVISION) for k in range(2)]
        staff += [(f"gd-{i}", Role.AGENCY_LEADER), (f"vt-{i}", Role.CLERK)]
        for username, role in staff:
            users.append(User(username=username, role=role, agency=agency,
                              full_name=f"Cán bộ {username}"))  # fmt: skip
    for j in range(CENTERS):
        agency, _ = upsert_agency(code=f"000.00.{j + 1:02d}.H13", name=f"Trung tâm số {j + 1}",
                                  level="province", kind="service_center")  # fmt: skip
        center = ServiceCenter.objects.create(
            code=f"trung-tam-{j + 1}", name=f"Trung tâm PVHCC số {j + 1}", level="province",
            unit=unit, agency=agency,
        )  # fmt: skip
        centers.append((j, center, agency))
        for k in range(5):
            users.append(User(username=f"tn-{j}-{k}", role=Role.RECEPTION_OFFICER,
                              full_name=f"Cán bộ tiếp nhận {j}-{k}"))  # fmt: skip
        users.append(User(username=f"gdtt-{j}", role=Role.CENTER_DIRECTOR, agency=agency,
                          full_name=f"Giám đốc Trung tâm {j}"))  # fmt: skip
    users.append(User(username="giamsat", role=Role.SUPERVISOR, full_name="Cán bộ giám sát"))
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    by_name = {u.username: u for u in User.objects.all()}
    StaffAssignment.objects.bulk_create(
        StaffAssignment(user=by_name[f"tn-{j}-{k}"], center=center, start_date=date(2025, 1, 1),
                        end_date=date(2099, 1, 1))
        for j, center, _ in centers for k in range(5)
    )  # fmt: skip
    for i in range(AGENCIES):
        specialists += [(i, k, by_name[f"cv-{i}-{k}"].pk) for k in range(SPECIALISTS)]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_proc (idx integer PRIMARY KEY, version_id integer, "
                       "agency_id integer, process_id integer)")  # fmt: skip
        cursor.executemany("INSERT INTO bench_proc VALUES (%s, %s, %s, %s)", procs)
        cursor.execute("CREATE TABLE bench_center (idx integer PRIMARY KEY, center_id integer, "
                       "agency_id integer, code varchar(40), officer_id integer)")  # fmt: skip
        cursor.executemany(
            "INSERT INTO bench_center VALUES (%s, %s, %s, %s, %s)",
            [(j, c.pk, a.pk, a.code, by_name[f"tn-{j}-0"].pk) for j, c, a in centers],
        )
        cursor.execute("CREATE TABLE bench_staff (agency_idx integer, k integer, user_id integer, "
                       "PRIMARY KEY (agency_idx, k))")  # fmt: skip
        cursor.executemany("INSERT INTO bench_staff VALUES (%s, %s, %s)", specialists)
    return _people(by_name)


_BENCH_USERS = {
    "specialist": "cv-0-0",
    "head_of_division": "tp-0-0",
    "agency_leader": "gd-0",
    "reception_officer": "tn-0-0",
    "center_director": "gdtt-0",
    "supervisor": "giamsat",
}


def _people(by_name=None):
    """One user per role, each with a fresh API token."""
    from motcua.accounts import services as account_services
    from motcua.accounts.models import User

    if by_name is None:
        by_name = {u.username: u for u in User.objects.filter(username__in=_BENCH_USERS.values())}
    people = {role: by_name[username] for role, username in _BENCH_USERS.items()}
    tokens = {
        role: account_services.create_api_token(user=u, name="bench")[1]
        for role, u in people.items()
    }
    return people, tokens


def _generate(total: int) -> dict[str, float]:
    """The dossiers, their processes, step runs, notices and pauses; seconds per table."""
    from django.db import connection
    from django.db.models import Count, Max, Min

    from bench.bulk import execute, insert_sql, series
    from motcua.dossiers.models import Dossier, Notice
    from motcua.workflow.models import DossierProcess, Pause, StepRun

    v = connection.vendor
    pg = v == "postgresql"
    params = {"total": total, "now": datetime.now(UTC) if pg else _sqlite_now()}
    timings = {}

    # Dossiers: n is the row number, and their id (checked below).
    received = plan(_RECEIVED, "n")
    status = plan(_STATUS, "n")
    pos = plan(_POS, "n")
    day = "(n / 2000)"
    yymmdd = (
        f"to_char(DATE '2024-01-01' + {day}::int, 'YYMMDD')"
        if pg
        else f"substr(strftime('%%Y%%m%%d', '2024-01-01', '+' || {day} || ' days'), 3)"
    )
    seq = (
        "lpad(((n %% 2000) + 1)::text, 4, '0')" if pg else "substr('0000' || ((n %% 2000) + 1), -4)"
    )
    phone = (
        "'09' || lpad((n %% 100000000)::text, 8, '0')"
        if pg
        else "'09' || substr('00000000' || (n %% 100000000), -8)"
    )
    prefix, source = series(v)
    source += (
        f" JOIN bench_proc p ON p.idx = ((n / 1000) %% {AGENCIES})"
        f" JOIN bench_center c ON c.idx = (((n / 1000) + n) %% {CENTERS})"
    )
    exprs = {
        "public_id": "gen_random_uuid()" if pg else "lower(hex(randomblob(16)))",
        "code": f"c.code || '-' || {yymmdd} || '-' || {seq}",
        "procedure_version_id": "p.version_id",
        "center_id": "c.center_id",
        "receiving_agency_id": "c.agency_id",
        "holder_agency_id": f"(CASE WHEN {pos} IN (2, 3, 4, 5) AND {status} <> 'refused' "
        "THEN p.agency_id ELSE c.agency_id END)",
        "received_by_id": "c.officer_id",
        "channel": "'counter'",
        "status": status,
        "applicant_type": "'individual'",
        "applicant_name": "'Người nộp ' || n",
        "applicant_phone": phone,
        "result_delivery": "'counter'",
        "created_at": _ts(v, received),
        "submitted_at": _ts(v, received),
        "received_at": _ts(v, received),
        "due_at": _ts(v, f"{received} + {_DUE_AFTER}"),
    }
    sql = insert_sql(Dossier, exprs, source, prefix=prefix)
    timings["dossiers"] = execute(sql, params, table="dossiers_dossier", analyze=True)
    ids = Dossier.objects.aggregate(low=Min("id"), high=Max("id"), count=Count("id"))
    assert ids == {"low": 1, "high": total, "count": total}, ids  # the plan reads n from the id

    received = plan(_RECEIVED, "d.id")
    status = plan(_STATUS, "d.id")
    pos = plan(_POS, "d.id")
    finished = f"({plan(_B, 'd.id')} < 890)"
    exprs = {
        "dossier_id": "d.id",
        "process_id": "p.process_id",
        "started_at": "d.received_at",
        "finished_at": f"CASE WHEN {finished} THEN {_ts(v, f'{received} + 864000')} END",
        "completed_at": f"CASE WHEN {finished} THEN {_ts(v, f'{received} + 864000')} END",
        "outcome": f"CASE WHEN NOT {finished} THEN '' WHEN d.id %% 10 < 6 THEN 'early' "
        "WHEN d.id %% 10 < 9 THEN 'on_time' ELSE 'late' END",
        "revision": f"{pos} * 2",
        "supplement_rounds": "CASE WHEN d.status = 'waiting_supplement' THEN 1 ELSE 0 END",
        "effective_due_at": "d.due_at",
        "deadline_at": "d.due_at",
    }
    source = "FROM dossiers_dossier d JOIN bench_proc p ON p.version_id = d.procedure_version_id"
    sql = insert_sql(DossierProcess, exprs, source)
    timings["processes"] = execute(sql, params, table="workflow_dossierprocess", analyze=True)

    # Step runs: one per step up to the dossier's last; the last is open unless finished.
    # Run j of k starts at reception + (j - 1) / k of the time since (finished: 1.5 days each).
    start = (
        f"(CASE WHEN {finished} THEN {received} + (s.position - 1) * 129600 "
        f"ELSE {received} - ({received} * (s.position - 1)) / {pos} END)"
    )
    is_open = f"(NOT {finished} AND s.position = {pos})"
    allotted = "CAST(s.allotted_days * 120960 AS INTEGER) + 3600"
    claimed = "(s.position = 2 AND d.id %% 10 < 7)"
    exprs = {
        "dossier_process_id": "dp.id",
        "step_id": "s.id",
        "status": f"CASE WHEN {is_open} THEN 'open' ELSE 'done' END",
        "role": "s.role",
        "unit_kind": "s.unit_kind",
        "unit_id": "CASE WHEN s.unit_kind = 'one_stop' THEN c.agency_id ELSE p.agency_id END",
        "center_id": "d.center_id",
        "dossier_status": "d.status",
        "dossier_deadline_at": "dp.deadline_at",
        "parallel": "FALSE",
        "assignee_id": f"CASE WHEN {claimed} THEN st.user_id END",
        "assigned_at": f"CASE WHEN {claimed} THEN {_ts(v, start)} END",
        "started_at": _ts(v, start),
        "due_at": _ts(v, f"{start} + {allotted}"),
        "effective_due_at": _ts(v, f"{start} + {allotted}"),
        "finished_at": f"CASE WHEN NOT {is_open} THEN {_ts(v, f'{start} + 86400')} END",
        "outcome": f"CASE WHEN {is_open} THEN '' ELSE 'on_time' END",
    }
    source = (
        "FROM workflow_dossierprocess dp JOIN dossiers_dossier d ON d.id = dp.dossier_id "
        "JOIN bench_proc p ON p.process_id = dp.process_id "
        "JOIN bench_center c ON c.center_id = d.center_id "
        f"JOIN workflow_processstep s ON s.process_id = dp.process_id AND s.position <= {pos} "
        f"LEFT JOIN bench_staff st ON st.agency_idx = p.idx AND st.k = (d.id / 7) %% {SPECIALISTS}"
    )
    sql = insert_sql(StepRun, exprs, source)
    timings["step runs"] = execute(sql, params, table="workflow_steprun", analyze=True)

    # Mẫu 02 of the dossiers waiting for the applicant, and their open pauses.
    exprs = {
        "dossier_id": "d.id",
        "kind": "'supplement'",
        "number": "'02/' || d.code",
        "issued_at": "r.started_at",
        "issued_by_id": "r.assignee_id",
        "content": '\'{"round": 1, "stage": "processing"}\'',
    }
    waiting_runs = (
        "FROM dossiers_dossier d JOIN workflow_dossierprocess dp ON dp.dossier_id = d.id "
        "JOIN workflow_steprun r ON r.dossier_process_id = dp.id AND r.status = 'open' "
        "WHERE d.status = 'waiting_supplement'"
    )
    sql = insert_sql(Notice, exprs, waiting_runs)
    timings["notices"] = execute(sql, params, table="dossiers_notice", analyze=True)
    exprs = {
        "dossier_id": "d.id",
        "kind": "'supplement'",
        "started_at": "r.started_at",
        "supplement_round": "1",
        "step_run_id": "r.id",
        "notice_id": "nt.id",
        "note": "'Thiếu giấy tờ'",
        "started_by_id": "r.assignee_id",
    }
    source = waiting_runs.replace(
        "WHERE", "JOIN dossiers_notice nt ON nt.dossier_id = d.id AND nt.kind = 'supplement' WHERE"
    )
    sql = insert_sql(Pause, exprs, source)
    timings["open pauses"] = execute(sql, params, table="workflow_pause")
    exprs = {
        "dossier_id": "d.id",
        "kind": "'supplement'",
        "started_at": _ts(v, f"{received} + 172800"),
        "ended_at": _ts(v, f"{received} + 345600"),
        "supplement_round": "1",
        "note": "'Đã bổ sung'",
    }
    source = f"FROM dossiers_dossier d WHERE {finished} AND d.id %% 20 = 0"
    sql = insert_sql(Pause, exprs, source)
    timings["closed pauses"] = execute(sql, params, table="workflow_pause", analyze=True)
    if pg:  # as autovacuum would have done by now: the small tables analyzed too (users,
        # centers…), and the visibility map set (index-only scans need it)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return timings


def _sqlite_now() -> str:
    """SQLite stores datetimes as UTC text (Django's format without the offset)."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _queries(user, token: str, client):
    from django.test import Client

    from motcua.workflow import runtime_selectors as selectors

    def page(qs):
        return qs.count(), list(qs[:50])

    def api():
        response = client.get("/api/v1/worklist", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content[:300]
        return response

    browser = Client(HTTP_HOST="localhost")
    browser.force_login(user)

    def worklist_page():
        response = browser.get("/xu-ly/")
        assert response.status_code == 200, response.content[:300]
        return response

    return {
        "to_do": lambda: page(selectors.to_do(user)),
        "due_soon": lambda: page(selectors.due_soon(user)),
        "overdue": lambda: page(selectors.overdue(user)),
        "waiting": lambda: page(selectors.waiting_for_applicant(user)),
        "agency_counts": lambda: selectors.agency_counts(user),
        "GET /api/v1/worklist": api,
        "GET /xu-ly/ (page)": worklist_page,
    }


def child(db: str, total: int, repeat: int, budget: float, reuse: bool = False) -> None:
    from bench.common import database_url, percentile

    os.environ["DATABASE_URL"] = database_url(db, DB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from motcua.dossiers.models import Dossier
    from motcua.workflow.models import Pause, StepRun

    call_command("migrate", verbosity=0)
    if reuse and Dossier.objects.exists():  # a database kept by --keep: time the queries only
        people, tokens = _people()
        timings, elapsed = {"kept": 0.0}, 0.0
    else:
        people, tokens = _setup()
        start = time.perf_counter()
        timings = _generate(total)
        elapsed = time.perf_counter() - start
    parts = ", ".join(f"{k} {s:.0f} s" for k, s in timings.items())
    print(f"[{db}] generated {Dossier.objects.count()} dossiers, "
          f"{StepRun.objects.count()} step runs ({StepRun.objects.filter(status='open').count()} "
          f"open), {Pause.objects.filter(ended_at__isnull=True).count()} open pauses "
          f"in {elapsed:.0f} s ({parts})")  # fmt: skip
    client = Client(HTTP_HOST="localhost")
    deadline = time.perf_counter() + budget
    print(f"[{db}] per user and query: count + first 50 rows, {repeat} runs after 2 warm-ups")
    print(f"[{db}] {'user':<18} {'query':<22} {'rows':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8}")  # fmt: skip
    missed = []
    for role, user in people.items():
        for name, run in _queries(user, tokens[role], client).items():
            result = run()
            run()
            rows = result[0] if isinstance(result, tuple) else (
                len(result) if isinstance(result, list) else "")  # fmt: skip
            samples = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                run()
                samples.append((time.perf_counter() - t0) * 1000)
                if time.perf_counter() > deadline and len(samples) >= 5:
                    break
            p95 = percentile(samples, 95)
            if p95 >= 100:
                missed.append(f"{role} {name}")
            print(f"[{db}] {role:<18} {name:<22} {rows!s:>7} {percentile(samples, 50):>8.1f} "
                  f"{p95:>8.1f} {percentile(samples, 99):>8.1f}")  # fmt: skip
    verdict = "all p95 < 100 ms" if not missed else "p95 ≥ 100 ms: " + "; ".join(missed)
    print(f"[{db}] {verdict}")
    connection.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench workflow_lists")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--budget", type=float, default=300, help="seconds of timing at most")
    parser.add_argument("--keep", action="store_true",
                        help="keep the bench database, and time the queries on it when it is "
                        "there (no new generation: for EXPLAIN and trying query changes)")  # fmt: skip
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_CHILD"):
        child(args.db, args.dossiers, args.repeat, args.budget, reuse=args.keep)
        return 0
    from bench.common import drop_database, postgres_available, run_in_child

    status = 0
    for db in ["sqlite", "postgres"] if args.db == "all" else [args.db]:
        if db == "postgres" and not postgres_available():
            print("[postgres] not reachable; skipped")
            continue
        extra = ["--dossiers", str(args.dossiers), "--repeat", str(args.repeat),
                 "--budget", str(args.budget), *(["--keep"] if args.keep else [])]  # fmt: skip
        try:
            status |= run_in_child("bench.workflow_lists", db, extra)
        finally:
            if not args.keep:
                drop_database(db, DB_NAME)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
