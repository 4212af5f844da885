"""Decision 766 figures over one province-year of 10,000,000 dossiers (PostgreSQL).

`python -m bench kpi [--dossiers N] [--runs N] [--keep] [--reuse] [--explain] [--facts]`
Generates N fact rows (`reports.DossierRecord`) for 2025 with one INSERT … SELECT
generate_series (indexes dropped during the load and rebuilt after) and the summary counts
(`services.rebuild_counts`), then times
`reports.selectors.kpi_figures` — the function behind `/api/v1/reports/kpi` — for the
province-year, one agency-month, one center-quarter and one procedure-year: the first call on a
new connection ("cold": PostgreSQL's buffers hold other data, the OS page cache may not) and
`--runs` calls in a row ("warm"); `--facts` times the straight query over the fact rows too
(`from_counts=False`, the selector before the summary counts). Targets: province-year < 2 s,
agency-month < 200 ms.

The rows are bench rows of imported dossiers (`imported=True`, `dossier=NULL`, as the history
import writes them): the figures read only the fact rows, never `dossiers_dossier`.
Spread: 30 agencies (one of them the communes' people's committees), 1,400 procedures with a
skewed popularity (a quarter of them commune procedures), 3 province centers + 80 commune
centers, channels counter / online / postal 40 / 55 / 5, early / on time / late 60 / 30 / 10,
refusals 3 %, withdrawals 1 %, supplement requests, apologies, fees, payments, digitization,
ratings; the state as of 10/1/2026, so the dossiers of late December are still in progress
(a fifth case, January 2026 judged on 10/1/2026, is a period not over yet).

The database `motcua_bench_kpi` is dropped at the end unless `--keep`; `--reuse` skips the
generation and times a kept database again.
"""

import argparse
import os
import sys
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

