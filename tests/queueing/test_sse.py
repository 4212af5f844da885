"""The display board's event stream (sse.py) and `GET /api/v1/queue/{center}/events`."""

import asyncio
import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test import AsyncClient
from django.utils import timezone

from motcua.queueing import selectors, sse
from motcua.queueing.services import call_next, finish_service, issue_ticket, recall
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def group(center):
    return factories.service_group(center, prefix="A", name="Tư pháp", counters=2)


def url(center):
    return f"/api/v1/queue/{center.code}/events"


def parse(text: str) -> list[dict]:
    """SSE messages as dicts (id, event, data); comments and retry kept under their names."""
    messages = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        message: dict = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                message["comment"] = line[1:].strip()
                continue
            field, _, value = line.partition(": ")
            if field == "data" and "data" in message:
                message["data"] += "\n" + value
            else:
                message[field] = value
        messages.append(message)
    return messages


# --- the spoken announcement ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"), (1, "một"), (5, "năm"), (10, "mười"), (11, "mười một"), (15, "mười lăm"),
        (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"),
        (99, "chín mươi chín"), (100, "một trăm"), (105, "một trăm linh năm"),
        (110, "một trăm mười"), (121, "một trăm hai mươi mốt"), (1203, "một hai không ba"),
    ],
)  # fmt: skip
def test_counter_numbers_in_vietnamese_words(n, words):
    assert sse.number_words(n) == words


def test_the_call_is_spoken_letter_and_digits_then_the_counter():
    assert sse.spoken_call("A023", 5) == "Mời số A không hai ba đến quầy số năm"
    assert sse.spoken_call("B105", 12) == "Mời số Bê một không năm đến quầy số mười hai"
    assert sse.spoken_call("C001", None) == "Mời số Xê không không một"


def test_sse_message_format():
    assert sse.sse_message("x", event="call", id=7) == "id: 7\nevent: call\ndata: x\n\n"
    assert sse.sse_message("a\nb") == "data: a\ndata: b\n\n"  # one data field per line


# --- one connection's polls ----------------------------------------------------------------


@pytest.fixture
def no_throttle(monkeypatch):
    monkeypatch.setattr(sse, "WAITING_EVERY_SECONDS", 0)


@pytest.mark.django_db
def test_a_new_stream_starts_now_with_the_waiting_counts(center, group, no_throttle):
    issue_ticket(group=group)
    call_next(counter=group.counters.first(), officer=None)  # before the board connected
    stream = sse.DisplayStream(center.pk, None)

    [waiting] = parse("".join(stream.poll()))

    assert waiting["event"] == "waiting"
    assert waiting["id"] == str(selectors.last_event_id(center.pk))
    assert 'class="w-count">0<' in waiting["data"]
    assert stream.poll() == []  # nothing new


@pytest.mark.django_db
def test_each_call_is_sent_with_its_event_id_and_announcement(center, group, no_throttle):
    stream = sse.DisplayStream(center.pk, None)
    stream.poll()
    ticket = issue_ticket(group=group)
    issue_ticket(group=group)
    counter = group.counters.order_by("number").last()
    call_next(counter=counter, officer=None)
    recall(ticket=ticket, officer=None)

    messages = parse("".join(stream.poll()))

    events = [m["event"] for m in messages]
    assert events == ["call", "call", "waiting"]
    call_ids = [e.id for e in ticket.events.filter(action="called").order_by("id")]
    assert [int(m["id"]) for m in messages[:2]] == call_ids
    first, again = messages[0]["data"], messages[1]["data"]
    assert '<span class="c-label">A001</span>' in first
    assert "Quầy 2" in first
    assert 'data-speak="Mời số A không không một đến quầy số hai"' in first
    assert "Gọi lần 2" in again
    assert 'class="w-count">1<' in messages[2]["data"]
    assert int(messages[2]["id"]) == selectors.last_event_id(center.pk)


