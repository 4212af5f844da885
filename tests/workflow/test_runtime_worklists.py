"""Worklists per user (to do, due soon, overdue, waiting for the applicant, counts per agency)
and the dossier's state and history."""

from datetime import date, datetime

import pytest

from motcua.workflow import runtime
from motcua.workflow import runtime_selectors as selectors
from motcua.workflow.models import DossierProcess, StepRun
from tests import factories
from tests.factories import VN
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    drive,
    open_run,
    people_fixture,
    publish_with_consultation,
    receive,
)

pytestmark = pytest.mark.django_db


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def codes(runs) -> list[str]:
    return [r.dossier_process.dossier.code for r in runs]


def version_of(dossier):
    return dossier.procedure_version


@pytest.fixture
def two(version, center, people, monday_9am):
    """A at reception (due today 14:45), B at the specialist (due Wed 2/12 09:30)."""
    a = receive(version, center, people.reception, monday_9am)
    b = receive(version, center, people.reception, monday_9am)
    runtime.forward(dossier=b, user=people.reception, at=vn(2026, 11, 23, 9, 30))
    return a, b


def test_to_do_follows_role_unit_and_assignment(two, people):
    a, b = two
    assert codes(selectors.to_do(people.reception)) == [a.code]
    assert codes(selectors.to_do(people.specialist)) == [b.code]
    assert codes(selectors.to_do(people.specialist2)) == [b.code]
    for nobody in (people.head, people.outsider, people.postal, people.supervisor, people.citizen):
        assert codes(selectors.to_do(nobody)) == []
    runtime.claim(step_run=open_run(b), user=people.specialist, at=vn(2026, 11, 23, 10, 0))
    assert codes(selectors.to_do(people.specialist)) == [b.code]
    assert codes(selectors.to_do(people.specialist2)) == []
    # A run assigned across roles by a leader is the assignee's to do.
    runtime.assign(step_run=open_run(b), user=people.leader, assignee=people.specialist2,
                   at=vn(2026, 11, 23, 10, 30))  # fmt: skip
    assert codes(selectors.to_do(people.specialist2)) == [b.code]
    assert codes(selectors.to_do(people.specialist)) == []


def test_due_soon_and_overdue_on_the_working_calendar(two, people):
    a, b = two
    morning = vn(2026, 11, 23, 10, 0)
    assert codes(selectors.due_soon(people.reception, now=morning)) == [a.code]
    assert codes(selectors.overdue(people.reception, now=morning)) == []
    afternoon = vn(2026, 11, 23, 15, 0)  # the reception step was due at 14:45
    assert codes(selectors.overdue(people.reception, now=afternoon)) == [a.code]
    assert codes(selectors.due_soon(people.reception, now=afternoon)) == []
    # B's specialist step is due Wed 2/12 09:30: within one working day on Tue 1/12 10:00,
    # not on Mon 30/11 10:00.
    assert codes(selectors.due_soon(people.specialist, now=vn(2026, 11, 30, 10, 0))) == []
    assert codes(selectors.due_soon(people.specialist, now=vn(2026, 12, 1, 10, 0))) == [b.code]
    # The dossier's own deadline (Tue 8/12 09:00) counts too, even for a fresh step.
    runtime.forward(dossier=b, user=people.specialist, at=vn(2026, 12, 7, 9, 0))
    assert codes(selectors.due_soon(people.head, now=vn(2026, 12, 7, 10, 0))) == [b.code]
    assert codes(selectors.overdue(people.head, now=vn(2026, 12, 8, 9, 1))) == [b.code]


def test_waiting_for_the_applicant(two, people):
    a, b = two
    runtime.request_supplement(dossier=b, user=people.specialist, note="Thiếu",
                               at=vn(2026, 11, 23, 11, 0))  # fmt: skip
    assert codes(selectors.to_do(people.specialist)) == []  # nothing to do: the clock is stopped
    waiting = selectors.waiting_for_applicant(people.specialist)
    assert [p.dossier.code for p in waiting] == [b.code] and waiting[0].supplement_round == 1
    assert [p.dossier.code for p in selectors.waiting_for_applicant(people.reception)] == [b.code]
    assert [p.dossier.code for p in selectors.waiting_for_applicant(people.leader)] == [b.code]
    assert list(selectors.waiting_for_applicant(people.outsider)) == []
    assert list(selectors.waiting_for_applicant(people.citizen)) == []
    # Not overdue while waiting, even long after the step's due time.
    assert codes(selectors.overdue(people.specialist, now=vn(2026, 12, 20, 9, 0))) == []


