"""Reads from the directory."""

from datetime import time

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from motcua.directory.models import CalendarOverride, ServiceCenter
from motcua.domain.workcalendar import Session, WorkCalendar


def _parse(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def calendar_for_center(center: ServiceCenter) -> WorkCalendar:
    """The center's working-day calendar: its sessions, the national holidays, its overrides.

    Overrides with no center (a province-wide day swap) apply too; a center's own override of
    the same date wins.
    """
    sessions = [Session(s.start, s.end) for s in center.working_sessions.order_by("start")]
    if not sessions:
        sessions = [
            Session(_parse(a), _parse(b)) for a, b in settings.MOTCUA_DEFAULT_WORKING_SESSIONS
        ]
    kinds: dict = {}
    overrides = CalendarOverride.objects.filter(Q(center=center) | Q(center__isnull=True))
    # Global rows first so the center's own rows overwrite them.
    for date, kind, _center in sorted(
        overrides.values_list("date", "kind", "center_id"), key=lambda r: r[2] is not None
    ):
        kinds[date] = kind
    return WorkCalendar(
        sessions=tuple(sessions),
        tz=settings.TIME_ZONE,
        extra_days_off=frozenset(d for d, k in kinds.items() if k == CalendarOverride.Kind.DAY_OFF),
        extra_working_days=frozenset(
            d for d, k in kinds.items() if k == CalendarOverride.Kind.WORKING_DAY
        ),
    )


def posted_centers(user) -> list[ServiceCenter]:
    """Centers the user is posted to today (StaffAssignment start_date <= today <= end_date)."""
    today = timezone.localdate()
    return list(
        ServiceCenter.objects.filter(
            assignments__user=user,
            assignments__start_date__lte=today,
            assignments__end_date__gte=today,
        )
        .select_related("agency")
        .distinct()
        .order_by("name")
    )
