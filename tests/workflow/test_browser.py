"""In a real browser: a result the post sent back is handed over at the counter from the
dossier page (the reception officer fills in who collected it and ticks the ID check), and an
apology issued too late shows its mark. Playwright drives Debian's chromium; pytest-django's
live_server serves the pages. Screenshots go to MOTCUA_SCREENSHOTS (a folder) when set."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client

from motcua.directory.selectors import calendar_for_center
from motcua.workflow import runtime
from motcua.workflow.models import ResultDocument
from tests.browser import ARGS, CHROMIUM, MARKS
from tests.workflow.test_runtime_support import people_fixture, receive  # noqa: F401
from tests.workflow.test_work_pages import _to_result

pytestmark = MARKS


def _session_cookie(live_server, user) -> dict:
    """A signed-in session for the browser (made before Playwright starts its event loop:
    the ORM refuses to run inside it)."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value,
            "url": live_server.url}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_result_sent_back_by_post_is_handed_over_in_a_browser(
    live_server, version, center, people, tmp_path
):
    from playwright.sync_api import sync_playwright

    dossier = receive(version, center, people.reception, None, result_delivery="post",
                      delivery_address="12 Hòa Bình, Ninh Kiều")  # fmt: skip
    _to_result(dossier, people)
    runtime.return_result(dossier=dossier, user=people.reception, method="post",
                          tracking_number="EB123456789VN")  # fmt: skip
    runtime.record_postal_delivery(dossier=dossier, user=people.postal, status="returned",
                                   note="Không có người nhận")  # fmt: skip
    cookie = _session_cookie(live_server, people.reception)
    shots = Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(f"{live_server.url}/xu-ly/ho-so/{dossier.code}/")
        page.wait_for_selector("text=Trả kết quả bị chuyển hoàn tại Bộ phận Một cửa")
        page.fill("#postal-collector", "Trần Văn Dân")
        page.screenshot(path=str(shots / "postal-returned-form.png"), full_page=True)
        # The browser itself refuses the form without the ID check (required checkbox).
        page.click("button:has-text('Trả kết quả') >> nth=-1")
        assert page.locator("input[name=id_checked]").evaluate("e => !e.validity.valid")
        assert page.is_visible("text=Trả kết quả bị chuyển hoàn tại Bộ phận Một cửa")
        page.check("input[name=id_checked]")
        page.click("button:has-text('Trả kết quả') >> nth=-1")
        page.wait_for_selector("text=Chuyển hoàn, người nhận đã nhận tại Bộ phận Một cửa")
        page.screenshot(path=str(shots / "postal-collected.png"), full_page=True)
        browser.close()
    result = ResultDocument.objects.get(dossier=dossier)
    assert (result.postal_status, result.collected_by_name, result.id_checked) == (
        "collected",
        "Trần Văn Dân",
        True,
    )


@pytest.mark.django_db(transaction=True)
def test_a_late_apology_is_marked_in_a_browser(live_server, version, center, people, tmp_path):
    from django.utils import timezone
    from playwright.sync_api import sync_playwright

    dossier = receive(version, center, people.reception, timezone.now() - timedelta(days=1))
    runtime.forward(dossier=dossier, user=people.reception)
    dossier.refresh_from_db()
    runtime.apologize(dossier=dossier, user=people.leader, reason="Chờ xác minh",
                      new_due_at=calendar_for_center(center).add_working_days(dossier.due_at, 5),
                      at=dossier.due_at - timedelta(minutes=5))  # fmt: skip
    cookie = _session_cookie(live_server, people.leader)
    shots = Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(f"{live_server.url}/xu-ly/ho-so/{dossier.code}/")
        mark = page.wait_for_selector("text=lập muộn: chưa đủ 01 ngày làm việc trước hạn")
        assert mark.is_visible()
        page.screenshot(path=str(shots / "apology-late.png"), full_page=True)
        browser.close()