def test_waiting_ends_with_the_pause(two, people):
    """The list reads open pauses through open runs and paused dossiers: once the supplement
    is received, or the applicant withdraws, nobody sees it waiting."""
    a, b = two
    ask = {"user": people.specialist, "note": "Thiếu"}
    runtime.request_supplement(dossier=b, at=vn(2026, 11, 23, 11, 0), **ask)
    assert [p.dossier.code for p in selectors.waiting_for_applicant(people.reception)] == [b.code]
    runtime.supplement_received(dossier=b, user=people.reception, at=vn(2026, 11, 24, 9, 0))
    everyone = (people.reception, people.specialist, people.leader, people.supervisor)
    assert [list(selectors.waiting_for_applicant(u)) for u in everyone] == [[], [], [], []]
    assert codes(selectors.to_do(people.specialist)) == [b.code]
    runtime.request_supplement(dossier=b, at=vn(2026, 11, 24, 10, 0), **ask)
    runtime.withdraw(dossier=b, user=people.reception, at=vn(2026, 11, 24, 11, 0))
    assert [list(selectors.waiting_for_applicant(u)) for u in everyone] == [[], [], [], []]


def test_counts_per_agency_for_leaders(two, people):
    a, b = two
    now = vn(2026, 11, 23, 15, 0)
    [justice] = selectors.agency_counts(people.leader, now=now)
    assert justice.agency.code == "000.00.12.H13"
    assert (justice.open, justice.unassigned, justice.due_soon, justice.overdue) == (1, 1, 0, 0)
    assert selectors.agency_counts(people.specialist, now=now) == []
    everything = {c.agency.code: c for c in selectors.agency_counts(people.supervisor, now=now)}
    assert set(everything) == {"000.00.12.H13", "000.00.01.H13"}
    assert everything["000.00.01.H13"].overdue == 1  # A's reception step
    director = {c.agency.code for c in selectors.agency_counts(people.director, now=now)}
    assert director == {"000.00.01.H13"}
    runtime.request_supplement(dossier=b, user=people.specialist, note="Thiếu", at=now)
    [justice] = selectors.agency_counts(people.leader, now=now)
    assert (justice.open, justice.waiting, justice.unassigned) == (1, 1, 0)


def test_worklist_bundle(two, people):
    a, b = two
    work = selectors.worklist(people.reception, now=vn(2026, 11, 23, 15, 0))
    assert codes(work.to_do) == codes(work.overdue) == [a.code]
    assert list(work.due_soon) == [] and list(work.waiting) == [] and work.counts == []


def test_state_and_history(two, people):
    a, b = two
    state = selectors.dossier_state(b, now=vn(2026, 11, 24, 9, 0))
    assert state.current.step.key == "specialist" and state.consultations == []
    assert state.revision == 1 and not state.overdue and state.pause is None
    assert state.effective_due_at == state.deadline_at == b.due_at
    runtime.request_supplement(dossier=b, user=people.specialist, note="Thiếu",
                               at=vn(2026, 11, 25, 9, 0))  # fmt: skip
    # While paused, the appointment moves later as time passes (one working day here).
    state = selectors.dossier_state(b, now=vn(2026, 11, 26, 9, 0))
    assert state.pause.kind == "supplement"
    assert state.effective_due_at == vn(2026, 12, 9, 9, 0)
    history = selectors.dossier_history(b)
    assert [h.action for h in history] == [
        "created", "presented", "received", "forward", "request_supplement",
    ]  # fmt: skip
    last = history[-1]
    assert last.actor_name == "Cán bộ chuyenvien" and last.label == "Yêu cầu bổ sung hồ sơ"
    assert (last.from_status_label, last.to_status_label) == ("đang xử lý", "chờ bổ sung")
    assert last.step == "specialist" and last.note == "Thiếu"
    assert history[2].label == "Tiếp nhận hồ sơ"


def test_the_whole_process_shows_in_the_selectors_after_the_end(
    version, center, people, monday_9am
):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "return", monday_9am)
    runtime.return_result(dossier=dossier, user=people.reception, method="counter",
                          collected_by_name="Dân", id_checked=True, at=vn(2026, 11, 25, 15, 0))  # fmt: skip
    state = selectors.dossier_state(dossier)
    assert state.current is None and len(state.runs) == 6 and state.result.returned_at
    assert selectors.available_actions(people.reception, dossier) == []
    assert codes(selectors.to_do(people.reception)) == []


# --- the dossier's status and deadline copied onto its open runs -------------------------------


def assert_copies_follow(dossier) -> None:
    """Every open run of the dossier carries its current status and deadline."""
    dossier.refresh_from_db()
    dp = DossierProcess.objects.get(dossier=dossier)
    runs = list(StepRun.objects.filter(dossier_process=dp, status="open"))
    assert runs or dp.finished_at is not None
    for run in runs:
        assert (run.dossier_status, run.dossier_deadline_at) == (dossier.status, dp.deadline_at)


