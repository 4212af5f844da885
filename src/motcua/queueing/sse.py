"""The display board's event stream: `GET /api/v1/queue/{center}/events` (Server-Sent Events).

The stream writes:

- `event: call` for each "called" event (a first call or a recall): an HTML fragment, one
  `<li>` of the board's call list, with the spoken announcement in `data-speak` when the call
  is fresh; the SSE id is the TicketEvent id;
- `event: waiting` when events changed the waiting counts (issued, called, transferred), at
  most once a second: the waiting-counts fragment; its id is the last event id looked at;
- a comment every HEARTBEAT_SECONDS so proxies keep the connection open.

It starts with `retry:` (the browser reconnects after RETRY_MS) and resumes after the
`Last-Event-ID` header that the browser sends on reconnecting, or after `?after=<id>` (the
board puts the id it rendered in the URL, so nothing between page load and connection is
lost either). A resumed stream replays only the last REPLAY_SECONDS; older calls would only
confuse the hall. The stream ends itself after MAX_STREAM_SECONDS and the browser reconnects
with Last-Event-ID, so no connection lives for days on the server.

Under ASGI (uvicorn), one `Feed` per center (and language) and server process polls the
center's TicketEvent rows with an id above the last one it saw, every POLL_SECONDS, renders
each message once and hands it to every connected board (an asyncio queue each): the
database sees ~3 small queries a second per center however many boards are connected. A
board connecting (or reconnecting) first reads what it missed up to the feed's position from
the database, then follows the feed. A board too slow to take its messages (SUBSCRIBER_BACKLOG
batches behind) is disconnected and comes back with Last-Event-ID. The feed stops when its last
board leaves; a disconnecting client cancels its generator (Django does so under ASGI).

Under WSGI (the development server, pytest's live_server) each connection polls on its own
with a plain generator and sleep(). The database connection is closed after each poll, so
waiting never holds one of the PostgreSQL pool's connections.
"""

import asyncio
import contextvars
import logging
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from motcua.directory.models import ServiceCenter
from motcua.queueing import selectors
from motcua.queueing.models import TicketEvent

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.3
HEARTBEAT_SECONDS = 15.0
RETRY_MS = 2000
WAITING_EVERY_SECONDS = 1.0
MAX_STREAM_SECONDS = 3600.0
REPLAY_SECONDS = 600  # a reconnecting board gets the calls of the last 10 minutes at most
SPEAK_SECONDS = 60  # calls older than this are shown but not announced
BATCH = 200  # events read per poll
SUBSCRIBER_BACKLOG = 256  # batches a board may lag behind before it is disconnected
WAITING_ACTIONS = frozenset({"issued", "called", "transferred"})

# --- the spoken announcement ---------------------------------------------------------------

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
LETTERS = {
    "A": "A", "B": "Bê", "C": "Xê", "D": "Dê", "Đ": "Đê", "E": "E", "F": "Ép", "G": "Giê",
    "H": "Hát", "I": "I", "J": "Gi", "K": "Ca", "L": "Lờ", "M": "Mờ", "N": "Nờ", "O": "O",
    "P": "Pê", "Q": "Quy", "R": "Rờ", "S": "Ét", "T": "Tê", "U": "U", "V": "Vê", "W": "Vê kép",
    "X": "Ích", "Y": "I dài", "Z": "Dét",
}  # fmt: skip


def number_words(n: int) -> str:
    """A counter number in Vietnamese words: 5 "năm", 10 "mười", 15 "mười lăm",
    21 "hai mươi mốt", 105 "một trăm linh năm". Digit by digit from 1000 on."""
    if n < 0 or n >= 1000:
        return " ".join(DIGITS[int(d)] for d in str(abs(n)))
    if n < 10:
        return DIGITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
        if unit == 0:
            return head
        if unit == 5:
            return f"{head} lăm"
        if unit == 1 and tens > 1:
            return f"{head} mốt"
        if unit == 4 and tens > 1:
            return f"{head} tư"
        return f"{head} {DIGITS[unit]}"
    hundreds, rest = divmod(n, 100)
    head = f"{DIGITS[hundreds]} trăm"
    if rest == 0:
        return head
    if rest < 10:
        return f"{head} linh {DIGITS[rest]}"
    return f"{head} {number_words(rest)}"


def spoken_call(label: str, counter_number: int | None) -> str:
    """ "A023", 5 → "Mời số A không hai ba đến quầy số năm": the ticket letter by letter and
    digit by digit (as printed), the counter as a number."""
    words = []
    for ch in label.upper():
        if ch.isdigit():
            words.append(DIGITS[int(ch)])
        elif ch in LETTERS:
            words.append(LETTERS[ch])
    text = "Mời số " + " ".join(words)
    if counter_number is not None:
        text += f" đến quầy số {number_words(int(counter_number))}"
    return text


