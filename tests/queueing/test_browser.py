"""In a real browser: a ticket taken at the kiosk, called at a counter, appears on the display
board through Server-Sent Events; the board speaks one call at a time, keeps its list short
and gets the calls made while it was cut off from the server.

Playwright drives Debian's chromium (/usr/bin/chromium; no browser is downloaded). The pages are
served by uvicorn (ASGI, as in production) in a subprocess against the test database, since
pytest-django's live_server is a WSGI server.
"""

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection

from motcua.queueing.services import call_next, finish_service, issue_ticket, recall
from tests import factories
from tests.browser import ARGS, CHROMIUM, MARKS
from tests.queueing.test_sse import ROOT, free_port, uvicorn_server

pytestmark = MARKS

# A speech engine with one Vietnamese voice that takes 200 ms per utterance and notes any
# utterance started while another is still being spoken.
FAKE_SPEECH = """
window.__spoken = []; window.__overlap = false;
(() => {
  let busy = false;
  const synth = {
    getVoices: () => [{ lang: "vi-VN", name: "Thử" }],
    onvoiceschanged: null,
    speak(u) {
      if (busy) window.__overlap = true;
      busy = true;
      window.__spoken.push(u.text);
      setTimeout(() => { busy = false; if (u.onend) u.onend({}); }, 200);
    },
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""


def in_thread(fn, **kwargs):
    """Database work while Playwright's sync API runs its event loop in this thread (Django
    refuses ORM calls there): run it in a thread of its own, with its own connection."""
    result = {}

    def run():
        try:
            result["value"] = fn(**kwargs)
        except Exception as exc:  # re-raised below
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if "error" in result:
        raise result["error"]
    return result.get("value")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A data folder for the server with the static files collected (htmx, the SSE extension)."""
    path = tmp_path_factory.mktemp("server")
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "motcua.manage", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env={**os.environ, "MOTCUA_DATA_DIR": str(path)}, check=True,
    )  # fmt: skip
    return path


@contextmanager
def chromium():
    """Debian's chromium, headless. Started after the test's own database work: while
    Playwright's sync API runs, this thread may not use the ORM (see in_thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_board(browser, base, center, *, speech=False):
    from playwright.sync_api import expect

    board = browser.new_page(viewport={"width": 1920, "height": 1080})
    board.errors = []
    board.on("pageerror", lambda error: board.errors.append(str(error)))
    if speech:
        board.add_init_script(FAKE_SPEECH)
    board.goto(f"{base}/display/{center.code}/")
    expect(board.locator("#link.on")).to_be_attached(timeout=10_000)  # the stream is open
    return board


@pytest.mark.django_db(transaction=True)
def test_kiosk_ticket_called_at_a_counter_appears_on_the_display_board(center, data_dir):
    from playwright.sync_api import expect

    group = factories.service_group(center, prefix="A", name="Tư pháp – Hộ tịch", counters=2)
    counter = group.counters.order_by("number").first()

    with uvicorn_server(data_dir, probe=f"/display/{center.code}/") as base, chromium() as browser:
        board = open_board(browser, base, center)
        waiting_a = board.locator(".w-list li", has_text="Tư pháp").locator(".w-count")
        expect(waiting_a).to_have_text("0")

        kiosk = browser.new_page(viewport={"width": 1080, "height": 1920})
        kiosk.goto(f"{base}/kiosk/{center.code}/")
        kiosk.get_by_role("link", name="Tư pháp – Hộ tịch").click()
        kiosk.get_by_role("button", name="Lấy số", exact=True).click()
        kiosk.wait_for_url("**/so/**")
        label = kiosk.locator(".t-number").inner_text()
        assert label == "A001"
        expect(kiosk.locator(".t-qr svg")).to_be_visible()
        expect(waiting_a).to_have_text("1", timeout=3_000)  # the board saw the new ticket

        started = time.monotonic()
        called = in_thread(call_next, counter=counter, officer=None)
        latest = board.locator("#calls > li:first-child")
        expect(latest.locator(".c-label")).to_have_text(label, timeout=2_000)
        seen_after = time.monotonic() - started
        expect(latest.locator(".c-counter")).to_have_text(f"Quầy {counter.number}")
        expect(waiting_a).to_have_text("0", timeout=3_000)
        assert called.label == label
        assert seen_after < 2.0
        assert board.errors == []


@pytest.mark.django_db(transaction=True)
def test_board_speaks_one_call_at_a_time_and_keeps_its_list_short(center, data_dir):
    from playwright.sync_api import expect

    group = factories.service_group(center, prefix="A", name="Tư pháp", counters=1)
    counter = group.counters.get()
    for _ in range(13):
        issue_ticket(group=group)

    def serve(n):
        for _ in range(n):
            finish_service(ticket=call_next(counter=counter, officer=None), officer=None)

    with uvicorn_server(data_dir, probe=f"/display/{center.code}/") as base, chromium() as browser:
        board = open_board(browser, base, center, speech=True)
        in_thread(serve, n=3)  # three calls within a few milliseconds
        board.wait_for_function("window.__spoken.length >= 3", timeout=5_000)
        assert board.evaluate("window.__spoken") == [
            "Mời số A không không một đến quầy số một",
            "Mời số A không không hai đến quầy số một",
            "Mời số A không không ba đến quầy số một",
        ]
        assert board.evaluate("window.__overlap") is False

        in_thread(serve, n=9)
        calls = board.locator("#calls > li")
        expect(calls.first.locator(".c-label")).to_have_text("A012", timeout=3_000)
        expect(calls).to_have_count(8)  # the latest and seven before it, never more

        last = in_thread(call_next, counter=counter, officer=None)
        in_thread(recall, ticket=last, officer=None)
        expect(calls.first.locator(".c-recall")).to_have_text("Gọi lần 2", timeout=3_000)
        expect(board.locator("#calls > li", has_text="A013")).to_have_count(1)  # one line
        expect(calls).to_have_count(8)
        assert board.evaluate("window.__overlap") is False
        assert board.errors == []


@pytest.mark.django_db(transaction=True)
def test_a_board_cut_off_from_the_server_gets_the_calls_made_meanwhile(center, data_dir):
    from playwright.sync_api import expect

    group = factories.service_group(center, prefix="A", name="Tư pháp", counters=2)
    first, second = group.counters.order_by("number")
    issue_ticket(group=group)
    issue_ticket(group=group)
    port = free_port()
    probe = f"/display/{center.code}/"

    with chromium() as browser:
        with uvicorn_server(data_dir, probe=probe, port=port) as base:
            board = open_board(browser, base, center)
        # The server is gone (a restart, a network cut): the board notices.
        expect(board.locator("#link.off")).to_be_attached(timeout=10_000)
        in_thread(call_next, counter=first, officer=None)  # A001 called meanwhile

        with uvicorn_server(data_dir, probe=probe, port=port):
            latest = board.locator("#calls > li:first-child .c-label")
            expect(latest).to_have_text("A001", timeout=15_000)  # resumed after its last event
            in_thread(call_next, counter=second, officer=None)
            expect(latest).to_have_text("A002", timeout=3_000)
            expect(board.locator("#calls > li")).to_have_count(2)
