"""In a real browser: the counter tablet offers the dossier just served, the citizen taps a
button, the thank-you screen follows. Playwright drives Debian's chromium (/usr/bin/chromium);
the page is served by pytest-django's live_server. Screenshots go to MOTCUA_SCREENSHOTS (a
folder) when set."""

import os
from pathlib import Path

import pytest

from motcua.ratings import services
from motcua.reports.models import Rating
from tests.browser import ARGS, CHROMIUM, MARKS
from tests.ratings.conftest import TABLET_COOKIE, received_now, serve, tablet_url

pytestmark = MARKS


@pytest.mark.django_db(transaction=True)
def test_tablet_in_a_browser(live_server, version, center, people, group, counter, tmp_path):
    from playwright.sync_api import sync_playwright

    dossier = received_now(version, center, people, hours=0.05)
    serve(group, counter, people.reception, dossier=dossier)
    _device, token = services.pair_device(counter=counter, user=people.reception)
    shots = Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path)
    url = live_server.url + tablet_url(counter)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
        context.add_cookies([{"name": TABLET_COOKIE, "value": token, "url": live_server.url}])
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("button[value=unsatisfied]")
        assert dossier.code in page.inner_text("main")
        page.screenshot(path=str(shots / "rating-tablet.png"), full_page=True)
        page.fill("#comment", "Chờ hơi lâu")
        page.click("button[value=unsatisfied]")
        page.wait_for_selector("text=Cảm ơn Ông/Bà đã đánh giá!")
        page.screenshot(path=str(shots / "rating-tablet-thanks.png"), full_page=True)
        browser.close()
    rating = Rating.objects.get()
    assert (rating.value, rating.comment, rating.counter) == ("unsatisfied", "Chờ hơi lâu", counter)