# --- the wire format -----------------------------------------------------------------------


def sse_message(data: str, *, event: str | None = None, id: int | None = None) -> str:
    """One SSE message; every line of `data` gets its own `data:` field."""
    lines = []
    if id is not None:
        lines.append(f"id: {id}")
    if event:
        lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in data.splitlines() or [""])
    return "\n".join(lines) + "\n\n"


def render_call(call: selectors.Call, *, speak: bool = False) -> str:
    """The `<li>` of one call, as the board renders it and as the stream sends it."""
    context = {"call": call}
    if speak:
        context["speak"] = spoken_call(call.label, call.counter_number)
    return render_to_string("queueing/public/_call.html", context).strip()


def render_waiting(center_id: int) -> str:
    counts = selectors.waiting_counts(center_id, timezone.localdate())
    return render_to_string("queueing/public/_waiting.html", {"counts": counts}).strip()


# --- one connection ------------------------------------------------------------------------


class DisplayStream:
    """The state of one board's connection; `poll()` does one round of database work."""

    def __init__(
        self, center_id: int, after: int | None, *, language: str = "vi", until: int | None = None
    ):
        self.center_id = center_id
        self.after = after
        self.until = until  # read no further than this id (a board catching up to its feed)
        self.language = language
        self.waiting_dirty = True  # a new connection gets the counts at once
        self.waiting_sent_at = float("-inf")
        self.more = False  # the last poll filled a whole batch: poll again without waiting
        self.started = False

    def _start(self) -> None:
        """Where to begin: the given id, but no further back than REPLAY_SECONDS."""
        newest = selectors.last_event_id(self.center_id)
        if self.after is None or self.after > newest:
            self.after = newest
            return
        cutoff = timezone.now() - timedelta(seconds=REPLAY_SECONDS)
        older = (
            TicketEvent.objects.filter(center_id=self.center_id, id__gt=self.after, at__lt=cutoff)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        if older is not None:
            self.after = older

    def poll(self) -> list[str]:
        try:
            with translation.override(self.language):
                return self._poll()
        finally:
            if not connection.in_atomic_block:
                connection.close()  # back to the pool (PostgreSQL) between polls

    def _poll(self) -> list[str]:
        if not self.started:
            self._start()
            self.started = True
        events = TicketEvent.objects.filter(center_id=self.center_id, id__gt=self.after)
        if self.until is not None:
            events = events.filter(id__lte=self.until)
        rows = list(events.order_by("id").values("action", *selectors.CALL_FIELDS)[:BATCH])
        self.more = len(rows) == BATCH
        messages = []
        speak_after = timezone.now() - timedelta(seconds=SPEAK_SECONDS)
        for row in rows:
            self.after = row["id"]
            if row["action"] in WAITING_ACTIONS:
                self.waiting_dirty = True
            if row["action"] == "called":
                call = selectors.call_from_row(row)
                html = render_call(call, speak=call.at >= speak_after)
                messages.append(sse_message(html, event="call", id=call.event_id))
        now = time.monotonic()
        if self.waiting_dirty and now - self.waiting_sent_at >= WAITING_EVERY_SECONDS:
            messages.append(
                sse_message(render_waiting(self.center_id), event="waiting", id=self.after)
            )
            self.waiting_dirty = False
            self.waiting_sent_at = now
        return messages


# --- ASGI: one feed per center, shared by the boards ----------------------------------------

# The feeds' database work runs here, one poll at a time, outside any request's thread.
_FEED_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="display-feed")
# Feeds by event loop (one under uvicorn), then by (center id, language).
_FEEDS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = weakref.WeakKeyDictionary()


class Subscriber:
    """One connected board: the batches of messages it has still to send."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=SUBSCRIBER_BACKLOG)
        self.overflowed = False


class Feed:
    """Polls one center's events for all the boards connected to this process."""

    def __init__(self, center_id: int, language: str, position: int):
        self.key = (center_id, language)
        self.stream = DisplayStream(center_id, position, language=language)
        self.stream.started = True
        self.stream.waiting_dirty = False  # each board gets its own first counts
        self.position = position  # messages up to this event id have been handed out
        self.subscribers: set[Subscriber] = set()
        self.task: asyncio.Task | None = None

    def publish(self, chunk: str) -> None:
        for subscriber in list(self.subscribers):
            try:
                subscriber.queue.put_nowait(chunk)
            except asyncio.QueueFull:
                subscriber.overflowed = True
                self.subscribers.discard(subscriber)

    async def run(self) -> None:
        poll = sync_to_async(self.stream.poll, thread_sensitive=False, executor=_FEED_EXECUTOR)
        while True:
            try:
                messages = await poll()
            except Exception:
                logger.exception("Display feed of center %s failed; trying again", self.key[0])
                await asyncio.sleep(1)
                continue
            if messages:
                self.publish("".join(messages))
            self.position = self.stream.after  # no await since publish: boards see it whole
            if not self.stream.more:
                await asyncio.sleep(POLL_SECONDS)


