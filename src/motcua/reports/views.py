"""Supervision pages (giám sát, đánh giá), mounted at /giam-sat/.

- `/giam-sat/` — the dashboard: today's hall, today's deadlines per agency, the figures of the
  period and scope next to their targets, the Decision 766 block, trends by week and month
  (SVG drawn on the server); `?in=1` is the print view (A4 landscape, no navigation).
- `/giam-sat/ho-so/?chi-so=<figure>&…` — the dossiers behind a figure (`mau=1`: behind its
  denominator), paginated, each linking to the staff dossier page; `xuat=xlsx` as Excel.
- `/giam-sat/bao-cao/` — the periodic report (month, quarter, year) per agency and field, on
  screen, as Excel (`dinh-dang=xlsx`) and PDF (`dinh-dang=pdf`).

Who sees what: `selectors.reach_of` (None: 403). Thin: figures from `reports.selectors`, the
hall from `queueing.selectors` / `queueing.stats`, the layout of the report from
`reports.periodic`, files from `reports.exports`.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.directory.models import Agency
from motcua.domain import kpi, report_periods
from motcua.queueing import selectors as queue_selectors
from motcua.queueing import stats as queue_stats
from motcua.queueing.models import ServiceGroup
from motcua.reports import charts, exports, figures, periodic, selectors
from motcua.reports.filters import (
    FilterForm,
    Filters,
    centers_in,
    period_label,
    scope_of,
)
from motcua.reports.forms import ReportForm

PAGE_SIZE = 50
HALL_CENTERS = 12  # the hall of at most this many centers on one page (choose a center for more)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workflow/forbidden.html", {"message": message}, status=403)


def _no_reach(request: HttpRequest) -> HttpResponse:
    return _forbidden(request, _("Bạn không có quyền xem số liệu giám sát, đánh giá."))


def _period(days: report_periods.DayRange, now) -> kpi.Period:
    return selectors.period_of(days.first, days.last, now=now)


def _list_url(filters: Filters, figure: str, *, denominator: bool = False, **changes) -> str:
    params = filters.params(**changes) | {"chi-so": figure}
    if denominator:
        params["mau"] = "1"
    return f"{reverse('reports:dossiers')}?{urlencode(params)}"


def _range_changes(days: report_periods.DayRange) -> dict[str, str]:
    return {"ky": "khoang", "tu": days.first.isoformat(), "den": days.last.isoformat()}


def _invalid(request, form, template: str, context: dict) -> HttpResponse:
    if form.out_of_reach:
        return _forbidden(request, " ".join(form.out_of_reach))
    return render(request, template, context | {"form": form}, status=400)


# --- the dashboard -------------------------------------------------------------------------


def _hall(filters: Filters, today: date) -> tuple[list[dict], int]:
    """Today's hall per center in scope: waiting per service group, counters open, tickets
    issued and served, the average wait (the queueing app's own reads)."""
    centers = [filters.center] if filters.center else list(centers_in(filters.reach))
    if filters.unit and not filters.center:
        centers = [c for c in centers if c.unit_id == filters.unit.pk]
    with_groups = set(
        ServiceGroup.objects.filter(center__in=centers, is_active=True).values_list(
            "center_id", flat=True
        )
    )
    centers = [c for c in centers if c.pk in with_groups]
    hidden = max(0, len(centers) - HALL_CENTERS)
    out = []
    for center in centers[:HALL_CENTERS]:
        counts = queue_selectors.waiting_counts(center.pk, today)
        groups = {g.pk: g for g in ServiceGroup.objects.filter(pk__in=[c.group_id for c in counts])}
        day = queue_stats.queue_stats(center=center, start=today, end=today).total
        out.append({
            "center": center,
            "waiting": sum(c.waiting for c in counts),
            "counters_open": queue_selectors.open_counter_count(center.pk),
            "issued": day.issued, "served": day.served, "wait_min": day.wait.mean_min,
            "groups": [
                {"count": c, "counters": queue_selectors.open_counters(groups[c.group_id])}
                for c in counts
            ],
        })  # fmt: skip
    return out, hidden


def _deadlines(filters: Filters, today: date, now) -> list[dict]:
    days = report_periods.DayRange("day", today, today)
    p = _period(days, now)
    counts = selectors.deadline_counts(p, filters.scope)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=counts)}
    today_changes = {"ky": "hom-nay", "tu": None, "den": None}
    rows = []
    for agency_id, c in counts.items():
        agency = agencies[agency_id]
        link = dict(today_changes, co_quan=agency.code)
        rows.append({
            "agency": agency, **c,
            "on_time_url": _list_url(filters, "in_progress_on_time", **link),
            "due_url": _list_url(filters, figures.DUE, **link),
            "overdue_url": _list_url(filters, "in_progress_overdue", **link),
        })  # fmt: skip
    rows.sort(key=lambda r: (-r["in_progress_overdue"], -r["due"], r["agency"].name))
    return rows


