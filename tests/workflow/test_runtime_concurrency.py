"""Concurrent actions on one dossier: they run one after the other (row lock), exactly one wins,
the other gets a clear message, and the event log stays consistent."""

import threading
from datetime import datetime

import pytest
from django.db import connection

from motcua.workflow import runtime
from motcua.workflow.models import DossierProcess, StepRun
from tests.factories import VN
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    drive,
    fresh,
    open_run,
    people_fixture,
    receive,
)

T = datetime(2026, 11, 25, 10, 0, tzinfo=VN)
STALE = "Hồ sơ vừa được người khác xử lý, hãy tải lại."


def race(*calls) -> list:
    """Run the calls at the same moment in threads; each result is "ok" or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            call()
            results[i] = "ok"
        except BaseException as exc:  # examined by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_at_once_one_wins(version, center, people, monday_9am):
    for attempt in range(3):
        dossier = receive(version, center, people.reception, monday_9am)
        drive(dossier, people, "head", monday_9am)
        revision = DossierProcess.objects.get(dossier=dossier).revision

        def approve(user, dossier=dossier, revision=revision):
            return lambda: runtime.forward(
                dossier=dossier, user=user, action_name="approve", current_step="head",
                expected_revision=revision, at=T,
            )  # fmt: skip

        results = race(approve(people.head), approve(people.head2))
        assert sorted(r if r == "ok" else type(r).__name__ for r in results) == [
            "StaleAction", "ok",
        ], (attempt, results)  # fmt: skip
        loser = next(r for r in results if r != "ok")
        assert str(loser) == STALE and loser.message == STALE
        assert dossier.events.filter(action="approve").count() == 1
        approve_event = dossier.events.get(action="approve")
        winner = people.head if results[0] == "ok" else people.head2
        assert approve_event.actor == winner
        runs = StepRun.objects.filter(dossier_process__dossier=dossier)
        assert runs.filter(step__key="head", status="done").count() == 1
        assert runs.filter(status="open").get().step.key == "leader"
        assert DossierProcess.objects.get(dossier=dossier).revision == revision + 1


@pytest.mark.django_db(transaction=True)
def test_without_what_they_saw_the_loser_gets_the_precise_reason(
    version, center, people, monday_9am
):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "head", monday_9am)
    results = race(
        lambda: runtime.forward(dossier=dossier, user=people.head, action_name="approve", at=T),
        lambda: runtime.forward(dossier=dossier, user=people.head2, action_name="approve", at=T),
    )
    loser = next(r for r in results if r != "ok")
    assert isinstance(loser, runtime.ActionDenied)
    assert str(loser) == "Bước “Lãnh đạo cơ quan phê duyệt” do lãnh đạo cơ quan thực hiện."
    assert dossier.events.filter(action="approve").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_supplement_request_racing_a_forward(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    revision = DossierProcess.objects.get(dossier=dossier).revision
    results = race(
        lambda: runtime.forward(dossier=dossier, user=people.specialist,
                                expected_revision=revision, at=T),
        lambda: runtime.request_supplement(dossier=dossier, user=people.specialist2,
                                           note="Thiếu", expected_revision=revision, at=T),
    )  # fmt: skip
    assert results.count("ok") == 1
    assert str(next(r for r in results if r != "ok")) == STALE
    dossier = fresh(dossier)
    moved = dossier.events.filter(action__in=["forward", "request_supplement"], at=T)
    assert moved.count() == 1
    if moved.get().action == "forward":
        assert dossier.status == "in_progress" and open_run(dossier).step.key == "head"
        assert not dossier.pauses.exists()
    else:
        assert dossier.status == "waiting_supplement" and open_run(dossier).step.key == "specialist"
        assert dossier.pauses.get().ended_at is None