def _feeds() -> dict:
    loop = asyncio.get_running_loop()
    feeds = _FEEDS.get(loop)
    if feeds is None:
        feeds = _FEEDS[loop] = {}
    return feeds


async def subscribe(center_id: int, language: str) -> tuple[Feed, Subscriber, int]:
    """Join the center's feed (starting it if needed); returns the feed position from which
    the new board follows it: what came before, the board reads from the database."""
    key = (center_id, language)
    position = None
    if key not in _feeds():
        position = await sync_to_async(selectors.last_event_id)(center_id)
    # From here on no await: the subscription and the position it starts from are consistent.
    feeds = _feeds()
    feed = feeds.get(key)
    if feed is None:
        feed = feeds[key] = Feed(center_id, language, position)
    subscriber = Subscriber()
    feed.subscribers.add(subscriber)
    if feed.task is None:
        # A fresh context: the feed outlives the request that started it.
        feed.task = asyncio.get_running_loop().create_task(
            feed.run(), context=contextvars.Context()
        )
    return feed, subscriber, feed.position


def unsubscribe(feed: Feed, subscriber: Subscriber) -> None:
    feed.subscribers.discard(subscriber)
    if feed.subscribers:
        return
    if feed.task is not None:
        feed.task.cancel()
    feeds = _feeds()
    if feeds.get(feed.key) is feed:
        del feeds[feed.key]


async def aevents(
    center_id: int,
    resume: int | None,
    *,
    language: str = "vi",
    heartbeat_seconds: float | None = None,
    max_seconds: float | None = None,
) -> AsyncIterator[str]:
    """The stream under ASGI: catch up from the database, then follow the center's feed."""
    heartbeat = HEARTBEAT_SECONDS if heartbeat_seconds is None else heartbeat_seconds
    lifetime = MAX_STREAM_SECONDS if max_seconds is None else max_seconds
    yield f"retry: {RETRY_MS}\n\n"
    feed, subscriber, position = await subscribe(center_id, language)
    try:
        start = position if resume is None else resume
        catch_up = DisplayStream(center_id, start, language=language, until=position)
        poll = sync_to_async(catch_up.poll)
        while True:
            messages = await poll()
            if messages:
                yield "".join(messages)
            if not catch_up.more:
                break
        started = last_write = time.monotonic()
        while (now := time.monotonic()) - started < lifetime:
            if subscriber.overflowed and subscriber.queue.empty():
                return  # too far behind: the browser reconnects with Last-Event-ID
            wait = min(heartbeat - (now - last_write), lifetime - (now - started))
            try:
                chunk = await asyncio.wait_for(subscriber.queue.get(), timeout=max(wait, 0))
            except TimeoutError:
                if time.monotonic() - last_write >= heartbeat:
                    yield ": ping\n\n"
                    last_write = time.monotonic()
                continue
            yield chunk
            last_write = time.monotonic()
    finally:
        unsubscribe(feed, subscriber)


# --- WSGI: each connection polls -----------------------------------------------------------


def events(
    stream: DisplayStream,
    *,
    poll_seconds: float = POLL_SECONDS,
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
    max_seconds: float = MAX_STREAM_SECONDS,
) -> Iterator[str]:
    """The same stream for WSGI servers (one thread per connection)."""
    yield f"retry: {RETRY_MS}\n\n"
    started = last_write = time.monotonic()
    while time.monotonic() - started < max_seconds:
        messages = stream.poll()
        now = time.monotonic()
        if messages:
            yield "".join(messages)
            last_write = now
        elif now - last_write >= heartbeat_seconds:
            yield ": ping\n\n"
            last_write = now
        if not stream.more:
            time.sleep(poll_seconds)


def _resume_id(request: HttpRequest) -> int | None:
    for raw in (request.headers.get("Last-Event-ID"), request.GET.get("after")):
        if raw and raw.strip().isdigit():
            return int(raw.strip())
    return None


def display_events(request: HttpRequest, center: str) -> StreamingHttpResponse:
    """The response for `GET /api/v1/queue/{center}/events`."""
    obj = get_object_or_404(ServiceCenter, code=center, is_active=True)
    resume, language = _resume_id(request), translation.get_language()
    if "wsgi.version" in request.META:
        content = events(DisplayStream(obj.pk, resume, language=language))
    else:
        content = aevents(obj.pk, resume, language=language)
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