def _trend(filters: Filters, ranges: list[report_periods.DayRange], labels: list[str], now,
           kind: str) -> dict:  # fmt: skip
    points = selectors.series([_period(r, now) for r in ranges], filters.scope)
    rows = []
    for r, label, point in zip(ranges, labels, points, strict=True):
        rate = kpi.ratio(point["on_time"], point["received"])
        changes = _range_changes(r)
        rows.append({
            "label": label, "range": r, "received": point["received"],
            "on_time": point["on_time"], "rate": figures.percent(rate),
            "percent": None if rate is None else round(float(rate) * 100, 1),
            "received_url": _list_url(filters, "received", **changes),
            "on_time_url": _list_url(filters, "on_time", **changes),
        })  # fmt: skip
    target = figures.threshold("2.1")
    title_received = (
        _("Hồ sơ nhận giải quyết theo tuần") if kind == "week"
        else _("Hồ sơ nhận giải quyết theo tháng")
    )  # fmt: skip
    title_rate = (
        _("Tỷ lệ giải quyết đúng hạn theo tuần (%)") if kind == "week"
        else _("Tỷ lệ giải quyết đúng hạn theo tháng (%)")
    )  # fmt: skip
    return {
        "rows": rows,
        "title_received": title_received,
        "title_rate": title_rate,
        "received_svg": charts.bar_svg(title_received, labels, [r["received"] for r in rows]),
        "rate_svg": charts.rate_svg(
            title_rate,
            labels,
            [r["percent"] for r in rows],
            target=None if target is None else float(target) * 100,
            target_label=_("Chỉ tiêu"),
        ),  # fmt: skip
    }


def _count_block(filters: Filters, result: selectors.Kpi, names: tuple[str, ...]) -> list[dict]:
    return [
        {"label": figures.label_of(n), "value": result.counts[n],
         "url": _list_url(filters, n)}
        for n in names
    ]  # fmt: skip


def _score_block(result: selectors.Kpi) -> dict:
    groups = []
    for g in result.score.groups:
        groups.append({
            "key": g.key, "name": figures.GROUP_LABELS.get(g.key, g.name), "points": g.points,
            "score": None if g.score is None else f"{float(g.score):.2f}".replace(".", ","),
            "note": figures.translate_missing(g.note),
            "indices": [
                {"key": i.key, "name": figures.INDEX_LABELS.get(i.key, i.name),
                 "rate": figures.percent(i.rate), "points": i.points,
                 "threshold": figures.percent(i.threshold) if i.threshold else "",
                 "score": None if i.score is None else f"{float(i.score):.2f}".replace(".", ","),
                 "missing": figures.translate_missing(i.missing)}
                for i in g.indices
            ],
        })  # fmt: skip
    s = result.score
    return {
        "groups": groups,
        "total": None if s.total is None else f"{float(s.total):.2f}".replace(".", ","),
        "scored": f"{float(s.scored):.2f}".replace(".", ","),
        "scored_max": s.scored_max,
    }


def _procedures(result: selectors.Kpi) -> dict:
    f, target = result.procedures_online, figures.threshold("3.1")
    meets = None if f.value is None or target is None else f.value >= target
    return {"value": figures.percent(f.value), "numerator": f.numerator,
            "denominator": f.denominator, "target": figures.percent(target), "meets": meets}  # fmt: skip


def _weeks_labels(weeks: list[report_periods.DayRange]) -> list[str]:
    return [w.first.strftime("%d/%m") for w in weeks]


