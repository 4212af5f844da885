"""Display boards: time from a call to its arrival on 50 connected boards, and server memory.

`python -m bench queue_display [--db sqlite|postgres|all] [--clients 50] [--calls 200]
[--soak 10000]`

uvicorn (1 worker, as `make run`) serves `GET /api/v1/queue/<center>/events` to `--clients`
Server-Sent Events clients (threads reading the raw stream with http.client). The benchmark
process makes the calls through the service layer (`call_next`, then `finish_service` to free
the counter), like officers at their counters:
- latency: `--calls` calls, 100 ms apart; for every client × call pair, the time from
  `call_next` returning (committed) to the client reading that call's event (by its SSE id).
  Target: p95 < 1 s. The streams poll the database every 0.3 s, so ~0.15 s is the floor.
- memory: then `--soak` calls as fast as the service layer goes, with all clients connected;
  the server's resident memory (VmRSS from /proc/<pid>/status) before, during and after, and
  the growth per call. Every client must have received every call (none lost).
"""

import argparse
import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time

CENTER = "can-tho"
CALL_ID = re.compile(rb"id: (\d+)\nevent: call\n")


def _setup(db: str) -> None:
    from bench.common import database_url

    os.environ["DATABASE_URL"] = database_url(db, "motcua_bench_queue_display")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _populate(n_tickets: int, n_counters: int = 10):
    """One center, two groups sharing the counters, n_tickets waiting (bulk, like queue_calls)."""
    from datetime import datetime, timedelta

    from django.db import transaction
    from django.utils import timezone

    from motcua.directory.models import AdministrativeUnit, Counter, ServiceCenter
    from motcua.queueing.models import ServiceGroup, Ticket, TicketEvent

    unit = AdministrativeUnit.objects.create(code="92", name="Thành phố Cần Thơ", kind="province")
    center = ServiceCenter.objects.create(
        code=CENTER, name="Trung tâm Phục vụ hành chính công", level="province", unit=unit
    )
    counters = [Counter.objects.create(center=center, number=n + 1) for n in range(n_counters)]
    groups = [
        ServiceGroup.objects.create(center=center, prefix="A", name="Tư pháp – Hộ tịch"),
        ServiceGroup.objects.create(center=center, prefix="B", name="Đất đai", position=1),
    ]
    for group in groups:
        group.counters.set(counters)
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    with transaction.atomic():
        tickets = Ticket.objects.bulk_create(
            [
                Ticket(
                    center=center,
                    group=groups[n % 2],
                    day=today,
                    number=n,
                    label=f"{groups[n % 2].prefix}{n:03d}",
                    issued_at=start + timedelta(seconds=n),
                )
                for n in range(1, n_tickets + 1)
            ],  # fmt: skip
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Client(threading.Thread):
    """One display board: reads the stream and notes when each call's id arrived."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.received: dict[int, float] = {}
        self.connected = threading.Event()
        self.stop = False
        self.error: BaseException | None = None
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        """Hang up, as a board that is switched off."""
        self.stop = True
        if self.conn is not None and self.conn.sock is not None:
            with contextlib.suppress(OSError):
                self.conn.sock.shutdown(socket.SHUT_RDWR)

    def run(self):
        try:
            conn = self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            conn.request("GET", f"/api/v1/queue/{CENTER}/events",
                         headers={"Accept": "text/event-stream"})  # fmt: skip
            response = conn.getresponse()
            assert response.status == 200, response.status
            buffer = b""
            while not self.stop:
                chunk = response.read1(65536)
                if not chunk:
                    break
                now = time.monotonic()
                if b"event: waiting" in chunk:
                    self.connected.set()
                buffer += chunk
                for match in CALL_ID.finditer(buffer):
                    self.received.setdefault(int(match.group(1)), now)
                # Keep only an unfinished message for the next read.
                cut = buffer.rfind(b"\n\n")
                if cut >= 0:
                    buffer = buffer[cut + 2 :]
            conn.close()
        except BaseException as exc:  # reported by the main thread
            if not self.stop:
                self.error = exc
            self.connected.set()


def _start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "motcua.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--log-level", "warning", "--lifespan", "off",
         "--timeout-graceful-shutdown", "3"],
        env=dict(os.environ, MOTCUA_HTTPS="0"),
    )  # fmt: skip
    deadline = time.time() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", f"/display/{CENTER}/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        if time.time() > deadline or server.poll() is not None:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.2)


def _call(counter):
    """One officer's call: call_next (the moment measured), then finish to free the counter."""
    from motcua.queueing.models import TicketEvent
    from motcua.queueing.services import call_next, finish_service

    ticket = call_next(counter=counter, officer=None)
    called_at = time.monotonic()
    event_id = (
        TicketEvent.objects.filter(ticket=ticket, action="called")
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    finish_service(ticket=ticket, officer=None)
    return event_id, called_at


def child(db: str, n_clients: int, n_calls: int, n_soak: int) -> None:
    from bench.common import percentile

    _setup(db)
    counters = _populate(n_calls + n_soak)
    port = _free_port()
    server = _start_server(port)
    clients = [Client(port) for _ in range(n_clients)]
    try:
        for client in clients:
            client.start()
        for client in clients:
            client.connected.wait(timeout=30)
        failed = [c.error for c in clients if c.error is not None or not c.connected.is_set()]
        if failed:
            raise RuntimeError(f"{len(failed)} clients could not connect: {failed[:3]}")
        rss_connected = _rss_kib(server.pid)
        print(
            f"[{db}] {n_clients} SSE clients connected; server RSS {rss_connected / 1024:.1f} MiB"
        )

        # Latency: calls spaced like a busy hall, measured per client × call.
        sent: dict[int, float] = {}
        for i in range(n_calls):
            event_id, called_at = _call(counters[i % len(counters)])
            sent[event_id] = called_at
            time.sleep(0.1)
        _wait_for(clients, max(sent), timeout=10)
        latencies, missing = [], 0
        for client in clients:
            for event_id, called_at in sent.items():
                if event_id in client.received:
                    latencies.append(client.received[event_id] - called_at)
                else:
                    missing += 1
        ms = sorted(v * 1000 for v in latencies)
        p95 = percentile(ms, 95)
        print(
            f"[{db}] call → board, {n_calls} calls × {n_clients} clients ({len(ms)} pairs): "
            f"p50={percentile(ms, 50):.0f} ms p95={p95:.0f} ms p99={percentile(ms, 99):.0f} ms "
            f"max={ms[-1]:.0f} ms; missing={missing}; target p95 < 1000 ms: "
            f"{'met' if p95 < 1000 and not missing else 'NOT MET'}"
        )

        # Memory: many calls with every client connected.
        rss_before = _rss_kib(server.pid)
        marks = [rss_before]
        started = time.perf_counter()
        last_id = 0
        for i in range(n_soak):
            last_id, _ = _call(counters[i % len(counters)])
            if (i + 1) % max(1, n_soak // 4) == 0:
                marks.append(_rss_kib(server.pid))
        elapsed = time.perf_counter() - started
        _wait_for(clients, last_id, timeout=120)
        time.sleep(2)
        rss_after = _rss_kib(server.pid)
        complete = sum(1 for c in clients if len(c.received) >= n_calls + n_soak)
        growth = (rss_after - rss_before) * 1024 / max(n_soak, 1)
        print(
            f"[{db}] {n_soak} calls in {elapsed:.1f} s ({n_soak / elapsed:.0f} calls/s, call + "
            f"finish); clients that received every call: {complete}/{n_clients}"
        )
        print(
            f"[{db}] server RSS: before {rss_before / 1024:.1f} MiB, during "
            + ", ".join(f"{m / 1024:.1f}" for m in marks[1:])
            + f" MiB, after {rss_after / 1024:.1f} MiB; growth {growth:.0f} bytes per call"
        )
    finally:
        for client in clients:
            client.close()
        for client in clients:
            client.join(timeout=5)
        time.sleep(0.5)  # the server notices the disconnects and ends the streams
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(clients, event_id: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(event_id in c.received for c in clients):
            return
        time.sleep(0.1)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench queue_display")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--soak", type=int, default=10_000)
    args = parser.parse_args(argv)
    if os.environ.get("BENCH_CHILD"):
        child(args.db, args.clients, args.calls, args.soak)
        return 0
    from bench.common import postgres_available, run_in_child

    dbs = ["sqlite", "postgres"] if args.db == "all" else [args.db]
    status = 0
    extra = ["--clients", str(args.clients), "--calls", str(args.calls), "--soak", str(args.soak)]
    for db in dbs:
        if db == "postgres" and not postgres_available():
            print("[postgres] not reachable at BENCH_PG_URL; skipped")
            continue
        status |= run_in_child("bench.queue_display", db, extra)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
