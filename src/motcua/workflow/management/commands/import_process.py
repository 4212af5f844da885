"""`motcua import-process FILE [--publish]`: a process file becomes a new draft.

A file with any problem is rejected whole (a list of path · field: problem, exit status 1).
See docs/process-format.md.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.workflow import selectors
from motcua.workflow.process_io import ProcessFileRejected, import_process, read_process
from motcua.workflow.specs import spec_from_process


class Command(BaseCommand):
    help = gettext_noop(
        "Nhập quy trình điện tử từ tệp JSON thành một bản nháp mới (--publish: xuất bản luôn). "
        "Tệp có lỗi bị từ chối cả tệp, không ghi gì. Xem docs/process-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Tệp .json"))
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_(
                "Xuất bản ngay (thay quy trình đang áp dụng); không đạt kiểm tra thì không ghi gì."
            ),
        )

    def handle(self, *args, **options) -> None:
        document = read_process(options["file"])
        try:
            process = import_process(document=document, publish=options["publish"])
        except ProcessFileRejected as exc:
            raise CommandError(exc.report()) from exc
        values = {"code": process.procedure.code, "number": process.number}
        if options["publish"]:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Đã nhập và xuất bản quy trình %(code)s phiên bản %(number)d.") % values
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nhập bản nháp quy trình %(code)s phiên bản %(number)d.") % values
            )
        )
        problems = selectors.publish_problems(
            spec_from_process(process), procedure=process.procedure
        )
        for problem in problems:
            self.stderr.write(
                self.style.WARNING(_("Chưa xuất bản được: %(problem)s") % {"problem": problem})
            )