N_AGENCIES = 30
N_PROCEDURES = 1400
N_COMMUNES = 80
DB_NAME = os.environ.get("BENCH_KPI_DB", "motcua_bench_kpi")
NOW = datetime(2026, 1, 10, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # the state of the rows

# One dossier per row n; r1…r9 are independent uniform numbers of the row.
ROWS_SQL = """
WITH days AS (
  SELECT array_agg(d::date ORDER BY d) AS a, count(*) AS k
  FROM generate_series(DATE '2025-01-01', DATE '2025-12-31', INTERVAL '1 day') d
  WHERE extract(isodow FROM d) < 7            -- Monday to Saturday
), src AS (
  SELECT n, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
         random() r7, random() r8, random() r9, random() r10, random() r11, random() r12,
         1 + floor(%(procedures)s * power(random(), 3))::int AS p,   -- skewed popularity
         days.a[1 + floor((n - 1)::float8 * days.k / %(total)s)::int] AS day
  FROM generate_series(1, %(total)s) n, days
), d1 AS (
  SELECT src.*,
    (day + TIME '07:30' + r1 * INTERVAL '9 hours') AT TIME ZONE 'Asia/Ho_Chi_Minh' AS rec,
    (%(limits)s::int[])[p] AS lim,
    (p %% 4 = 1) AS commune,
    CASE WHEN r2 < 0.40 THEN 'counter' WHEN r2 < 0.95 THEN 'online' ELSE 'postal' END AS ch,
    CASE WHEN r3 < 0.60 THEN 'early' WHEN r3 < 0.90 THEN 'on_time' ELSE 'late' END AS oc,
    CASE WHEN r4 < 0.03 THEN 'refused' WHEN r4 < 0.04 THEN 'withdrawn' ELSE 'result' END AS ek,
    CASE WHEN r5 < 0.88 THEN 0 WHEN r5 < 0.98 THEN 1 ELSE 2 END AS rounds
  FROM src
), d2 AS (
  SELECT d1.*,
    -- working days as calendar days (x 7/5), the appointment at 17:00
    rec + (lim * 1.4) * INTERVAL '1 day' AS due,
    CASE WHEN r9 < 0.005 THEN NULL   -- stalled: never finished
         ELSE rec + (lim * 1.4 * CASE oc WHEN 'early' THEN 0.2 + 0.75 * r6
                                         WHEN 'on_time' THEN 0.95 + 0.05 * r6
                                         ELSE 1.05 + 0.8 * r6 END + 0.05) * INTERVAL '1 day'
    END AS fin,
    CASE WHEN commune THEN 1 + floor(r7 * %(communes)s)::int   -- a commune center
         WHEN r7 < 0.6 THEN %(communes)s + 1 WHEN r7 < 0.85 THEN %(communes)s + 2
         ELSE %(communes)s + 3 END AS c
  FROM d1
), d3 AS (
  SELECT d2.*, CASE WHEN fin > TIMESTAMPTZ '2026-01-10 00:00+07' THEN NULL ELSE fin END AS ended,
    (oc = 'late' AND r8 < 0.3) AS apology
  FROM d2
)
INSERT INTO reports_dossierrecord ({columns})
SELECT {values} FROM d3
"""

VALUES = {
    "dossier_id": "NULL",
    "code": "'B-' || lpad(n::text, 9, '0')",
    "center_id": "(%(centers)s::int[])[c]",
    "unit_id": "(%(units)s::int[])[c]",
    "agency_id": "(%(agencies)s::int[])[p]",
    "receiving_agency_id": "(%(receivers)s::int[])[c]",
    "field_id": "(%(fields)s::int[])[p]",
    "procedure_id": "(%(procs)s::int[])[p]",
    "channel": "ch",
    "status": "CASE WHEN ended IS NULL THEN 'in_progress' WHEN ek = 'result' THEN 'returned' "
    "ELSE ek END",
    "received_at": "rec",
    "due_at": "due",
    "new_due_at": "CASE WHEN apology THEN due + INTERVAL '5 days' END",
    "ended_at": "ended",
    "end_kind": "CASE WHEN ended IS NULL THEN '' ELSE ek END",
    "outcome": "CASE WHEN ended IS NULL THEN '' ELSE oc END",
    "renewed_kept": "CASE WHEN ended IS NOT NULL AND apology THEN r6 < 0.5 END",
    "on_time_until": "CASE WHEN rounds = 0 OR r8 > 0.2 THEN due + rounds * INTERVAL '2 days' END",
    "late_from": "CASE WHEN rounds = 2 THEN rec + INTERVAL '3 days' "
    "WHEN apology THEN due - INTERVAL '1 day' END",
    "supplement_rounds": "rounds",
    "returned_at": "CASE WHEN ended IS NOT NULL AND ek = 'result' AND r8 < 0.85 "
    "THEN ended + r9 * INTERVAL '4 days' END",
    "has_result": "ended IS NOT NULL AND ek = 'result'",
    "result_electronic": "ended IS NOT NULL AND ek = 'result' AND r6 < 0.7",
    "components_digitized": "r10 < 0.65",
    "data_reused": "r11 < 0.3",
    "fee_total": "CASE WHEN r9 < 0.4 THEN 50000 * (1 + (p %% 6)) ELSE 0 END",
    "paid_online": "r9 < 0.4 AND ch = 'online' AND r5 < 0.7",
    "dissatisfied": "r12 < 0.015",
    "resolution_days": "CASE WHEN ended IS NOT NULL AND ek <> 'withdrawn' "
    "THEN round((extract(epoch FROM ended - rec) / 86400 / 1.4)::numeric, 4) END",
    "d61_time": "CASE WHEN ended IS NOT NULL THEN CASE oc WHEN 'early' THEN 2 "
    "WHEN 'on_time' THEN 1 ELSE 0 END END",
    "d61_agency_time": "CASE WHEN ended IS NOT NULL THEN CASE oc WHEN 'late' THEN 0 "
    "ELSE 1 + (r6 < 0.5)::int END END",
    "d61_contacts": "CASE WHEN ended IS NOT NULL THEN 2 - least(rounds, 2) END",
    "imported": "true",
    "updated_at": "now()",
}


def _directory():
    """Units, agencies, centers, fields and procedures (with a version in force) by ORM."""
    from motcua.catalog.models import Field, OnlineLevel, Procedure, ProcedureVersion
    from motcua.directory.models import AdministrativeUnit, Agency, ServiceCenter

    province = AdministrativeUnit.objects.create(code="92", name="Thành phố Cần Thơ",
                                                 kind="province")  # fmt: skip
    communes = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(code=f"9{i:04d}", name=f"Xã {i}", kind="commune", parent=province)
        for i in range(1, N_COMMUNES + 1)
    )
    agencies = Agency.objects.bulk_create(
        [Agency(code="000.00.00.H13", name="UBND cấp xã", level="commune", unit=province)]
        + [
            Agency(code=f"000.00.{i:02d}.H13", name=f"Sở {i}", level="province", unit=province)
            for i in range(1, N_AGENCIES)
        ]
    )
    receivers = Agency.objects.bulk_create(
        Agency(code=f"000.{i:02d}.99.H13", name=f"Bộ phận một cửa {i}", level="commune",
               kind="service_center", unit=u)
        for i, u in enumerate([*communes, province, province, province], start=1)
    )  # fmt: skip
    units = [*communes, province, province, province]
    centers = ServiceCenter.objects.bulk_create(
        ServiceCenter(
            code=f"center-{i}", name=f"Trung tâm {i}", unit=u, agency=a,
            level="commune" if i <= N_COMMUNES else "province",
        )
        for i, (u, a) in enumerate(zip(units, receivers, strict=True), start=1)
    )  # fmt: skip
    for c in centers[:N_COMMUNES]:
        c.agencies.add(agencies[0])
    for c in centers[N_COMMUNES:]:
        c.agencies.add(*agencies[1:])
    fields = Field.objects.bulk_create(Field(name=f"Lĩnh vực {i}", slug=f"f{i}") for i in range(60))
    procs = Procedure.objects.bulk_create(
        Procedure(code=f"1.{i:06d}") for i in range(1, N_PROCEDURES + 1)
    )
    agency_of, field_of, limits = [], [], []
    versions = []
    levels = [OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE]
    for i, proc in enumerate(procs, start=1):
        agency = agencies[0] if i % 4 == 1 else agencies[1 + i % (N_AGENCIES - 1)]
        agency_of.append(agency.pk)
        field_of.append(fields[i % len(fields)].pk)
        limits.append([1, 3, 5, 7, 10, 15, 20][i % 7])
        versions.append(ProcedureVersion(
            procedure=proc, number=1, effective_from=date(2024, 1, 1), name=f"Thủ tục {i}",
            field_id=field_of[-1], agency=agency, level=agency.level,
            time_limit_days=limits[-1], online_level=levels[i % 3],
        ))  # fmt: skip
    ProcedureVersion.objects.bulk_create(versions)
    return {
        "procs": [p.pk for p in procs], "agencies": agency_of, "fields": field_of,
        "limits": limits, "centers": [c.pk for c in centers], "units": [u.pk for u in units],
        "receivers": [a.pk for a in receivers], "procedures": N_PROCEDURES,
        "communes": N_COMMUNES,
    }  # fmt: skip


