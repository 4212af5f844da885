"""`motcua export-process PROCEDURE_CODE FILE [--number N]`: a process as JSON.

Without --number: the published process; a procedure without its own process exports the
default process (scaled to its legal time limit), a starting point to edit and import.
See docs/process-format.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.catalog.models import Procedure
from motcua.workflow import selectors
from motcua.workflow.process_io import dump_spec, export_process, write_json
from motcua.workflow.specs import default_spec


class Command(BaseCommand):
    help = gettext_noop(
        "Xuất quy trình điện tử của một thủ tục ra tệp JSON (nhập lại được bằng "
        "import-process). Xem docs/process-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("procedure", help=_("Mã thủ tục, ví dụ 1.013831"))
        parser.add_argument("file", help=_("Tệp .json sẽ ghi"))
        parser.add_argument(
            "--number",
            type=int,
            help=_("Xuất phiên bản quy trình này (kể cả bản nháp); mặc định: bản đang áp dụng."),
        )

    def handle(self, *args, **options) -> None:
        code, path = options["procedure"], Path(options["file"])
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise CommandError(_("Không có thủ tục mã %(code)s.") % {"code": code})
        number = options.get("number")
        if number is not None:
            process = procedure.processes.filter(number=number).first()
            if process is None:
                raise CommandError(
                    _("Thủ tục %(code)s không có quy trình phiên bản %(number)d.")
                    % {"code": code, "number": number}
                )
        else:
            process = selectors.published_process(procedure)
        if process is not None:
            document = export_process(process)
            done = _("Đã xuất quy trình %(code)s phiên bản %(number)d ra %(file)s.") % {
                "code": code,
                "number": process.number,
                "file": path,
            }
        else:
            version = selectors.current_version(procedure)
            if version is None:
                raise CommandError(
                    _("Thủ tục %(code)s chưa có phiên bản nào đang hiệu lực.") % {"code": code}
                )
            spec = default_spec(procedure_code=code, time_limit_days=version.time_limit_days)
            document = dump_spec(spec, procedure_name=version.name, source={"default": True})
            done = _(
                "Thủ tục %(code)s chưa có quy trình riêng: đã xuất quy trình mặc định ra %(file)s."
            ) % {"code": code, "file": path}
        try:
            write_json(document, path)
        except OSError as exc:
            raise CommandError(
                _("Không ghi được tệp %(file)s (%(error)s).")
                % {"file": path, "error": exc.strerror or exc}
            ) from exc
        self.stdout.write(self.style.SUCCESS(done))
