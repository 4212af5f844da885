"""Concurrent counters calling: 30 counters (threads) against 10,000 waiting tickets.

`python -m bench queue_calls [--db sqlite|postgres|all] [--tickets N] [--counters N]`

Every counter serves the same group (the worst case: all compete for the head of one queue);
one ticket in ten is a priority ticket. Each thread loops `call_next` + `finish_service` (two
transactions, as at a real counter) until nobody waits. Afterwards the database is checked:
- zero double calls: every ticket has exactly one "called" event, at one counter;
- zero skipped tickets: every ticket is finished, none is left waiting;
- order: how far a call came out of strict queue order (priority, then arrival), which
  concurrency allows within the number of counters calling at once.
Reports calls per second (call + finish) and call_next latency. On SQLite every write is
serialized; a writer that waits longer than the connection's timeout (20 s) gets "database is
locked": the benchmark counts these and retries, as an officer would press the button again.
"""

import argparse
import gc
import os
import sys
import threading
import time


def _setup(db: str, counters: int) -> None:
    from bench.common import database_url

    os.environ["DATABASE_URL"] = database_url(db, "motcua_bench_queue")
    # Every thread holds a connection while it works: the pool must fit them all.
    os.environ["MOTCUA_DB_POOL_MAX"] = str(counters + 5)
    os.environ["MOTCUA_DB_POOL_MIN"] = str(min(counters, 10))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _populate(n_tickets: int, n_counters: int):
    from datetime import datetime, timedelta

    from django.db import transaction
    from django.utils import timezone

    from motcua.directory.models import AdministrativeUnit, Counter, ServiceCenter
    from motcua.queueing.models import ServiceGroup, Ticket, TicketEvent

    unit = AdministrativeUnit.objects.create(code="92", name="Thành phố Cần Thơ", kind="province")
    center = ServiceCenter.objects.create(
        code="can-tho", name="Trung tâm Phục vụ hành chính công", level="province", unit=unit
    )
    counters = [Counter.objects.create(center=center, number=n + 1) for n in range(n_counters)]
    group = ServiceGroup.objects.create(center=center, prefix="A", name="Tư pháp")
    group.counters.set(counters)
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time())) + timedelta(hours=7)
    with transaction.atomic():
        tickets = Ticket.objects.bulk_create(
            [
                Ticket(
                    center=center,
                    group=group,
                    day=today,
                    number=n,
                    label=f"A{n:03d}",
                    priority_rank=1 if n % 10 == 0 else 100,
                    issued_at=start + timedelta(seconds=n),
                )  # fmt: skip
                for n in range(1, n_tickets + 1)
            ],
            batch_size=1000,
        )
        TicketEvent.objects.bulk_create(
            [
                TicketEvent(ticket=t, center=center, at=t.issued_at, action="issued")
                for t in tickets
            ],
            batch_size=1000,
        )
    return counters


def _retrying(action, counts: dict):
    """Run `action`; on SQLite's "database is locked" (a writer waited longer than the
    connection timeout) count it and try again, as the officer would press again. The
    service's transaction was rolled back, so a retry is safe."""
    from django.db import OperationalError

    while True:
        try:
            return action()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            counts["lock_timeouts"] += 1