@pytest.mark.django_db
def test_waiting_counts_are_sent_at_most_once_a_second(center, group, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(sse.time, "monotonic", lambda: clock[0])
    stream = sse.DisplayStream(center.pk, None)
    assert [m["event"] for m in parse("".join(stream.poll()))] == ["waiting"]
    issue_ticket(group=group)
    clock[0] += 0.3
    assert stream.poll() == []  # too soon: kept for later
    clock[0] += 0.8
    [later] = parse("".join(stream.poll()))
    assert later["event"] == "waiting" and 'class="w-count">1<' in later["data"]
    clock[0] += 5
    assert stream.poll() == []  # nothing changed


@pytest.mark.django_db
def test_a_reconnecting_board_gets_the_calls_it_missed(center, group, no_throttle):
    issue_ticket(group=group)
    issue_ticket(group=group)
    seen = selectors.last_event_id(center.pk)
    call_next(counter=group.counters.first(), officer=None)  # while the board was away
    call_next(counter=group.counters.last(), officer=None)

    messages = parse("".join(sse.DisplayStream(center.pk, seen).poll()))

    assert [m.get("event") for m in messages] == ["call", "call", "waiting"]
    assert "A001" in messages[0]["data"] and "A002" in messages[1]["data"]


@pytest.mark.django_db
def test_replay_stops_at_ten_minutes_and_old_calls_are_not_announced(center, group, no_throttle):
    now = timezone.now()
    counter = group.counters.first()
    old = issue_ticket(group=group, at=now - timedelta(minutes=30))
    call_next(counter=counter, officer=None, at=now - timedelta(minutes=30))
    finish_service(ticket=old, officer=None, at=now - timedelta(minutes=29))
    issue_ticket(group=group, at=now - timedelta(minutes=3))
    call_next(counter=counter, officer=None, at=now - timedelta(minutes=2))

    messages = parse("".join(sse.DisplayStream(center.pk, 0).poll()))

    calls = [m for m in messages if m.get("event") == "call"]
    assert len(calls) == 1
    assert "A002" in calls[0]["data"]  # the call of 30 minutes ago is not replayed
    assert "data-speak" not in calls[0]["data"]  # two minutes old: shown, not spoken


@pytest.mark.django_db
def test_a_stream_sees_only_its_center(center, group, no_throttle):
    other = factories.center("soc-trang", agency_code="000.00.02.H13")
    elsewhere = factories.service_group(other, prefix="A", counters=1)
    stream = sse.DisplayStream(center.pk, None)
    stream.poll()
    issue_ticket(group=elsewhere)
    call_next(counter=elsewhere.counters.get(), officer=None)
    assert stream.poll() == []


@pytest.mark.django_db
def test_a_backlog_is_read_in_batches_without_waiting(center, group, no_throttle, monkeypatch):
    monkeypatch.setattr(sse, "BATCH", 2)
    stream = sse.DisplayStream(center.pk, None)
    stream.poll()
    for _ in range(3):
        issue_ticket(group=group)
    stream.poll()
    assert stream.more is True
    stream.poll()
    assert stream.more is False


# --- the generators ------------------------------------------------------------------------


class FakeStream:
    """A DisplayStream stand-in without a database."""

    more = False

    def __init__(self, batches):
        self.batches = list(batches)

    def poll(self):
        return self.batches.pop(0) if self.batches else []


@pytest.mark.django_db(transaction=True)
def test_async_stream_starts_with_retry_sends_heartbeats_and_ends_by_itself(center, group):
    async def collect():
        chunks = [c async for c in sse.aevents(center.pk, None, heartbeat_seconds=0.1,
                                               max_seconds=0.35)]  # fmt: skip
        return chunks, dict(sse._feeds())

    chunks, feeds_after = async_to_sync(collect)()
    assert chunks[0] == f"retry: {sse.RETRY_MS}\n\n"
    assert parse(chunks[1])[0]["event"] == "waiting"
    assert chunks.count(": ping\n\n") >= 2
    assert feeds_after == {}  # the last board left: the feed stopped


@pytest.mark.django_db(transaction=True)
def test_boards_share_one_feed_per_center_and_all_get_each_call(center, group):
    issue_ticket(group=group)
    counter = group.counters.first()

    async def run():
        boards = [sse.aevents(center.pk, None) for _ in range(3)]
        received = ["", "", ""]
        for i, board in enumerate(boards):
            received[i] += await anext(board) + await anext(board)  # retry, counts
        [feed] = sse._feeds().values()
        subscribers = len(feed.subscribers)
        await sync_to_async(call_next)(counter=counter, officer=None)
        for i, board in enumerate(boards):
            while "event: call" not in received[i]:
                received[i] += await asyncio.wait_for(anext(board), timeout=5)
        for board in boards:
            await board.aclose()
        return subscribers, received, feed, dict(sse._feeds())

    subscribers, received, feed, feeds_after = async_to_sync(run)()
    assert subscribers == 3
    assert all("A001" in text for text in received)
    assert feed.subscribers == set() and feeds_after == {}


@pytest.mark.django_db(transaction=True)
def test_async_stream_ends_cleanly_when_the_client_goes_away(center, group):
    """Django cancels the response task when the client disconnects."""

    async def run():
        agen = sse.aevents(center.pk, None)

        async def consume():
            async for _ in agen:
                pass

        task = asyncio.ensure_future(consume())
        await asyncio.sleep(0.3)
        subscribed = sum(len(f.subscribers) for f in sse._feeds().values())
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return agen, subscribed, dict(sse._feeds())

    agen, subscribed, feeds_after = async_to_sync(run)()
    assert subscribed == 1
    assert agen.ag_frame is None  # finished, nothing left running
    assert feeds_after == {}


def test_a_board_that_cannot_keep_up_is_dropped(monkeypatch):
    monkeypatch.setattr(sse, "SUBSCRIBER_BACKLOG", 2)
    feed = sse.Feed(center_id=1, language="vi", position=0)
    slow, fast = sse.Subscriber(), sse.Subscriber()
    feed.subscribers |= {slow, fast}
    feed.publish("a")
    feed.publish("b")
    fast.queue.get_nowait()
    fast.queue.get_nowait()
    feed.publish("c")
    assert slow.overflowed and slow not in feed.subscribers  # it reconnects and catches up
    assert not fast.overflowed and fast.queue.get_nowait() == "c"


def test_sync_stream_for_wsgi_servers():
    gen = sse.events(FakeStream([["data: y\n\n"]]), poll_seconds=0.01, max_seconds=0.1)
    chunks = list(gen)
    assert chunks[:2] == [f"retry: {sse.RETRY_MS}\n\n", "data: y\n\n"]


# --- the endpoint --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the feed reads from a thread of its own
def test_endpoint_streams_calls_under_asgi(center, group):
    ticket = issue_ticket(group=group)
    counter = group.counters.order_by("number").first()

    async def run():
        client = AsyncClient()
        response = await client.get(url(center))
        headers = dict(response.items())
        chunks = response.streaming_content.__aiter__()
        received = (await anext(chunks)).decode() + (await anext(chunks)).decode()
        started = time.monotonic()
        await sync_to_async(call_next)(counter=counter, officer=None)
        while "event: call" not in received:
            received += (await asyncio.wait_for(anext(chunks), timeout=5)).decode()
        latency = time.monotonic() - started
        await chunks.aclose()
        return response.status_code, headers, received, latency

    status, headers, received, latency = async_to_sync(run)()

    assert status == 200
    assert headers["Content-Type"] == "text/event-stream"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Accel-Buffering"] == "no"
    assert received.startswith("retry: 2000\n\n")
    [call] = [m for m in parse(received) if m.get("event") == "call"]
    assert call["id"] == str(ticket.events.get(action="called").pk)
    assert ticket.label in call["data"]
    assert latency < 1.0


@pytest.mark.django_db(transaction=True)
def test_endpoint_honours_last_event_id(center, group):
    issue_ticket(group=group)
    issue_ticket(group=group)
    call_next(counter=group.counters.first(), officer=None)
    seen = selectors.last_event_id(center.pk)  # the board saw A001 called
    call_next(counter=group.counters.last(), officer=None)

    async def run():
        response = await AsyncClient().get(
            url(center) + "?after=0", headers={"Last-Event-ID": str(seen)}
        )
        chunks = response.streaming_content.__aiter__()
        text = ""
        while "event: call" not in text:
            text += (await asyncio.wait_for(anext(chunks), timeout=5)).decode()
        await chunks.aclose()
        return text

    text = async_to_sync(run)()
    calls = [m for m in parse(text) if m.get("event") == "call"]
    assert len(calls) == 1 and "A002" in calls[0]["data"]  # the header wins over ?after=0


@pytest.mark.django_db
def test_endpoint_under_wsgi_uses_a_plain_generator(client, center, group):
    response = client.get(url(center))
    assert response.status_code == 200
    assert not response.is_async
    chunks = iter(response.streaming_content)
    assert next(chunks) == b"retry: 2000\n\n"
    assert b"event: waiting" in next(chunks)
    response.close()


@pytest.mark.django_db
def test_endpoint_of_an_unknown_center_is_not_found(client, db):
    assert client.get("/api/v1/queue/khong-co/events").status_code == 404


@pytest.mark.django_db
def test_endpoint_is_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/queue/{center}/events"]


# --- a real server -------------------------------------------------------------------------


def database_url_for_subprocess() -> str:
    """The test database (committed data: transactional_db) as a DATABASE_URL."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "localhost"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def uvicorn_server(data_dir: Path, probe: str, port: int | None = None):
    """uvicorn (ASGI, as in production) on a free port against the test database."""
    port = port or free_port()
    env = dict(os.environ, DATABASE_URL=database_url_for_subprocess(),
               MOTCUA_DATA_DIR=str(data_dir), MOTCUA_HTTPS="0", PYTHONUNBUFFERED="1")  # fmt: skip
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "motcua.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--lifespan", "off", "--log-level", "warning",
         "--timeout-graceful-shutdown", "2"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", probe)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def read_until(response, needle: bytes, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    data = b""
    while needle not in data:
        if time.monotonic() > deadline:
            raise AssertionError(f"{needle!r} not received; got {data[-500:]!r}")
        data += response.read1(65536)
    return data


@pytest.mark.django_db(transaction=True)
def test_calls_reach_a_client_of_a_real_uvicorn_server_within_a_second(center, group, tmp_path):
    issue_ticket(group=group)
    with uvicorn_server(tmp_path, probe=f"/display/{center.code}/") as base:
        port = int(base.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", url(center), headers={"Accept": "text/event-stream"})
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream"
        read_until(response, b"event: waiting", timeout=5)

        started = time.monotonic()
        ticket = call_next(counter=group.counters.first(), officer=None)
        data = read_until(response, b"event: call", timeout=5)
        assert time.monotonic() - started < 1.0
        assert ticket.label.encode() in data
        conn.close()  # the client goes away; the server carries on

        again = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        again.request("GET", f"/display/{center.code}/")
        assert again.getresponse().status == 200