def _months_labels(months: list[report_periods.DayRange]) -> list[str]:
    return [f"{m.number}/{m.year}" for m in months]


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    reach = selectors.reach_of(request.user)
    if reach is None:
        return _no_reach(request)
    now = timezone.now()
    today = timezone.localdate(now)
    form = FilterForm(request.GET or None, reach=reach, today=today)
    if request.GET and not form.is_valid():
        return _invalid(request, form, "reports/dashboard.html", {"invalid": True})
    if not request.GET:
        form = FilterForm({"ky": "thang"}, reach=reach, today=today)
        form.is_valid()
    filters = form.filters()
    p = _period(filters.days, now)
    result = selectors.kpi_figures(p, filters.scope)
    hall, hall_hidden = _hall(filters, today)
    anchor = min(filters.days.last, today)
    weeks, months = report_periods.last_weeks(anchor), report_periods.last_months(anchor)
    rates = []
    for line in figures.rate_lines(result):
        rates.append({
            "line": line, "url": _list_url(filters, line.figure),
            "den_url": _list_url(filters, line.figure, denominator=True),
        })  # fmt: skip
    avg = result.figures["average_resolution_days"]
    context = {
        "form": form,
        "filters": filters,
        "period_label": period_label(filters.days),
        "judged_at": p.judge,
        "today": today,
        "hall": hall,
        "hall_hidden": hall_hidden,
        "deadlines": _deadlines(filters, today, now),
        "received": _count_block(filters, result, (
            "received", "carried_over", "received_new", "received_online",
            "received_counter", "received_postal")),
        "results": _count_block(filters, result, (
            "finished_early", "finished_on_time", "finished_late", "in_progress_on_time",
            "in_progress_overdue", "returned", "refused", "withdrawn")),
        "rates": rates,
        "average": {"value": figures.days(avg.value), "count": avg.denominator,
                    "url": _list_url(filters, "average_resolution_days")},
        "procedures": _procedures(result),
        "score": _score_block(result),
        "trends": [
            {"heading": _("Xu hướng 12 tuần gần nhất"), "column": _("Tuần từ ngày"),
             "data": _trend(filters, weeks, _weeks_labels(weeks), now, "week")},
            {"heading": _("Xu hướng 12 tháng gần nhất"), "column": _("Tháng"),
             "data": _trend(filters, months, _months_labels(months), now, "month")},
        ],
        "print_url": f"{request.path}?{filters.query(**{'in': '1'})}",
        "report_url": reverse("reports:periodic"),
    }  # fmt: skip
    template = "reports/dashboard_print.html" if request.GET.get("in") else "reports/dashboard.html"
    return render(request, template, context)


# --- a figure's dossiers --------------------------------------------------------------------


def _records(figure: str, p: kpi.Period, scope: selectors.Scope, denominator: bool):
    if figure == figures.DUE:
        qs = selectors.dossiers_due(p, scope)
    elif figure in figures.UNIONS:
        parts = [selectors.dossiers_behind(part, p, scope) for part in figures.UNIONS[figure]]
        qs = parts[0]
        for part in parts[1:]:
            qs = qs | part
        qs = qs.order_by("received_at", "code")
    else:
        qs = selectors.dossiers_behind(figure, p, scope, denominator=denominator)
    return qs.select_related("procedure", "agency", "center")