def _run(counters):
    from django.db import connection

    from motcua.queueing.services import call_next, finish_service

    calls: list[tuple[int, int]] = []  # (ticket id, counter id), as the threads saw them
    latencies: list[float] = []
    errors: list[BaseException] = []
    counts = {"lock_timeouts": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(len(counters) + 1)

    def counter_loop(counter) -> None:
        mine: list[tuple[int, int]] = []
        mine_lat: list[float] = []
        try:
            barrier.wait()
            while True:
                t0 = time.perf_counter()
                ticket = _retrying(lambda: call_next(counter=counter, officer=None), counts)
                mine_lat.append(time.perf_counter() - t0)
                if ticket is None:
                    break
                mine.append((ticket.pk, counter.pk))
                _retrying(lambda t=ticket: finish_service(ticket=t, officer=None), counts)
        except BaseException as exc:
            errors.append(exc)
        finally:
            with lock:
                calls.extend(mine)
                latencies.extend(mine_lat)
            connection.close()

    threads = [threading.Thread(target=counter_loop, args=(c,)) for c in counters]
    # CPython's cyclic GC may collect, in one thread, a cursor of another thread's SQLite
    # connection; finalizing it takes that connection's mutex while holding the GIL, and the
    # owner may be inside sqlite3_step waiting for the write lock this thread holds: each
    # waits for the other until the 20 s busy timeout. No collection while counters work.
    gc.disable()
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    gc.enable()
    gc.collect()
    return calls, latencies, errors, elapsed, counts["lock_timeouts"]


def _verify(n_tickets: int, calls: list[tuple[int, int]]) -> dict:
    from django.db.models import Count

    from motcua.queueing.models import Ticket, TicketEvent

    called = TicketEvent.objects.filter(action="called")
    per_ticket = called.values("ticket").annotate(
        n=Count("id"), counters=Count("counter", distinct=True)
    )
    double = sum(1 for row in per_ticket if row["n"] != 1 or row["counters"] != 1)
    status = dict(Ticket.objects.values_list("status").annotate(n=Count("id")))
    never_called = Ticket.objects.exclude(pk__in=called.values("ticket")).count()
    # Queue order: the position of each call (event id order) against the ticket's rank.
    rank = {
        pk: i
        for i, pk in enumerate(
            Ticket.objects.order_by("priority_rank", "issued_at", "id").values_list("id", flat=True)
        )
    }
    order = [rank[t] for t in called.order_by("id").values_list("ticket_id", flat=True)]
    out_of_order = max((abs(r - i) for i, r in enumerate(order)), default=0)
    return {
        "thread_calls": len(calls),
        "thread_distinct": len({t for t, _ in calls}),
        "double_calls": double,
        "skipped": never_called + status.get("waiting", 0),
        "finished": status.get("finished", 0),
        "out_of_order": out_of_order,
        "expected": n_tickets,
    }


def child(db: str, n_tickets: int, n_counters: int) -> int:
    from bench.common import summary_ms

    _setup(db, n_counters)
    from django.db import connection

    t0 = time.perf_counter()
    counters = _populate(n_tickets, n_counters)
    print(f"[{db}] {n_tickets} waiting tickets, {n_counters} counters on one group "
          f"(set up in {time.perf_counter() - t0:.1f} s)")  # fmt: skip
    connection.close()
    calls, latencies, errors, elapsed, lock_timeouts = _run(counters)
    if errors:
        print(f"[{db}] ERRORS in {len(errors)} counters: {errors[:3]!r}")
    v = _verify(n_tickets, calls)
    ok = (
        not errors and v["double_calls"] == 0 and v["skipped"] == 0
        and v["finished"] == n_tickets and v["thread_calls"] == v["thread_distinct"] == n_tickets
    )  # fmt: skip
    print(f"[{db}] {v['thread_calls']} calls in {elapsed:.1f} s: "
          f"{v['thread_calls'] / elapsed:.0f} calls/s (call_next + finish_service)")  # fmt: skip
    print(f"[{db}] double calls: {v['double_calls']}, skipped tickets: {v['skipped']}, "
          f"finished: {v['finished']}/{n_tickets}, "
          f"max distance from strict queue order: {v['out_of_order']}")  # fmt: skip
    print(f"[{db}] call_next latency (with retries): {summary_ms(latencies)}")
    if db == "sqlite":
        print(f"[{db}] writers that waited past the 20 s lock timeout and retried: {lock_timeouts}")
    print(f"[{db}] {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench queue_calls")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--counters", type=int, default=30)
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_CHILD"):
        return child(args.db, args.tickets, args.counters)
    from bench.common import postgres_available, run_in_child

    dbs = ["sqlite", "postgres"] if args.db == "all" else [args.db]
    status = 0
    extra = ["--tickets", str(args.tickets), "--counters", str(args.counters)]
    for db in dbs:
        if db == "postgres" and not postgres_available():
            print("[postgres] not reachable at BENCH_PG_URL; skipped")
            continue
        status |= run_in_child("bench.queue_calls", db, extra)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
