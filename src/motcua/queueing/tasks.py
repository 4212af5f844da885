"""Background work of the queue: reminders for tomorrow's appointments (SMS and email), and the
SMS to people who asked to be told when their turn is near (queued after every call).

Run daily (e.g. at 16:00) by `motcua send-booking-reminders` from cron; see docs/operations.md.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from motcua.notifications.sms.registry import gateway
from motcua.queueing.booking import bookings_to_remind, claim_reminder, release_reminder

logger = logging.getLogger(__name__)


def _cancel_url(booking) -> str:
    """The cancellation link, absolute when settings.MOTCUA_SITE_URL names the public site."""
    path = reverse("queue:booking:cancel", args=[booking.cancel_token])
    site = getattr(settings, "MOTCUA_SITE_URL", "").rstrip("/")
    return f"{site}{path}" if site else ""


def remind_bookings(*, day: date) -> dict[str, int]:
    """Send one reminder per booking of `day` not reminded yet. A booking is claimed before
    sending (two runs at once never remind twice) and released if sending failed, so the next
    run tries again. Returns counts of sent SMS, emails and failures."""
    counts = {"sms": 0, "email": 0, "failed": 0}
    sms = gateway()
    for booking in bookings_to_remind(day=day):
        if not claim_reminder(booking):
            continue
        try:
            with translation.override("vi"):
                context = {"b": booking, "center": booking.group.center,
                           "cancel_url": _cancel_url(booking)}  # fmt: skip
                text = render_to_string("queueing/booking/reminder.sms.txt", context).strip()
                result = sms.send(phone=booking.phone, text=text)
                if not result.accepted:
                    raise RuntimeError(f"SMS gateway refused: {result.error}")
                counts["sms"] += 1
                if booking.email:
                    body = render_to_string("queueing/booking/reminder.txt", context)
                    subject = f"Nhắc lịch hẹn {booking.code} ngày {booking.date:%d/%m/%Y}"
                    send_mail(subject, body, None, [booking.email])
                    counts["email"] += 1
        except Exception:
            logger.exception("Reminder for booking %s failed", booking.pk)
            release_reminder(booking)
            counts["failed"] += 1
    return counts


@task()
def send_booking_reminders(day: str | None = None) -> dict[str, int]:
    """Reminders for the bookings of `day` (ISO date; default: tomorrow, local time)."""
    target = date.fromisoformat(day) if day else timezone.localdate() + timedelta(days=1)
    return remind_bookings(day=target)


def notify_tickets_ahead(*, center_id: int, day: date) -> int:
    """SMS the people who asked to be told when N or fewer are ahead of them; each only once."""
    from motcua.queueing.models import Ticket
    from motcua.queueing.selectors import tickets_to_notify

    sent = 0
    for ticket in tickets_to_notify(center_id, day):
        # Claim before sending so two workers never text the same person twice.
        if not Ticket.objects.filter(pk=ticket.pk, notified=False).update(notified=True):
            continue
        text = (
            f"So {ticket.label} tai {ticket.center.name}: sap den luot ban, "
            "xin vui long quay lai sanh cho."
        )
        result = gateway().send(phone=ticket.phone, text=text)
        if not result.accepted:
            Ticket.objects.filter(pk=ticket.pk).update(notified=False)
            continue
        sent += 1
    return sent


@task()
def send_ahead_notifications(center_id: int, day: str) -> int:
    return notify_tickets_ahead(center_id=center_id, day=date.fromisoformat(day))