def test_the_open_runs_follow_every_status_and_deadline_change(version, center, people, monday_9am):
    """Consultation, supplement (status and then deadline change), apology (deadline only),
    financial pause, hand-overs: the worklists read these copies instead of the dossier."""
    publish_with_consultation(version.procedure)
    dossier = receive(version, center, people.reception, monday_9am)
    assert_copies_follow(dossier)
    drive(dossier, people, "specialist", monday_9am)
    assert_copies_follow(dossier)
    runtime.consult(dossier=dossier, user=people.specialist, note="Xin ý kiến",
                    at=vn(2026, 11, 24, 9, 0))  # fmt: skip
    assert StepRun.objects.filter(dossier_process__dossier=dossier, status="open").count() == 2
    assert_copies_follow(dossier)
    runtime.request_supplement(dossier=dossier, user=people.specialist, missing=["Tờ khai"],
                               at=vn(2026, 11, 25, 9, 0))  # fmt: skip
    assert_copies_follow(dossier)
    assert set(StepRun.objects.filter(status="open").values_list("dossier_status", flat=True)) == {
        "waiting_supplement"
    }
    # Nobody waits on a paused dossier: it leaves the worklists, consultation included.
    assert not selectors.to_do(people.specialist).exists()
    assert not selectors.to_do(people.outsider).exists()
    before = DossierProcess.objects.get(dossier=dossier).deadline_at
    runtime.supplement_received(dossier=dossier, user=people.reception, at=vn(2026, 11, 27, 9, 0))
    assert DossierProcess.objects.get(dossier=dossier).deadline_at > before
    assert_copies_follow(dossier)
    runtime.apologize(dossier=dossier, user=people.leader, reason="Chờ xác minh.",
                      new_due_at=vn(2026, 12, 18, 16, 0), at=vn(2026, 12, 1, 9, 0))  # fmt: skip
    assert_copies_follow(dossier)
    assert open_run(dossier).dossier_deadline_at == vn(2026, 12, 18, 16, 0)
    runtime.suspend_financial(dossier=dossier, user=people.specialist, note="Chờ nộp thuế",
                              at=vn(2026, 12, 2, 9, 0))  # fmt: skip
    assert_copies_follow(dossier)
    runtime.resume(dossier=dossier, user=people.reception, at=vn(2026, 12, 3, 9, 0))
    assert_copies_follow(dossier)
    runtime.forward(dossier=dossier, user=people.outsider, note="Đồng ý", at=vn(2026, 12, 3, 10))
    runtime.forward(dossier=dossier, user=people.specialist, at=vn(2026, 12, 3, 11, 0))
    assert_copies_follow(dossier)
    for user in (people.head, people.leader):
        runtime.forward(dossier=dossier, user=user, action_name="approve", at=vn(2026, 12, 4, 9))
        assert_copies_follow(dossier)
    runtime.record_result(dossier=dossier, user=people.clerk, paper_only=True,
                          at=vn(2026, 12, 4, 10, 0))  # fmt: skip
    assert_copies_follow(dossier)
    assert open_run(dossier).dossier_status == "result_ready"


def test_due_soon_counts_one_working_day_on_each_centers_calendar(version, center, people):
    """Two centers, one closed on Wed 2/12: from Tue 1/12 10:00 one working day ends Wed 10:00
    at the first and Thu 10:00 at the second, so both specialist steps (due Wed 09:30 and, the
    day off skipped, Thu 09:30) are due soon — in the list and in the per-agency counts."""
    from motcua.directory.models import CalendarOverride

    second = factories.center("co-so-2", agency_code="000.00.02.H13")  # a second site
    CalendarOverride.objects.create(center=second, date=date(2026, 12, 2), kind="day_off")
    clerk = factories.officer(second, username="tiepnhan-2")
    received = vn(2026, 11, 23, 9, 0)
    a = receive(version, center, people.reception, received)
    b = receive(version, second, clerk, received)
    for dossier, officer in ((a, people.reception), (b, clerk)):
        runtime.forward(dossier=dossier, user=officer, at=vn(2026, 11, 23, 9, 30))
    assert open_run(a).effective_due_at == vn(2026, 12, 2, 9, 30)
    assert open_run(b).effective_due_at == vn(2026, 12, 3, 9, 30)
    assert codes(selectors.due_soon(people.specialist, now=vn(2026, 11, 30, 10, 0))) == []
    now = vn(2026, 12, 1, 10, 0)
    assert codes(selectors.due_soon(people.specialist, now=now)) == [a.code, b.code]
    (count,) = selectors.agency_counts(people.leader, now=now)
    assert (count.open, count.due_soon, count.overdue) == (2, 2, 0)
    # Wed 2/12 10:00: A is late, B (its center closed today) still due soon.
    later = vn(2026, 12, 2, 10, 0)
    assert codes(selectors.overdue(people.specialist, now=later)) == [a.code]
    assert codes(selectors.due_soon(people.specialist, now=later)) == [b.code]


def test_first_rows_reads_a_page_in_the_lists_order_with_the_full_count(two, people):
    a, b = two
    c = receive(version_of(a), a.center, people.reception, vn(2026, 11, 23, 9, 5))
    rows = selectors.to_do(people.reception)
    assert codes(rows) == [a.code, c.code]
    page, total = selectors.first_rows(rows, 1)
    assert (codes(page), total) == ([a.code], 2)
    page, total = selectors.first_rows(rows, 5, fields=("dossier_process__dossier__code",))
    assert ([r["dossier_process__dossier__code"] for r in page], total) == ([a.code, c.code], 2)
    assert selectors.first_rows(selectors.to_do(people.supervisor), 5) == ([], 0)
