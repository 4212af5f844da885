"""`motcua sweep-deadlines [--now]`: mark due-soon and overdue dossiers and steps, warn by email.

Run it from cron every 15 minutes during working hours, e.g. `*/15 7-17 * * 1-6
/srv/motcua/.venv/bin/motcua sweep-deadlines`. By default it enqueues the task for the worker
(`motcua db_worker`); `--now` sweeps in this process. Each warning is sent once.
"""

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.workflow.tasks import sweep, sweep_deadlines


class Command(BaseCommand):
    help = gettext_noop(
        "Đánh dấu hồ sơ, bước xử lý sắp đến hạn hoặc quá hạn và gửi thư báo (mỗi lần một thư)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help=_("Chạy ngay trong tiến trình này, không xếp hàng")
        )

    def handle(self, *args, **options) -> None:
        if options["now"]:
            counts = sweep()
            self.stdout.write(
                _(
                    "Sắp đến hạn: %(runs_due_soon)d bước, %(dossiers_due_soon)d hồ sơ; quá hạn: "
                    "%(runs_overdue)d bước, %(dossiers_overdue)d hồ sơ; đã gửi %(emails)d thư; "
                    "%(failed)d lỗi."
                )
                % counts
            )
            return
        result = sweep_deadlines.enqueue()
        self.stdout.write(_("Đã xếp hàng việc rà soát hạn xử lý (%(id)s).") % {"id": result.id})
