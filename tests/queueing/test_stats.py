"""Queue statistics: the pure helpers, the figures, the page, the Excel export, permissions."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from motcua.accounts.models import User
from motcua.directory.models import StaffAssignment
from motcua.queueing.services import (
    call_next,
    finish_service,
    issue_ticket,
    mark_no_show,
    recall,
    start_service,
)
from motcua.queueing.stats import Durations, minutes, percentile, queue_stats, rate
from tests import factories
from tests.factories import VN

DAY = date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


# --- pure helpers --------------------------------------------------------------------------


def test_rate_with_an_empty_denominator_is_none():
    assert rate(0, 0) is None
    assert rate(3, 0) is None
    assert rate(1, 4) == 0.25


def test_percentile_interpolates_between_ranks():
    assert percentile([], 50) is None
    assert percentile([7], 90) == 7
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
    assert percentile([1, 2], 0) == 1 and percentile([1, 2], 100) == 2
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_durations_summary():
    assert Durations.of([]) == Durations()
    assert Durations().mean_min is None
    summary = Durations.of([60, 120, 600])
    assert (summary.count, summary.mean, summary.median, summary.max) == (3, 260, 120, 600)
    assert summary.mean_min == 4.3
    assert minutes(None) is None and minutes(90) == 1.5


# --- the figures ---------------------------------------------------------------------------


@pytest.fixture
def day_of_work(center):
    """Group A (counters 1, 2) and B (counter 3); two officers; a small day of tickets."""
    a = factories.service_group(center, prefix="A", name="Tư pháp", counters=2)
    b = factories.service_group(center, prefix="B", name="Đất đai", counters=1)
    one, two = a.counters.order_by("number")
    three = b.counters.get()
    lan = User.objects.create_user(username="lan", full_name="Nguyễn Thị Lan")
    minh = User.objects.create_user(username="minh", full_name="Trần Văn Minh")
    # A001: issued 8:00, called 8:10 (wait 10), served 8:12–8:22 (10) at counter 1 by Lan.
    issue_ticket(group=a, at=at(8))
    # A002: issued 8:05, called 8:20 at counter 2 (wait 15), no-show after 3 calls.
    issue_ticket(group=a, at=at(8, 5))
    # B001: issued 9:00, called 9:30 (wait 30), served 9:30–10:00 (30) at counter 3 by Minh.
    issue_ticket(group=b, at=at(9))
    # A003: issued 9:40, still waiting.
    issue_ticket(group=a, at=at(9, 40))
    # Yesterday's ticket: not in the period.
    old = issue_ticket(group=a, at=at(8, day=DAY - timedelta(days=1)))
    call_next(counter=one, officer=lan, at=at(8, 30, day=DAY - timedelta(days=1)))
    finish_service(ticket=old, officer=lan, at=at(8, 40, day=DAY - timedelta(days=1)))

    first = call_next(counter=one, officer=lan, at=at(8, 10))
    start_service(ticket=first, officer=lan, at=at(8, 12))
    finish_service(ticket=first, officer=lan, at=at(8, 22))
    second = call_next(counter=two, officer=minh, at=at(8, 20))
    recall(ticket=second, officer=minh, at=at(8, 22))
    recall(ticket=second, officer=minh, at=at(8, 24))
    mark_no_show(ticket=second, officer=minh, at=at(8, 25))
    third = call_next(counter=three, officer=minh, at=at(9, 30))
    start_service(ticket=third, officer=minh, at=at(9, 30))
    finish_service(ticket=third, officer=minh, at=at(10))
    return {"a": a, "b": b, "lan": lan, "minh": minh}


@pytest.mark.django_db
def test_figures_of_a_day(center, day_of_work):
    stats = queue_stats(center=center, start=DAY, end=DAY)
    total = stats.total
    assert (total.issued, total.called, total.served, total.no_show, total.waiting_now) == (
        4, 3, 2, 1, 1,
    )  # fmt: skip
    assert total.wait.count == 3 and total.wait.mean == pytest.approx((10 + 15 + 30) * 60 / 3)
    assert total.wait.median == 15 * 60
    assert total.service.mean == pytest.approx(20 * 60)
    assert total.no_show_rate == pytest.approx(1 / 3)

    groups = {line.label: line for line in stats.by_group}
    assert set(groups) == {"A — Tư pháp", "B — Đất đai"}
    assert (groups["A — Tư pháp"].issued, groups["A — Tư pháp"].no_show) == (3, 1)
    assert groups["A — Tư pháp"].wait.mean == pytest.approx(12.5 * 60)
    assert groups["B — Đất đai"].service.mean == pytest.approx(30 * 60)
    assert groups["B — Đất đai"].no_show_rate == 0

    counters = {line.label: line for line in stats.by_counter}
    assert {k: (v.called, v.served, v.no_show) for k, v in counters.items()} == {
        "Quầy 1": (1, 1, 0), "Quầy 2": (1, 0, 1), "Quầy 3": (1, 1, 0),
    }  # fmt: skip
    assert counters["Quầy 2"].no_show_rate == 1 and counters["Quầy 2"].service.mean is None

    officers = {line.label: line for line in stats.by_officer}
    assert officers["Trần Văn Minh"].called == 2 and officers["Nguyễn Thị Lan"].served == 1

    issued, by_counter, by_officer = stats.hour_tables
    assert issued.hours[:4] == [7, 8, 9, 10]
    rows = {label: dict(zip(issued.hours, counts, strict=True)) for label, counts, _ in issued.rows}
    assert rows["A — Tư pháp"][8] == 2 and rows["A — Tư pháp"][9] == 1
    assert rows["B — Đất đai"][9] == 1
    officer_rows = {label: total for label, _, total in by_officer.rows}
    assert officer_rows == {"Nguyễn Thị Lan": 1, "Trần Văn Minh": 2}
    assert {label: total for label, _, total in by_counter.rows}["Quầy 3"] == 1


@pytest.mark.django_db
def test_a_period_includes_every_day(center, day_of_work):
    stats = queue_stats(center=center, start=DAY - timedelta(days=1), end=DAY)
    assert stats.total.issued == 5 and stats.days == 2
    assert stats.total.served == 3


@pytest.mark.django_db
def test_an_empty_period_has_no_figures(center):
    stats = queue_stats(center=center, start=DAY, end=DAY)
    assert stats.total.issued == 0 and stats.total.no_show_rate is None
    assert stats.total.wait.mean is None and stats.by_group == []


# --- the page and the export ---------------------------------------------------------------


def director(center, username="giamdoc", role="center_director") -> User:
    user = User.objects.create_user(username=username, role=role, full_name="Giám Đốc")
    today = timezone.localdate()
    StaffAssignment.objects.create(
        user=user, center=center, start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=180),
    )  # fmt: skip
    return user


STATS = reverse("queue-console:stats")


@pytest.mark.django_db
def test_director_sees_the_day_and_exports_excel(client, center, day_of_work):
    client.force_login(director(center))
    query = f"?from={DAY}&to={DAY}&center={center.code}"
    html = client.get(STATS + query).content.decode()
    assert "Thống kê xếp hàng" in html and "A — Tư pháp" in html and "Trần Văn Minh" in html
    assert "33,3%" in html  # the no-show rate, in Vietnamese number format
    assert "format=xlsx" in html
    response = client.get(STATS + query + "&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "thong-ke-xep-hang-can-tho-20261123-20261123.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo nhóm dịch vụ",
        "Theo quầy",
        "Theo cán bộ",
        "Theo giờ",
    ]
    summary = wb["Tổng hợp"]
    assert summary["A6"].value == "Toàn trung tâm" and summary["B6"].value == 4
    assert summary["G6"].value == pytest.approx(18.3)  # mean wait in minutes
    counters = [row for row in wb["Theo quầy"].iter_rows(min_row=2, values_only=True)]
    assert counters[1][:5] == ("Quầy 2", 1, 1, 0, 1)


@pytest.mark.django_db
def test_today_by_default(client, center):
    group = factories.service_group(center)
    issue_ticket(group=group)
    client.force_login(director(center))
    html = client.get(STATS).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html
    assert "A — Tư pháp" in html


@pytest.mark.django_db
def test_a_wrong_period_is_explained(client, center):
    client.force_login(director(center))
    html = client.get(STATS + "?from=2026-11-23&to=2026-11-01").content.decode()
    assert "Ngày kết thúc phải sau" in html
    html = client.get(STATS + "?from=2024-01-01&to=2026-11-01").content.decode()
    assert "tối đa 366 ngày" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "administrator"])
def test_supervisors_and_administrators_of_the_center_may_see(client, center, role):
    client.force_login(director(center, role=role))
    assert client.get(STATS).status_code == 200


@pytest.mark.django_db
def test_others_are_refused(client, center):
    client.force_login(director(center, "tiepnhan", role="reception_officer"))
    assert client.get(STATS).status_code == 403
    other = factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    client.force_login(director(other, "giamdoc.xa"))
    assert client.get(STATS + "?center=can-tho").status_code == 403
    assert client.get(STATS + "?center=can-tho&format=xlsx").status_code == 403
    assert client.get(STATS + "?center=ninh-kieu").status_code == 200
    client.logout()
    assert client.get(STATS).status_code == 302


@pytest.mark.django_db
def test_superuser_chooses_any_center(client, center):
    root = User.objects.create_superuser(username="root", password="x", email="r@example.vn")
    factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    client.force_login(root)
    html = client.get(STATS + "?center=ninh-kieu").content.decode()
    assert 'value="ninh-kieu" selected' in html and 'value="can-tho"' in html
