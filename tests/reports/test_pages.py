"""Supervision pages /giam-sat/: who may see them, the figures equal kpi_figures, every figure
links to exactly the dossiers behind it, the charts are inline SVG, the print view."""

import re
from datetime import date
from html import unescape
from io import BytesIO

import pytest
from openpyxl import load_workbook

from motcua.queueing import services as queue_services
from motcua.reports import selectors
from tests import factories
from tests.reports.test_selectors import rows  # noqa: F401  (fixture: the golden rows)

pytestmark = pytest.mark.django_db

URL = "/giam-sat/"
MARCH = {"ky": "khoang", "tu": "2026-03-01", "den": "2026-03-31"}


def march(scope: selectors.Scope | None = None):
    period = selectors.period_of(date(2026, 3, 1), date(2026, 3, 31))
    return selectors.kpi_figures(period, scope or selectors.Scope())


def page(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


def links(html: str, figure: str) -> list[str]:
    return [
        unescape(h)
        for h in re.findall(rf'href="([^"]*chi-so={figure}(?:&amp;[^"]*)?)"', html)
        if "mau=1" not in h and "tu=2026-03-01&den=2026-03-31" in unescape(h)
    ]


def listed_codes(client, url: str) -> list[str]:
    html = client.get(url).content.decode()
    return re.findall(r'<td class="code">(?:<a href="/xu-ly/ho-so/[^"]+/">)?([A-Z])\b', html)


# --- access ---------------------------------------------------------------------------------


def test_supervisor_sees_everything(client, rows, people):  # noqa: F811
    response = page(client, people.supervisor, **MARCH)
    assert response.status_code == 200
    cards = {c["label"]: c["value"] for c in response.context["received"]}
    assert cards["Hồ sơ nhận giải quyết (kỳ trước chuyển qua + mới)"] == 11


def test_director_sees_only_their_center(client, rows, people):  # noqa: F811
    response = page(client, people.director, **MARCH)
    assert response.status_code == 200
    assert response.context["received"][0]["value"] == 8  # all but D, G, L
    assert page(client, people.director, **MARCH, **{"trung-tam": "can-tho"}).status_code == 200
    denied = page(client, people.director, **MARCH, **{"trung-tam": "xa-an-binh"})
    assert denied.status_code == 403 and "ngoài phạm vi" in denied.content.decode()
    client.force_login(people.director)
    listed = "/giam-sat/ho-so/?chi-so=received&ky=khoang&tu=2026-03-01&den=2026-03-31"
    assert sorted(listed_codes(client, listed)) == sorted("ABCEFHIM")


@pytest.mark.parametrize("who", ["specialist", "citizen", "reception", "clerk"])
@pytest.mark.parametrize("url", [URL, "/giam-sat/ho-so/?chi-so=received", "/giam-sat/bao-cao/"])
def test_others_are_refused_in_vietnamese(client, people, who, url):
    response = page(client, getattr(people, who), url)
    assert response.status_code == 403
    assert "Bạn không có quyền xem số liệu giám sát, đánh giá." in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "next=/giam-sat/" in response["Location"]


def test_bad_filters_are_explained(client, people):
    response = page(client, people.supervisor, ky="khoang", tu="2026-03-31", den="2026-03-01")
    assert response.status_code == 400
    assert "Ngày kết thúc kỳ phải từ ngày bắt đầu trở đi." in response.content.decode()
    unknown = page(client, people.supervisor, **{"trung-tam": "khong-co"})
    assert unknown.status_code == 400 and "Không có mã “khong-co”" in unknown.content.decode()


# --- the figures ------------------------------------------------------------------------------


def test_dashboard_figures_equal_kpi_figures(client, rows, people):  # noqa: F811
    response = page(client, people.supervisor, **MARCH)
    ctx, k = response.context, march()
    names = ("received", "carried_over", "received_new", "received_online", "received_counter",
             "received_postal")  # fmt: skip
    assert [c["value"] for c in ctx["received"]] == [k.counts[n] for n in names]
    names = ("finished_early", "finished_on_time", "finished_late", "in_progress_on_time",
             "in_progress_overdue", "returned", "refused", "withdrawn")  # fmt: skip
    assert [c["value"] for c in ctx["results"]] == [k.counts[n] for n in names]
    for r in ctx["rates"]:
        f = k.figures[r["line"].figure]
        assert (r["line"].numerator, r["line"].denominator, r["line"].value) == (
            f.numerator, f.denominator, f.value,
        )  # fmt: skip
    html = response.content.decode()
    assert "54,5%" in html  # 2.1 = 6/11
    assert "36,4%" in html  # 5.4 = 4/11
    # 3.3 = 4/10 next to its target (50%) and judged against it
    online = next(r["line"] for r in ctx["rates"] if r["line"].figure == "online_rate")
    assert online.target_shown == "50,0%" and online.meets is False
    on_time = next(r["line"] for r in ctx["rates"] if r["line"].figure == "on_time_rate")
    assert on_time.target is None  # the reference gives 2.1 no threshold: none invented
    assert "Chưa tính được tổng điểm" in html and "Công khai, minh bạch" in html


@pytest.mark.parametrize(
    "figure", ["received", "carried_over", "finished_late", "in_progress_overdue",
               "on_time_rate", "satisfaction_rate", "digitization_rate", "returned"],
)  # fmt: skip
def test_every_figure_links_to_exactly_its_dossiers(client, rows, people, figure):  # noqa: F811
    html = page(client, people.supervisor, **MARCH).content.decode()
    found = links(html, figure)
    assert found, figure
    period = selectors.period_of(date(2026, 3, 1), date(2026, 3, 31))
    expected = sorted(selectors.dossiers_behind(figure, period).values_list("code", flat=True))
    assert sorted(listed_codes(client, found[0])) == expected


def test_a_rate_links_to_its_denominator_too(client, rows, people):  # noqa: F811
    html = page(client, people.supervisor, **MARCH).content.decode()
    den = [unescape(h) for h in re.findall(r'href="([^"]*chi-so=online_payment_rate[^"]*)"', html)
           if "mau=1" in h]  # fmt: skip
    assert sorted(listed_codes(client, den[0])) == ["A", "B", "E"]


def test_the_list_links_each_dossier_and_exports_excel(client, rows, people):  # noqa: F811
    client.force_login(people.supervisor)
    params = MARCH | {"chi-so": "finished_late"}
    html = client.get("/giam-sat/ho-so/", params).content.decode()
    assert "4 hồ sơ" in html  # C, D, E, M
    response = client.get("/giam-sat/ho-so/", params | {"xuat": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    assert ws["A4"].value == "Mã hồ sơ"
    assert sorted(ws.cell(r, 1).value for r in range(5, ws.max_row + 1)) == list("CDEM")
    assert ws.cell(5, 2).value.startswith("2.000635 — Cấp Phiếu lý lịch tư pháp")
    assert client.get("/giam-sat/ho-so/", {"chi-so": "khong-co"}).status_code == 404


def test_today_deadlines_per_agency(client, rows, people, version):  # noqa: F811
    """Today every golden dossier still open (F, G, L) is overdue or paused, by the rows."""
    response = page(client, people.supervisor)
    rows_ = response.context["deadlines"]
    assert [r["agency"] for r in rows_] == [version.agency]
    today = selectors.period_of(date.today(), date.today())
    k = selectors.kpi_figures(today)
    assert rows_[0]["in_progress_overdue"] == k.counts["in_progress_overdue"]
    assert rows_[0]["in_progress_on_time"] == k.counts["in_progress_on_time"]
    overdue = sorted(listed_codes(client, rows_[0]["overdue_url"]))
    assert overdue == sorted(selectors.dossiers_behind("in_progress_overdue", today)
                             .values_list("code", flat=True))  # fmt: skip


def test_the_hall_comes_from_the_queue(client, people, center):
    group = factories.service_group(center, counters=3)
    factories.service_group(center, prefix="B", name="Đất đai", counters=1)
    for _ in range(2):
        queue_services.issue_ticket(group=group)
    hall = page(client, people.supervisor).context["hall"]
    mine = next(h for h in hall if h["center"] == center)
    assert mine["waiting"] == 2 and mine["counters_open"] == 4 and mine["issued"] == 2
    assert [(g["count"].waiting, g["counters"]) for g in mine["groups"]] == [(2, 3), (0, 1)]


def test_charts_are_inline_svg_with_a_table(client, rows, people):  # noqa: F811
    html = page(client, people.supervisor, **MARCH).content.decode()
    assert html.count('<svg role="img"') == 4
    assert "<script" not in html.split("<body", 1)[1].replace(
        '<script src="/static/django_htmx/', ""
    )  # no script but htmx's, loaded by the base template
    assert "Bảng số liệu của biểu đồ" in html
    assert "Hồ sơ nhận giải quyết theo tháng" in html


def test_monthly_trend_equals_kpi_figures(client, rows, people):  # noqa: F811
    ctx = page(client, people.supervisor, **MARCH).context
    months = ctx["trends"][1]["data"]["rows"]
    assert [m["label"] for m in months][-2:] == ["2/2026", "3/2026"]
    k = march()
    assert (months[-1]["received"], months[-1]["on_time"]) == (
        k.counts["received"], k.counts["on_time"],
    )  # fmt: skip


def test_print_view(client, rows, people):  # noqa: F811
    response = page(client, people.supervisor, **MARCH, **{"in": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "A4 landscape" in html and 'class="site-header"' not in html
    assert "54,5%" in html
