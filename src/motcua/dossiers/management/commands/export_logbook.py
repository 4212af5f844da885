"""`motcua export-logbook --agency CODE --from YYYY-MM-DD --to YYYY-MM-DD FILE`: Mẫu 06 as .xlsx."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.directory.models import Agency
from motcua.dossiers.logbook import logbook_rows, logbook_workbook, period_problem


def _day(raw: str, label: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(
            _("%(label)s không hợp lệ: %(value)s (định dạng YYYY-MM-DD).")
            % {"label": label, "value": raw}
        ) from exc


class Command(BaseCommand):
    help = gettext_noop(
        "Xuất Sổ theo dõi hồ sơ (Mẫu 06) của một cơ quan trong một khoảng thời gian ra tệp Excel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Tệp .xlsx sẽ ghi"))
        parser.add_argument(
            "--agency", required=True, help=_("Mã định danh cơ quan, ví dụ 000.00.12.H13")
        )
        parser.add_argument("--from", dest="start", required=True, help=_("Từ ngày (YYYY-MM-DD)"))
        parser.add_argument("--to", dest="end", required=True, help=_("Đến ngày (YYYY-MM-DD)"))

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("Chỉ xuất ra tệp .xlsx: %(file)s") % {"file": path})
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(
                _("Không có cơ quan mã %(code)s trong danh mục.") % {"code": options["agency"]}
            )
        start = _day(options["start"], _("Ngày bắt đầu"))
        end = _day(options["end"], _("Ngày kết thúc"))
        if problem := period_problem(start, end):
            raise CommandError(problem)
        rows = logbook_rows(agency=agency, start=start, end=end)
        content = logbook_workbook(agency=agency, start=start, end=end, rows=rows)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(
                _("Không ghi được tệp %(file)s (%(error)s).")
                % {"file": path, "error": exc.strerror or exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã xuất %(count)d hồ sơ của %(agency)s ra %(file)s.")
                % {"count": len(rows), "agency": agency.name, "file": path}
            )
        )
