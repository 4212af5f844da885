"""`motcua import-catalog FILE [--dry-run] [--effective-from YYYY-MM-DD]`."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.catalog.catalog_io import CatalogRejected, read_catalog
from motcua.catalog.importing import import_catalog


def parse_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Ngày “%(value)s” không hợp lệ; cần dạng YYYY-MM-DD.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = gettext_noop(
        "Nhập danh mục thủ tục hành chính (và cơ quan) từ tệp JSON hoặc Excel .xlsx. "
        "Tệp có lỗi bị từ chối cả tệp, không ghi gì. Xem docs/catalog-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Tệp .json hoặc .xlsx"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Chỉ kiểm tra và báo sẽ nhập những gì; không ghi gì."),
        )
        parser.add_argument(
            "--effective-from",
            help=_(
                "Ngày hiệu lực (YYYY-MM-DD) cho thủ tục không ghi effective_from; mặc định hôm nay."
            ),
        )

    def handle(self, *args, **options) -> None:
        effective_from = parse_date(options.get("effective_from"))
        document = read_catalog(options["file"])
        for warning in document.warnings:
            self.stderr.write(self.style.WARNING(_("Cảnh báo: %(warning)s") % {"warning": warning}))
        try:
            report = import_catalog(
                document=document,
                dry_run=options["dry_run"],
                default_effective_from=effective_from,
            )
        except CatalogRejected as exc:
            raise CommandError(exc.report()) from exc
        if options["verbosity"] >= 2:
            labels = {"created": _("mới"), "amended": _("sửa đổi"), "unchanged": _("không đổi")}
            for code, outcome in report.outcomes:
                self.stdout.write(f"  {code}: {labels[outcome]}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