def _populate(total: int) -> float:
    """Insert the rows with the table's indexes dropped, then rebuild them (faster)."""
    from django.db import connection

    from motcua.reports.models import DossierRecord

    params = {**_directory(), "total": total}
    columns = [f.column for f in DossierRecord._meta.concrete_fields if f.column != "id"]
    missing = set(columns) - set(VALUES)
    assert not missing, f"bench/kpi.py: no generator for {sorted(missing)}"
    sql = ROWS_SQL.format(columns=", ".join(columns), values=", ".join(VALUES[c] for c in columns))
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reports_dossierrecord' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # The ids come from the rows just created: skip the per-row foreign-key triggers
        # (deferred, they would queue 60 M checks until the commit).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(0.766)")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")
        print(f"  rows inserted in {time.perf_counter() - start:.0f} s", flush=True)
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        print(f"  indexes rebuilt at {time.perf_counter() - start:.0f} s", flush=True)
        cursor.execute("VACUUM ANALYZE reports_dossierrecord")
    return time.perf_counter() - start


def _sizes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relkind, pg_relation_size(c.oid), c.reltuples::bigint "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND (c.relname LIKE 'reports_%%' OR c.relname LIKE 'record_%%'"
            " OR c.relname LIKE 'kpi%%') AND c.relkind IN ('r', 'i') ORDER BY c.relkind DESC, 3 DESC"
        )
        for name, kind, size, rows in cursor.fetchall():
            if size > 64 * 1024:
                what = "table" if kind == "r" else "index"
                print(f"  {what:5} {name:45} {size / 2**20:9.1f} MB  ~{max(rows, 0):,} rows")


