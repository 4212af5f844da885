"""`motcua export-catalog FILE [--on YYYY-MM-DD]`: the catalog in force, as .json or .xlsx."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.catalog.catalog_io import write_catalog
from motcua.catalog.management.commands.import_catalog import parse_date


class Command(BaseCommand):
    help = gettext_noop(
        "Xuất danh mục thủ tục đang có hiệu lực ra tệp JSON hoặc Excel .xlsx "
        "(định dạng nhập lại được). Xem docs/catalog-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Tệp .json hoặc .xlsx sẽ ghi"))
        parser.add_argument(
            "--on",
            help=_("Xuất các phiên bản có hiệu lực vào ngày này (YYYY-MM-DD)."),
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if path.suffix.lower() not in (".json", ".xlsx"):
            raise CommandError(_("Chỉ xuất ra tệp .json hoặc .xlsx: %(file)s") % {"file": path})
        try:
            written = write_catalog(path, on=parse_date(options.get("on")))
        except OSError as exc:
            raise CommandError(
                _("Không ghi được tệp %(file)s (%(error)s).")
                % {"file": path, "error": exc.strerror or exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã xuất %(procedures)d thủ tục, %(agencies)d cơ quan ra %(file)s.")
                % {**written, "file": path}
            )
        )
