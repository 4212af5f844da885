"""Shared builders for the rating pages: dossiers served, received and returned just now (the
tablet offers only what its counter served within the last minutes, by the real clock)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.queueing import services as queue
from motcua.workflow import runtime
from tests import factories
from tests.workflow.test_runtime_clock import finish
from tests.workflow.test_runtime_support import people_fixture, receive  # noqa: F401

TABLET_COOKIE = "motcua_rating_device"


def ago(minutes: float = 0, hours: float = 0) -> datetime:
    return timezone.now() - timedelta(minutes=minutes, hours=hours)


@pytest.fixture
def group(center):
    """Service group A served by counters 1 and 2."""
    return factories.service_group(center)


@pytest.fixture
def counter(group):
    return group.counters.get(number=1)


def received_now(version, center, people, *, hours: float = 3):
    """Received `hours` ago by the reception officer."""
    return receive(version, center, people.reception, ago(hours=hours))


def returned_now(version, center, people, *, minutes: float = 2, **applicant) -> Dossier:
    """Received three hours ago, result issued 10 minutes ago, returned at the counter
    `minutes` ago by the reception officer."""
    dossier = receive(version, center, people.reception, ago(hours=3))
    if applicant:
        Dossier.objects.filter(pk=dossier.pk).update(**applicant)
    runtime.forward(dossier=dossier, user=people.reception, at=ago(hours=2, minutes=50))
    finish(dossier, people, ago(minutes=10), ago(minutes=minutes))
    return Dossier.objects.get(pk=dossier.pk)


def serve(group, counter, officer, *, dossier=None, called: float = 6, finished: float | None = 1):
    """A ticket called `called` minutes ago at the counter and finished `finished` minutes ago
    (None: still being served), with the dossier linked at the end."""
    ticket = queue.issue_ticket(group=group, at=ago(minutes=called + 5))
    ticket = queue.call_next(counter=counter, officer=officer, at=ago(minutes=called))
    if finished is not None:
        ticket = queue.finish_service(
            ticket=ticket, officer=officer, dossier=dossier, at=ago(minutes=finished)
        )
    return ticket


def pair(client, officer, counter):
    """Pair the tablet (this client) with the counter through the page; signed out after."""
    client.force_login(officer)
    response = client.post("/danh-gia/quay/ghep-noi/", {"counter": counter.pk})
    assert response.status_code == 302
    return response


def tablet_url(counter) -> str:
    return f"/danh-gia/quay/{counter.center.code}/{counter.number}/"