def _cases():
    from motcua.catalog.models import Procedure
    from motcua.directory.models import ServiceCenter
    from motcua.reports.selectors import Scope, period_of

    # The largest scopes of their kind (popularity falls with the procedure number): the
    # department of 1.000002, the main province center, the busiest procedure (a commune one).
    second = Procedure.objects.get(code="1.000002").versions.get()
    center = ServiceCenter.objects.get(code=f"center-{N_COMMUNES + 1}")
    procedure = Procedure.objects.get(code="1.000001")
    return [
        ("province-year 2025", period_of(date(2025, 1, 1), date(2025, 12, 31)), Scope()),
        ("agency-month 06/2025", period_of(date(2025, 6, 1), date(2025, 6, 30)),
         Scope(agency=second.agency_id)),
        ("center-quarter Q2/2025", period_of(date(2025, 4, 1), date(2025, 6, 30)),
         Scope(center=center.pk)),
        ("procedure-year 2025", period_of(date(2025, 1, 1), date(2025, 12, 31)),
         Scope(procedure=procedure.pk)),
        # A period not over, judged "now" (the data's now, 10/1/2026): the overdue count is
        # read from the unfinished rows.
        ("province-month 01/2026 *", period_of(date(2026, 1, 1), date(2026, 1, 31), now=NOW),
         Scope()),
        ("agency-month 01/2026 *", period_of(date(2026, 1, 1), date(2026, 1, 31), now=NOW),
         Scope(agency=second.agency_id)),
    ]  # fmt: skip


