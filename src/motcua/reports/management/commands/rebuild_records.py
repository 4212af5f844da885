"""`motcua rebuild-records`: (re)write the fact row of every received dossier.

The services keep the rows current as dossiers change; this rebuilds them all, e.g. after a
change of the rules in `motcua.domain.kpi` or of a center's calendar. Safe to run at any time
(one transaction per batch; a row is written whole or not at all). It ends by recomputing the
summary counts from every row (one transaction; writers wait for it).
"""

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.reports.services import rebuild_records


class Command(BaseCommand):
    help = gettext_noop("Tính lại số liệu chỉ số (Quyết định 766) của mọi hồ sơ đã tiếp nhận.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=500, help=_("Số hồ sơ mỗi giao dịch (mặc định 500)")
        )

    def handle(self, *args, **options) -> None:
        count = rebuild_records(batch=max(1, options["batch"]))
        self.stdout.write(
            self.style.SUCCESS(_("Đã tính lại số liệu của %(count)d hồ sơ.") % {"count": count})
        )