@require_GET
@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    reach = selectors.reach_of(request.user)
    if reach is None:
        return _no_reach(request)
    now = timezone.now()
    today = timezone.localdate(now)
    figure = request.GET.get("chi-so", "")
    if not figures.is_listable(figure):
        raise Http404(_("Không có chỉ số “%(name)s”.") % {"name": figure[:40]})
    form = FilterForm(request.GET, reach=reach, today=today)
    if not form.is_valid():
        return _invalid(request, form, "reports/dossier_list.html", {"invalid": True})
    filters = form.filters()
    denominator = request.GET.get("mau") == "1" and figures.denominator_of(figure) is not None
    p = _period(filters.days, now)
    records = _records(figure, p, filters.scope, denominator)
    title = figures.label_of(figure)
    if denominator:
        title = _("%(figure)s — mẫu số: %(den)s") % {
            "figure": title,
            "den": figures.label_of(figures.denominator_of(figure) or ""),
        }
    subtitle = f"{period_label(filters.days)} · {filters.scope_label}"
    if request.GET.get("xuat") == "xlsx":
        ids = records.order_by().values_list("procedure_id", flat=True).distinct()
        names = selectors.procedure_names(ids)
        body = exports.list_workbook(title, subtitle, records.iterator(chunk_size=2000), names)
        response = HttpResponse(body, content_type=XLSX)
        name = f"ho-so-{figure}-{filters.days.first:%Y%m%d}-{filters.days.last:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("trang"))
    names = selectors.procedure_names(r.procedure_id for r in page.object_list)
    for r in page.object_list:
        r.procedure_name = names.get(r.procedure_id, "")
        r.page_url = reverse("work:dossier", args=[r.code]) if r.dossier_id else ""
    params = {k: v for k, v in request.GET.items() if k != "trang"}
    context = {
        "title": title, "subtitle": subtitle, "page": page, "filters": filters,
        "figure": figure, "judged_at": p.judge,
        "base_query": urlencode(params),
        "xlsx_url": f"{request.path}?{urlencode(params | {'xuat': 'xlsx'})}",
        "dashboard_url": f"{reverse('reports:dashboard')}?{filters.query()}",
        "satisfaction_note": figure == "satisfaction_rate" and not denominator,
    }  # fmt: skip
    return render(request, "reports/dossier_list.html", context)


# --- the periodic report --------------------------------------------------------------------


def _report_cells(report: periodic.Report, base: Filters) -> list[dict]:
    """The report's rows with a link behind every number (the field-less rows: no link)."""
    changes = _range_changes(base.days)

    def cells(row: periodic.Row, **scope) -> list[tuple[int, str]]:
        return [(row.values[k], _list_url(base, k, **changes, **scope)) for k in periodic.KEYS]

    out = []
    for n, s in enumerate(report.sections, 1):
        out.append({
            "number": n, "section": s, "total": cells(s.total, co_quan=s.code),
            "rows": [
                {"number": f"{n}.{m}", "row": r,
                 "cells": cells(r, co_quan=s.code, linh_vuc=r.field_slug) if r.field_slug
                 else [(v, "") for v in r.cells]}
                for m, r in enumerate(s.rows, 1)
            ],
        })  # fmt: skip
    return out


@require_GET
@login_required
def periodic_report(request: HttpRequest) -> HttpResponse:
    reach = selectors.reach_of(request.user)
    if reach is None:
        return _no_reach(request)
    today = timezone.localdate()
    form = ReportForm(request.GET or None, reach=reach, today=today)
    if request.GET and not form.is_valid():
        return _invalid(request, form, "reports/periodic.html", {"invalid": True})
    if not request.GET:
        form = ReportForm({"loai": "thang"}, reach=reach, today=today)
        form.is_valid()
    days, chosen = form.period_and_scope()
    scope = scope_of(reach, **chosen)
    p = _period(days, timezone.now())
    base = Filters(preset="khoang", days=days, reach=reach, procedure=None, **chosen)
    report = periodic.build(p, scope, period_label=period_label(days),
                            scope_label=base.scope_label)  # fmt: skip
    fmt = request.GET.get("dinh-dang", "")
    if fmt == "xlsx":
        response = HttpResponse(exports.report_workbook(report), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.report_filename(report, "xlsx")}"'
        )
        return response
    if fmt == "pdf":
        pdf = exports.report_pdf(report, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="{exports.report_filename(report, "pdf")}"'
        )
        return response
    params = {k: v for k, v in request.GET.items() if k != "dinh-dang"} or {"loai": "thang"}
    context = {
        "form": form, "report": report, "sections": _report_cells(report, base),
        "total_cells": [(v, _list_url(base, k, **_range_changes(days)))
                        for k, v in zip(periodic.KEYS, report.total.cells, strict=True)],
        "xlsx_url": f"{request.path}?{urlencode(params | {'dinh-dang': 'xlsx'})}",
        "pdf_url": f"{request.path}?{urlencode(params | {'dinh-dang': 'pdf'})}",
        "dashboard_url": f"{reverse('reports:dashboard')}?{base.query()}",
        "numbers": range(1, 3 + len(periodic.KEYS)),
    }  # fmt: skip
    return render(request, "reports/periodic.html", context)