def _explain(p, scope, from_counts: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.reports.selectors import kpi_figures

    with CaptureQueriesContext(connection) as queries:
        kpi_figures(p, scope, from_counts=from_counts)
    for q in queries.captured_queries:
        if "reports_" not in q["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            print("\n".join("    " + r[0] for r in cursor.fetchall()))


def _time(cases, runs: int, explain: bool, from_counts: bool) -> None:
    from django.db import connection

    from bench.common import percentile
    from motcua.reports.selectors import kpi_figures

    for name, p, scope in cases:
        cold = []
        for _ in range(3):
            connection.close()
            connection.close_pool()  # a new server process: no cached plans or catalog
            start = time.perf_counter()
            kpi_figures(p, scope, from_counts=from_counts)
            cold.append(time.perf_counter() - start)
        warm = []
        for _ in range(runs):
            start = time.perf_counter()
            k = kpi_figures(p, scope, from_counts=from_counts)
            warm.append(time.perf_counter() - start)
        ms = [v * 1000 for v in warm]
        print(
            f"  {name:24} cold {min(cold) * 1000:8.1f} … {max(cold) * 1000:8.1f} ms | warm "
            f"p50 {percentile(ms, 50):8.1f} ms p95 {percentile(ms, 95):8.1f} ms (n={runs})"
        )
        f = k.figures
        c = k.counts
        print(
            f"    received {c['received']:,} (new {c['received_new']:,}, carried over "
            f"{c['carried_over']:,}), in progress on time {c['in_progress_on_time']:,} / overdue "
            f"{c['in_progress_overdue']:,}; 2.1 on time {_pct(f['on_time_rate'])}, 3.3 online "
            f"{_pct(f['online_rate'])}, 3.6 {_pct(f['online_payment_rate'])}, 4.1 "
            f"{_pct(f['electronic_result_rate'])}, 4.2 {_pct(f['digitization_rate'])}, 4.3 "
            f"{_pct(f['data_reuse_rate'])}, 5.4 {_pct(f['satisfaction_rate'])}, average "
            f"{_num(f['average_resolution_days'])} days, 3.1 {_pct(k.procedures_online)}",
            flush=True,
        )
        if explain:
            _explain(p, scope, from_counts)


def _writes(n: int = 400) -> None:
    """The write path: a fact of a row changes (its rating), written as before (the row only,
    `update_or_create`) and through `services.put_record` (the row and its counts), each in its
    own transaction, on rows spread over the year."""
    from django.db import transaction

    from bench.common import summary_ms
    from motcua.reports import counts
    from motcua.reports.models import DossierRecord
    from motcua.reports.services import put_record

    step = max(1, DossierRecord.objects.count() // n)
    codes = [f"B-{i:09d}" for i in range(1, step * n, step)]
    columns = [f.attname for f in DossierRecord._meta.concrete_fields if f.attname != "id"]
    rows = list(DossierRecord.objects.filter(code__in=codes).values(*columns))
    timings = {"row only (update_or_create)": [], "row + counts (put_record)": []}
    for row in rows:
        for name, write in (
            ("row only (update_or_create)",
             lambda v: DossierRecord.objects.update_or_create(code=v["code"], defaults=v)),
            ("row + counts (put_record)", lambda v: put_record(values=v)),
        ):  # fmt: skip
            for _ in range(2):  # flipped and back: the rows and counts are left as found
                row["dissatisfied"] = not row["dissatisfied"]
                start = time.perf_counter()
                with transaction.atomic():
                    write(dict(row))
                timings[name].append(time.perf_counter() - start)
    print(f"[postgres] writing a changed fact row ({len(rows)} rows, {len(counts.GRAINS)} grains):")
    for name, values in timings.items():
        print(f"  {name:28} {summary_ms(values)}")


def _refreshes(n: int = 150) -> None:
    """`refresh_record` on real dossiers (received by `dossiers.services.intake`), as before
    the summary counts (the same facts, then `update_or_create` of the row) and now: the facts
    unchanged (most runtime actions), and the row created (the receipt)."""
    from django.db import transaction

    from bench.common import summary_ms
    from bench.fixtures import applicant, intake_setup
    from motcua.dossiers.services import ComponentInput, intake
    from motcua.reports import services
    from motcua.reports.models import DossierRecord

    center, version, officers = intake_setup()
    components = [ComponentInput(component_id=c.id) for c in version.components.all()]
    dossiers = [
        intake(version=version, center=center, officer=officers[0], applicant=applicant(),
               components=components, decision="receive")
        for _ in range(n)
    ]  # fmt: skip

    def before(dossier):  # refresh_record as it was: the facts, then the row alone
        dossier = (
            type(dossier).objects.select_related("procedure_version", "center").get(pk=dossier.pk)
        )
        v = dossier.procedure_version
        values = services.record_values(services._facts(dossier))
        values.update(
            code=dossier.code, center_id=dossier.center_id, unit_id=dossier.center.unit_id,
            agency_id=v.agency_id, receiving_agency_id=dossier.receiving_agency_id,
            field_id=v.field_id, procedure_id=v.procedure_id, status=dossier.status,
        )  # fmt: skip
        DossierRecord.objects.update_or_create(dossier=dossier, defaults=values)

    def now(dossier):
        services.refresh_record(dossier=dossier)

    timings: dict[str, list[float]] = {}
    for case in ("facts unchanged", "row created"):
        for name, refresh, drop in (
            ("before", before, lambda d: DossierRecord.objects.filter(dossier=d).delete()),
            ("now", now, lambda d: services.delete_records(
                records=DossierRecord.objects.filter(dossier=d))),
        ):  # fmt: skip
            out = timings.setdefault(f"{case:15} {name:6}", [])
            for dossier in dossiers:
                with transaction.atomic():
                    if case == "row created":  # each path removes the row its own way
                        drop(dossier)
                    start = time.perf_counter()
                    refresh(dossier)
                    out.append(time.perf_counter() - start)
    print(f"[postgres] refresh_record of {n} received dossiers (each in its own transaction):")
    for name, values in timings.items():
        print(f"  {name} {summary_ms(values)}")


def _pct(figure) -> str:
    return "—" if figure.value is None else f"{float(figure.value) * 100:.2f} %"


def _num(figure) -> str:
    return "—" if figure.value is None else f"{float(figure.value):.2f}"


def _rebuild_counts() -> None:
    from motcua.reports.models import KpiCount
    from motcua.reports.services import rebuild_counts

    start = time.perf_counter()
    rebuild_counts()
    n = KpiCount.objects.count()
    print(f"[postgres] summary counts rebuilt from the rows in {time.perf_counter() - start:.0f} s "
          f"({n:,} rows: days, months, years)", flush=True)  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_kpicount")


def child(total: int, runs: int, keep: bool, reuse: bool, explain: bool, facts: bool) -> None:
    from bench.common import PG_ADMIN_URL, database_url

    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"
    os.environ["DATABASE_URL"] = url if reuse else database_url("postgres", DB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from motcua.reports.models import DossierRecord

    try:
        if not reuse:
            call_command("migrate", verbosity=0)
            print(f"[postgres] generating {total:,} fact rows …", flush=True)
            elapsed = _populate(total)
            print(f"[postgres] generated {DossierRecord.objects.count():,} rows in {elapsed:.0f} s")
            _rebuild_counts()
        else:
            from motcua.reports.models import KpiCount

            call_command("migrate", verbosity=0)
            if not KpiCount.objects.exists():
                _rebuild_counts()
        print("[postgres] sizes:")
        _sizes()
        print("[postgres] reports.selectors.kpi_figures (from the summary counts):")
        _time(_cases(), runs, explain, from_counts=True)
        _writes()
        _refreshes()
        if facts:
            print("[postgres] the same, straight from the fact rows (from_counts=False):")
            _time(_cases(), runs, explain, from_counts=False)
    finally:
        from django.db import connection

        connection.close()
        connection.close_pool()
        if not keep:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            print(f"[postgres] dropped {DB_NAME}")
        else:
            print(f"[postgres] kept {DB_NAME} (rerun with --reuse; drop with --drop)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench kpi")
    parser.add_argument("--db", choices=["postgres"], default="postgres")
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="time a kept database again")
    parser.add_argument("--drop", action="store_true", help="drop a kept database and stop")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query")
    parser.add_argument(
        "--facts", action="store_true", help="also time the straight query over the fact rows"
    )
    args = parser.parse_args(argv)
    from bench.common import PG_ADMIN_URL, postgres_available, run_in_child

    if not postgres_available():
        print("[postgres] not reachable; skipped")
        return 0
    if args.drop:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        return 0
    if os.environ.get("BENCH_CHILD"):
        child(args.dossiers, args.runs, args.keep or args.reuse, args.reuse, args.explain,
              args.facts)  # fmt: skip
        return 0
    extra = ["--dossiers", str(args.dossiers), "--runs", str(args.runs)]
    extra += [f"--{f}" for f in ("keep", "reuse", "explain", "facts") if getattr(args, f)]
    return run_in_child("bench.kpi", "postgres", extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
