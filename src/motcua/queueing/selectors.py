"""Reads from the queue. Small functions; shared module (append new selectors at the end)."""

# --- public side: ticket page, kiosk, display board (issue 5) ------------------------------
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from motcua.directory.models import Counter
from motcua.queueing.estimates import average_minutes
from motcua.queueing.models import (
    PriorityCategory,
    ServiceGroup,
    Ticket,
    TicketEvent,
)

AVERAGE_OVER = 100  # the last N finished tickets of the day make the average service time


def _before(ticket: Ticket) -> Q:
    """Tickets ordered before `ticket` in call_next's order (priority_rank, issued_at, id)."""
    rank, issued = ticket.priority_rank, ticket.issued_at
    return (
        Q(priority_rank__lt=rank)
        | Q(priority_rank=rank, issued_at__lt=issued)
        | Q(priority_rank=rank, issued_at=issued, id__lt=ticket.id)
    )


def people_ahead(ticket: Ticket) -> int:
    """Waiting tickets that a counter calls before this one (0 unless it is waiting).

    As in services.call_next: a ticket with no target counter waits for the counters of its
    group, so tickets of its group and tickets transferred to one of those counters count; a
    ticket transferred to one counter waits for that counter, so tickets transferred there and
    tickets of the groups it serves count.
    """
    if ticket.status != Ticket.Status.WAITING:
        return 0
    if ticket.target_counter_id is None:
        group_counters = ServiceGroup.counters.through.objects.filter(
            servicegroup_id=ticket.group_id
        ).values("counter_id")
        competing = Q(group_id=ticket.group_id, target_counter__isnull=True) | Q(
            target_counter_id__in=group_counters
        )
    else:
        served = ServiceGroup.objects.filter(
            counters=ticket.target_counter_id, is_active=True
        ).values("id")
        competing = Q(target_counter_id=ticket.target_counter_id) | Q(
            group_id__in=served, target_counter__isnull=True
        )
    return (
        Ticket.objects.filter(competing, _before(ticket), status=Ticket.Status.WAITING,
                              day=ticket.day)
        .exclude(pk=ticket.pk)
        .count()
    )  # fmt: skip


def average_service_minutes(group: ServiceGroup, day: date) -> float:
    """Mean of finished_at − started_at over the group's last finished tickets of the day;
    DEFAULT_SERVICE_MINUTES (8) when none finished yet.

    A ticket finished straight from "called" gets started_at = finished_at (services): its
    service is measured from its last call instead.
    """
    rows = (
        Ticket.objects.filter(group=group, day=day, status=Ticket.Status.FINISHED,
                              started_at__isnull=False, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at", "last_called_at")[:AVERAGE_OVER]
    )  # fmt: skip
    durations = []
    for started, finished, called in rows:
        if started >= finished and called is not None:
            started = called
        durations.append((finished - started).total_seconds())
    return average_minutes(durations)


def open_counters(group: ServiceGroup) -> int:
    """Open counters serving the group."""
    return Counter.objects.filter(groups=group, is_open=True).count()


@dataclass(frozen=True)
class WaitingCount:
    group_id: int
    prefix: str
    name: str
    waiting: int


def waiting_counts(center_id: int, day: date) -> list[WaitingCount]:
    """People waiting per active group of the center on `day`, in display order (zeros too)."""
    groups = (
        ServiceGroup.objects.filter(center_id=center_id, is_active=True)
        .annotate(waiting=Count("tickets", filter=Q(tickets__day=day,
                                                    tickets__status=Ticket.Status.WAITING)))
        .order_by("position", "prefix")
        .values_list("id", "prefix", "name", "waiting")
    )  # fmt: skip
    return [WaitingCount(*row) for row in groups]


@dataclass(frozen=True)
class Call:
    """One "called" event (a first call or a recall) as the display board shows it."""

    event_id: int
    ticket_id: int
    label: str
    counter_number: int | None
    at: datetime
    recall: int  # 0 for the first call, else the call count


def call_from_row(row: dict) -> Call:
    data = row.get("data") or {}
    number = data.get("counter_number", row.get("counter__number"))
    return Call(
        event_id=row["id"], ticket_id=row["ticket_id"], label=row["ticket__label"],
        counter_number=number, at=row["at"], recall=int(data.get("recall") or 0),
    )  # fmt: skip


CALL_FIELDS = ("id", "ticket_id", "ticket__label", "counter__number", "at", "data")


def recent_calls(center_id: int, *, limit: int = 8, day: date | None = None) -> list[Call]:
    """The center's last `limit` calls of the day (default today), newest first."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    rows = (
        TicketEvent.objects.filter(center_id=center_id, action="called", at__gte=start)
        .order_by("-id")
        .values(*CALL_FIELDS)[:limit]
    )
    return [call_from_row(row) for row in rows]


def last_event_id(center_id: int) -> int:
    """The id of the center's newest ticket event (0 when none): where a display stream starts."""
    return (
        TicketEvent.objects.filter(center_id=center_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def kiosk_groups(center_id: int):
    """The center's active groups in kiosk order (position, then prefix)."""
    return ServiceGroup.objects.filter(center_id=center_id, is_active=True).order_by(
        "position", "prefix"
    )


def priority_categories(center_id: int):
    """Active priority categories of the center and the global ones (no center), by rank."""
    return PriorityCategory.objects.filter(
        Q(center_id=center_id) | Q(center__isnull=True), is_active=True
    ).order_by("rank", "name")


def ticket_by_public_id(public_id):
    """A ticket with what its page shows, or None."""
    return (
        Ticket.objects.select_related("center", "group", "counter", "target_counter", "priority")
        .filter(public_id=public_id)
        .first()
    )


def tickets_to_notify(center_id: int, day: date) -> list[Ticket]:
    """Waiting tickets whose holder asked for an SMS (phone, notify_when_ahead) and now has
    that many people ahead or fewer, not notified yet: for whoever sends the SMS after a call."""
    candidates = (
        Ticket.objects.filter(center_id=center_id, day=day, status=Ticket.Status.WAITING,
                              notified=False, notify_when_ahead__isnull=False)
        .exclude(phone="")
        .select_related("center", "group")
    )  # fmt: skip
    return [t for t in candidates if people_ahead(t) <= t.notify_when_ahead]


def ticket_at_center(*, center_id: int, ticket_id: str | int | None) -> Ticket | None:
    """A ticket of this center by its id (the counter console passes it to the intake screen)."""
    try:
        pk = int(ticket_id or 0)
    except (TypeError, ValueError):
        return None
    return Ticket.objects.select_related("group").filter(pk=pk, center_id=center_id).first()


def open_counter_count(center_id: int) -> int:
    """Open counters of the center, each once whatever groups it serves (the supervision
    dashboard's "counters open")."""
    return Counter.objects.filter(center_id=center_id, is_open=True).count()
