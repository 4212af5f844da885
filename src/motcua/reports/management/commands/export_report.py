"""`motcua export-report --period 2026-11 --format xlsx --output FILE`: the periodic report as
a file, for scheduled exports (cron). One of --period (month), --quarter, --year; optional
--center and --agency codes (the whole province otherwise)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.directory.models import Agency, ServiceCenter
from motcua.domain import report_periods
from motcua.reports import exports, periodic, selectors
from motcua.reports.filters import period_label


class Command(BaseCommand):
    help = gettext_noop("Xuất báo cáo định kỳ (tháng, quý, năm) ra tệp Excel hoặc PDF.")

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", help=_("tháng, dạng 2026-11"))
        which.add_argument("--quarter", help=_("quý, dạng 2026-Q4"))
        which.add_argument("--year", help=_("năm, dạng 2026"))
        parser.add_argument("--center", help=_("mã trung tâm (mặc định: toàn tỉnh)"))
        parser.add_argument("--agency", help=_("mã định danh cơ quan"))
        parser.add_argument("--format", choices=["xlsx", "pdf"], required=True)
        parser.add_argument("--output", required=True, help=_("đường dẫn tệp sẽ ghi"))

    def handle(self, *args, **options):
        kind, code = next(
            (k, options[o]) for k, o in (("month", "period"), ("quarter", "quarter"),
                                         ("year", "year")) if options[o]
        )  # fmt: skip
        try:
            days = report_periods.parse(kind, code)
        except ValueError:
            raise CommandError(
                _("Kỳ “%(code)s” không hợp lệ (2026-11, 2026-Q4, 2026).") % {"code": code}
            ) from None
        center = agency = None
        if options["center"]:
            center = ServiceCenter.objects.filter(code=options["center"]).first()
            if center is None:
                raise CommandError(
                    _("Không có trung tâm mã “%(code)s”.") % {"code": options["center"]}
                )
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(
                    _("Không có cơ quan mã “%(code)s”.") % {"code": options["agency"]}
                )
        scope = selectors.Scope(center=center and center.pk, agency=agency and agency.pk)
        label = " · ".join(str(x) for x in (center, agency) if x) or _("Toàn tỉnh")
        p = selectors.period_of(days.first, days.last, now=timezone.now())
        report = periodic.build(p, scope, period_label=period_label(days), scope_label=label)
        body = (
            exports.report_workbook(report) if options["format"] == "xlsx"
            else exports.report_pdf(report)
        )  # fmt: skip
        out = Path(options["output"])
        tmp = out.with_name(out.name + ".part")  # never a half-written file under the name
        tmp.write_bytes(body)
        tmp.replace(out)
        self.stdout.write(f"{out} ({len(body)} B): {report.period_label}, {label}")
