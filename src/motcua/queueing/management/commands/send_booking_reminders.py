"""`motcua send-booking-reminders [--date YYYY-MM-DD] [--now]`: remind tomorrow's bookings.

Run it daily from cron at 16:00, e.g. `0 16 * * * /srv/motcua/.venv/bin/motcua
send-booking-reminders`. By default it enqueues the task for the worker (`motcua db_worker`);
`--now` sends in this process.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.queueing.tasks import remind_bookings, send_booking_reminders


class Command(BaseCommand):
    help = gettext_noop(
        "Gửi tin nhắc lịch hẹn (SMS, thư điện tử) cho các lịch hẹn ngày mai chưa được nhắc."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", dest="day", help=_("Ngày của các lịch hẹn (YYYY-MM-DD; mặc định: ngày mai)")
        )
        parser.add_argument(
            "--now", action="store_true", help=_("Gửi ngay trong tiến trình này, không xếp hàng")
        )

    def handle(self, *args, **options) -> None:
        day = options["day"]
        if day:
            try:
                date.fromisoformat(day)
            except ValueError as exc:
                raise CommandError(
                    _("Ngày không hợp lệ: %(value)s (định dạng YYYY-MM-DD).") % {"value": day}
                ) from exc
        if options["now"]:
            if day:
                counts = remind_bookings(day=date.fromisoformat(day))
            else:
                counts = send_booking_reminders.call()
            self.stdout.write(_("Đã gửi %(sms)d tin nhắn, %(email)d thư; %(failed)d lỗi.") % counts)
            return
        result = send_booking_reminders.enqueue(day)
        self.stdout.write(_("Đã xếp hàng việc nhắc lịch hẹn (%(id)s).") % {"id": result.id})
