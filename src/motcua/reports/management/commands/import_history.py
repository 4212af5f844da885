"""`motcua import-history FILE [--dry-run]`: carry over a center's history (JSON Lines).

For administrators, once, when a center switches to motcua (docs/operations.md). The whole
file is checked first; any problem and nothing is written. Codes already present are skipped,
so running it again changes nothing. Format: docs/history-format.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.reports.history import MAX_PROBLEMS, HistoryFileChanged, import_history


class Command(BaseCommand):
    help = gettext_noop(
        "Nhập dữ liệu lịch sử hồ sơ (JSON Lines, mỗi dòng một hồ sơ) khi trung tâm chuyển "
        "sang motcua."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Tệp JSON Lines (docs/history-format.md)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Chỉ kiểm tra và báo cáo, không ghi gì")
        )
        parser.add_argument(
            "--batch", type=int, default=1000, help=_("Số hồ sơ mỗi giao dịch (mặc định 1000)")
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        try:
            report = import_history(
                path=path, dry_run=options["dry_run"], batch=max(1, options["batch"])
            )
        except HistoryFileChanged as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            if report.problem_count > MAX_PROBLEMS:
                self.stderr.write(
                    _("… và %(count)d lỗi khác.") % {"count": report.problem_count - MAX_PROBLEMS}
                )
            raise CommandError(
                _("Tệp bị từ chối: %(count)d lỗi trong %(lines)d dòng. Không có gì được ghi.")
                % {"count": report.problem_count, "lines": report.lines}
            )
        for code in report.skipped[:20]:
            self.stdout.write(_("Bỏ qua %(code)s: mã hồ sơ đã có.") % {"code": code})
        if len(report.skipped) > 20:
            self.stdout.write(
                _("… và %(count)d hồ sơ đã có khác.") % {"count": len(report.skipped) - 20}
            )
        counts = {"lines": report.lines, "new": report.new, "skipped": len(report.skipped)}
        if report.dry_run:
            self.stdout.write(self.style.SUCCESS(
                _("Kiểm tra xong, tệp hợp lệ: %(lines)d dòng; sẽ nhập %(new)d hồ sơ, bỏ qua "
                  "%(skipped)d hồ sơ đã có. Chưa ghi gì (--dry-run).") % counts
            ))  # fmt: skip
            return
        counts["imported"] = report.imported
        self.stdout.write(self.style.SUCCESS(
            _("Đã nhập %(imported)d hồ sơ từ %(lines)d dòng; bỏ qua %(skipped)d hồ sơ đã có.")
            % counts
        ))  # fmt: skip
