"""Full dossier lives per second through the service layer (issue 4).

`python -m bench dossier_life [--db sqlite|postgres|all] [--count N]`

One life: received at the counter (`dossiers.services.intake`, decision "receive", which starts
the default process) → at each of the process's steps the step's officer claims it and moves it
on: reception (forward) → specialist (forward) → head of division (approve) → leader (approve)
→ clerk (`record_result`: a small PDF for even lives, paper only for odd ones) → the counter
(`return_result`, collected in person). 13 service calls; 1 thread and 4 threads (each with its
own reception officer, the agency's staff shared). Prints lives/s and the SQL queries of one
life, per service call. The bench database is dropped at the end.
"""

import argparse
import os
import sys
from collections import Counter

DB_NAME = "motcua_bench_dossier_life"
# The smallest PDF the upload check accepts (content-sniffed), as a signed result stands for.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _staff(version):
    """The lead agency's specialist, head of division, leader and clerk."""
    from motcua.accounts.models import Role, User

    staff = {}
    for username, role in (("bench-cv", Role.SPECIALIST), ("bench-tp", Role.HEAD_OF_DIVISION),
                           ("bench-gd", Role.AGENCY_LEADER), ("bench-vt", Role.CLERK)):  # fmt: skip
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "agency": version.agency, "full_name": f"Cán bộ {username}"},
        )
        staff[role] = user
    return staff


def _life(n: int, version, center, officer, staff, components, calls: Counter | None = None):
    """One dossier from the counter to the counter; `calls` counts the SQL queries per call."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.fixtures import applicant
    from motcua.accounts.models import Role
    from motcua.dossiers.services import intake
    from motcua.workflow import runtime
    from motcua.workflow.models import StepRun

    def step(name, func, **kwargs):
        if calls is None:
            return func(**kwargs)
        with CaptureQueriesContext(connection) as captured:
            result = func(**kwargs)
        calls[name] += len(captured.captured_queries)
        calls[f"#{name}"] += 1
        return result

    def open_run(dossier):
        # What the officer's worklist gives them: the open run (not counted in the life).
        return StepRun.objects.select_related("dossier_process").get(
            dossier_process__dossier=dossier, status="open", parallel=False
        )

    dossier = step("intake (receive)", intake, version=version, center=center, officer=officer,
                   applicant=applicant(), components=components, decision="receive")  # fmt: skip
    moves = [
        ("reception", officer, "forward"),
        ("specialist", staff[Role.SPECIALIST], "forward"),
        ("head", staff[Role.HEAD_OF_DIVISION], "approve"),
        ("leader", staff[Role.AGENCY_LEADER], "approve"),
    ]
    for key, user, action in moves:
        step(f"claim ({key})", runtime.claim, step_run=open_run(dossier), user=user)
        step(f"{action} ({key})", runtime.forward, dossier=dossier, user=user,
             action_name=action)  # fmt: skip
    clerk = staff[Role.CLERK]
    step("claim (clerk)", runtime.claim, step_run=open_run(dossier), user=clerk)
    if n % 2 == 0:
        pdf = SimpleUploadedFile("ket-qua.pdf", PDF, "application/pdf")
        step("record_result (PDF)", runtime.record_result, dossier=dossier, user=clerk, file=pdf)
    else:
        step("record_result (paper)", runtime.record_result, dossier=dossier, user=clerk,
             paper_only=True)  # fmt: skip
    step("claim (return)", runtime.claim, step_run=open_run(dossier), user=officer)
    step("return_result", runtime.return_result, dossier=dossier, user=officer, method="counter",
         collected_by_name="Trần Văn Dân", id_checked=True)  # fmt: skip
    return dossier


def _rate(version, center, officers, staff, components, count: int, threads: int) -> float:
    from bench.common import timed_threads

    per = count // threads

    def work(i):
        for n in range(per):
            _life(n, version, center, officers[i], staff, components)

    return per * threads / timed_threads([lambda i=i: work(i) for i in range(threads)])


def child(db: str, count: int) -> None:
    from bench.common import database_url

    os.environ["DATABASE_URL"] = database_url(db, DB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.fixtures import intake_setup
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import ComponentInput

    call_command("migrate", verbosity=0)
    center, version, officers = intake_setup()
    staff = _staff(version)
    components = [ComponentInput(component_id=c.id) for c in version.components.all()]
    # Two lives with the queries counted (a PDF result and a paper one), after one to warm up.
    _life(0, version, center, officers[0], staff, components)
    calls: Counter = Counter()
    for n in (0, 1):
        _life(n, version, center, officers[0], staff, components, calls)
    total = sum(v for k, v in calls.items() if not k.startswith("#")) / 2
    print(f"[{db}] SQL queries per life: {total:.0f} (13 service calls); per call:")
    for name, queries in calls.items():
        if not name.startswith("#"):
            print(f"[{db}]   {name:<24} {queries / calls['#' + name]:>4.0f}")
    one = _rate(version, center, officers, staff, components, count, 1)
    print(f"[{db}] full lives, 1 thread:  {one:.1f} lives/s ({count} lives)")
    four = _rate(version, center, officers, staff, components, count, 4)
    print(f"[{db}] full lives, 4 threads: {four:.1f} lives/s ({count} lives)")
    returned = Dossier.objects.filter(status="returned").count()
    expected = 3 + count + count // 4 * 4
    print(f"[{db}] dossiers returned: {returned} (expected {expected})")
    connection.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dossier_life")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_CHILD"):
        child(args.db, args.count)
        return 0
    from bench.common import drop_database, run_on_databases

    return run_on_databases(
        "bench.dossier_life",
        args.db,
        ["--count", str(args.count)],
        cleanup=lambda db: drop_database(db, DB_NAME),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
