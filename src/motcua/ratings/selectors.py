"""Reads of the ratings pages: what a counter tablet may offer, where and by whom a result was
returned, the rating states of a citizen's dossiers, the Decree 61 board per agency."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from motcua.accounts.models import User
from motcua.directory.models import Counter, StaffAssignment
from motcua.domain import kpi
from motcua.dossiers.models import Dossier
from motcua.queueing.models import Ticket, TicketEvent
from motcua.ratings.models import RatingDevice
from motcua.reports.models import DossierRecord, Rating, RatingChannel
from motcua.reports.selectors import Scope
from motcua.workflow.models import ResultDocument, ReturnMethod

DEFAULT_COUNTER_MINUTES = 10


def counter_window() -> timedelta:
    """How long after the service the tablet keeps offering the dossier
    (MOTCUA_RATING_COUNTER_MINUTES, default 10): the citizen is still at the counter."""
    return timedelta(minutes=int(getattr(settings, "MOTCUA_RATING_COUNTER_MINUTES",
                                         DEFAULT_COUNTER_MINUTES)))  # fmt: skip


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_for(token: str | None) -> RatingDevice | None:
    """The paired, not revoked tablet holding this cookie token."""
    if not token:
        return None
    return (
        RatingDevice.objects.select_related("counter__center")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def counter_at(officer: User | None, at: datetime) -> Counter | None:
    """The counter where the officer was working at `at`: the counter of their last ticket
    called that day up to `at` (the queue console), else the counter of their posting that day."""
    if officer is None:
        return None
    day = timezone.localtime(at).date()
    ticket = (
        Ticket.objects.filter(officer=officer, day=day, counter__isnull=False,
                              first_called_at__lte=at)
        .select_related("counter")
        .order_by("-first_called_at", "-id")
        .first()
    )  # fmt: skip
    if ticket is not None:
        return ticket.counter
    posting = (
        StaffAssignment.objects.filter(
            user=officer, start_date__lte=day, end_date__gte=day, counter__isnull=False
        )
        .select_related("counter")
        .order_by("-is_primary", "-id")
        .first()
    )
    return posting.counter if posting else None


def return_context(dossier: Dossier) -> tuple[Counter | None, User | None]:
    """(counter, officer) of a returned result: the officer who returned it, and for a return
    at the counter the counter they were working at then (`counter_at`); by post or
    electronically there is no counter."""
    result = ResultDocument.objects.filter(dossier=dossier).select_related("returned_by").first()
    if result is None or result.returned_at is None:
        return None, None
    counter = None
    if result.return_method == ReturnMethod.COUNTER:
        counter = counter_at(result.returned_by, result.returned_at)
        if counter is not None and counter.center_id != dossier.center_id:
            counter = None
    return counter, result.returned_by


@dataclass(frozen=True)
class Awaiting:
    """The dossier a counter's tablet offers for rating, and who served it."""

    dossier: Dossier
    officer: User | None
    since: datetime  # the end of the service the rating is about
    source: Literal["ticket", "return"]
    rated: bool  # already rated at the counter (the tablet then shows its idle screen)


def awaiting_at_counter(counter: Counter, *, now: datetime | None = None) -> Awaiting | None:
    """What the tablet of `counter` may offer now — nothing else can be rated from it:

    - the dossier of the ticket just finished at this counter (linked at the intake, possibly
      right after the ticket was finished), while no further ticket has been called there;
    - or a result just returned at the counter by an officer working at it (`counter_at`),
      while no ticket has been called there since;

    either within `counter_window()` of the end of the service; the more recent one wins."""
    now = now or timezone.now()
    start = now - counter_window()
    latest = (
        Ticket.objects.filter(counter=counter, day=timezone.localtime(now).date(),
                              last_called_at__isnull=False)
        .select_related("dossier__procedure_version", "dossier__received_by", "officer")
        .order_by("-last_called_at", "-id")
        .first()
    )  # fmt: skip
    found: list[Awaiting] = []
    if latest is not None and latest.status == Ticket.Status.FINISHED and latest.dossier_id:
        dossier = latest.dossier
        linked = (
            TicketEvent.objects.filter(ticket=latest, action="dossier_linked")
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        since = max(latest.finished_at, linked or latest.finished_at)
        if dossier.code and start <= since <= now:
            found.append(Awaiting(dossier, latest.officer or dossier.received_by, since,
                                  "ticket", False))  # fmt: skip
    returns = (
        ResultDocument.objects.filter(
            return_method=ReturnMethod.COUNTER, returned_at__gte=start, returned_at__lte=now,
            dossier__center_id=counter.center_id,
        )
        .select_related("dossier__procedure_version", "returned_by")
        .order_by("-returned_at", "-id")
    )  # fmt: skip
    for result in returns[:20]:
        if latest is not None and latest.last_called_at > result.returned_at:
            break  # the next person has been called: the citizen has left the counter
        where = counter_at(result.returned_by, result.returned_at)
        if where is not None and where.pk == counter.pk:
            found.append(Awaiting(result.dossier, result.returned_by, result.returned_at,
                                  "return", False))  # fmt: skip
            break
    if not found:
        return None
    best = max(found, key=lambda a: a.since)
    rated = Rating.objects.filter(dossier=best.dossier, channel=RatingChannel.COUNTER).exists()
    return Awaiting(best.dossier, best.officer, best.since, best.source, rated)


def rated_channels(dossier_ids, channel: str) -> set[int]:
    """Of these dossiers, those already rated through `channel`."""
    return set(
        Rating.objects.filter(dossier_id__in=list(dossier_ids), channel=channel).values_list(
            "dossier_id", flat=True
        )
    )


# --- the Decree 61 board ------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyEvaluation:
    agency_id: int
    agency_code: str
    agency_name: str
    dossiers: int  # finished in the period
    indices: tuple[kpi.EvaluationFigure, ...]  # the nine; average None: not computable / none


def evaluation_by_agency(p: kpi.Period, scope: Scope | None = None) -> list[AgencyEvaluation]:
    """The nine Decree 61 indices per agency (of the procedure) over the dossiers finished in
    the period, in one grouped query; the same figures as `kpi.evaluation` per agency."""
    scope = scope or Scope()
    computed = [idx for idx in kpi.DECREE_61 if idx.field]
    aggregates = {}
    for idx in computed:
        aggregates[f"p{idx.number}"] = Sum(idx.field)
        aggregates[f"n{idx.number}"] = Count(idx.field)  # the rows where it is not null
    rows = (
        scope.filter(DossierRecord.objects.filter(Q(ended_at__gte=p.start, ended_at__lt=p.end)))
        .values("agency_id", "agency__code", "agency__name")
        .annotate(dossiers=Count("pk"), **aggregates)
        .order_by("agency__name", "agency_id")
    )
    out = []
    for row in rows:
        figures = []
        for idx in kpi.DECREE_61:
            if idx.field is None:
                figures.append(kpi.EvaluationFigure(idx.number, idx.name, None, 0, None))
                continue
            points, n = int(row[f"p{idx.number}"] or 0), int(row[f"n{idx.number}"])
            figures.append(
                kpi.EvaluationFigure(idx.number, idx.name, points, n, kpi.ratio(points, n))
            )
        out.append(
            AgencyEvaluation(row["agency_id"], row["agency__code"], row["agency__name"],
                             row["dossiers"], tuple(figures))
        )  # fmt: skip
    return out
