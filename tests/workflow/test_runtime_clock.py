"""Golden cases for the legal clock of running dossiers (domain/deadlines.py through the services).

Calendar: the default sessions 07:00–11:30 and 13:00–17:00 (a working day is 8 h 30); Tuesday
24/11/2026 is Vietnam Cultural Day (off); Tết 2026 closes Saturday 14/2 to Sunday 22/2. The
procedure 2.000635 has 10 working days; the default process gives reception 0.5, specialist 6,
head of division 1.5, leader 1, clerk 0.5, return 0.5.
"""

from datetime import datetime

import pytest

from motcua.workflow import runtime
from motcua.workflow import runtime_selectors as selectors
from motcua.workflow.models import Apology, DossierProcess, Pause, StepRun
from tests.factories import VN
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    People,
    drive,
    fresh,
    open_run,
    people_fixture,
    receive,
)

pytestmark = pytest.mark.django_db


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def finish(dossier, people: People, result_at: datetime, returned_at: datetime | None = None):
    """From wherever the dossier is on the main line: through to the result and its return."""
    steps = {"specialist": (people.specialist, "forward"), "head": (people.head, "approve"),
             "leader": (people.leader, "approve")}  # fmt: skip
    while (key := open_run(dossier).step.key) in steps:
        user, action = steps[key]
        runtime.forward(dossier=dossier, user=user, action_name=action, at=result_at)
    runtime.record_result(dossier=dossier, user=people.clerk, paper_only=True, at=result_at)
    return runtime.return_result(
        dossier=dossier, user=people.reception, method="counter", collected_by_name="Dân",
        id_checked=True, at=returned_at or result_at,
    )  # fmt: skip


@pytest.fixture
def at_specialist(version, center, people, monday_9am):
    """Received Mon 23/11/2026 09:00 (due Tue 8/12 09:00), at the specialist from 09:30."""
    dossier = receive(version, center, people.reception, monday_9am)
    assert dossier.due_at == vn(2026, 12, 8, 9, 0)
    runtime.forward(dossier=dossier, user=people.reception, at=vn(2026, 11, 23, 9, 30))
    return dossier


# --- supplement pause ----------------------------------------------------------------------


def test_supplement_pause_is_excluded_and_moves_every_due_time(at_specialist, people):
    dossier = at_specialist
    run = open_run(dossier)
    assert run.due_at == vn(2026, 12, 2, 9, 30)
    notice = runtime.request_supplement(
        dossier=dossier, user=people.specialist, missing=["Giấy xác nhận cư trú"],
        note="Bổ sung bản chính", at=vn(2026, 11, 25, 9, 0),
    )  # fmt: skip
    assert notice.kind == "supplement" and notice.number.startswith("02/000.00.01.H13-261125-")
    assert notice.content["round"] == 1 and notice.content["missing"][0]["name"].startswith("Giấy")
    assert fresh(dossier).status == "waiting_supplement"
    pause = Pause.objects.get(dossier=dossier)
    assert pause.kind == "supplement" and pause.supplement_round == 1 and pause.step_run == run
    # Two working days later (Wed 09:00 → Fri 09:00) the applicant brings it to the counter.
    runtime.supplement_received(dossier=dossier, user=people.reception, at=vn(2026, 11, 27, 9, 0))
    dossier = fresh(dossier)
    assert dossier.status == "in_progress" and dossier.due_at == vn(2026, 12, 8, 9, 0)
    dp = DossierProcess.objects.get(dossier=dossier)
    assert dp.effective_due_at == dp.deadline_at == vn(2026, 12, 10, 9, 0)
    run.refresh_from_db()
    assert run.is_open and run.step.key == "specialist"  # back at the same step
    assert run.due_at == vn(2026, 12, 2, 9, 30) and run.effective_due_at == vn(2026, 12, 4, 9, 30)
    event = dossier.events.get(action="supplement_received")
    assert (event.from_status, event.to_status) == ("waiting_supplement", "in_progress")
    assert event.data["paused_days"] == "2"
    # Result on Wed 9/12, after the appointment but before it moved by two days: early.
    dp = finish(dossier, people, vn(2026, 12, 9, 10, 0))
    assert dp.outcome == "early"
    assert dp.effective_due_at == vn(2026, 12, 10, 9, 0)


def test_a_second_supplement_request_makes_the_dossier_late(at_specialist, people):
    dossier = at_specialist
    for day in (24, 26):
        start = vn(2026, 11, day + 1, 8, 0)
        runtime.request_supplement(dossier=dossier, user=people.specialist, note="Thiếu", at=start)
        runtime.supplement_received(dossier=dossier, user=people.specialist,
                                    at=start.replace(hour=10))  # fmt: skip
    dp = DossierProcess.objects.get(dossier=dossier)
    assert dp.supplement_rounds == 2
    assert list(Pause.objects.filter(dossier=dossier).values_list("supplement_round", flat=True)) == [
        1, 2,
    ]  # fmt: skip
    assert finish(dossier, people, vn(2026, 11, 30, 9, 0)).outcome == "late"


# --- financial obligations -------------------------------------------------------------------


def test_financial_pause_is_excluded(at_specialist, people):
    dossier = at_specialist
    runtime.suspend_financial(dossier=dossier, user=people.specialist, note="Chờ nộp thuế",
                              at=vn(2026, 11, 26, 9, 0))  # fmt: skip
    assert fresh(dossier).status == "suspended"
    with pytest.raises(runtime.ActionDenied, match="tạm dừng"):
        runtime.forward(dossier=dossier, user=people.specialist, at=vn(2026, 11, 27, 9, 0))
    # Thu 09:00 → Mon 09:00: Thursday and Friday, two working days.
    runtime.resume(dossier=dossier, user=people.reception, at=vn(2026, 11, 30, 9, 0))
    dp = DossierProcess.objects.get(dossier=dossier)
    assert dp.effective_due_at == vn(2026, 12, 10, 9, 0)
    assert Pause.objects.get(dossier=dossier).kind == "financial"
    assert dp.supplement_rounds == 0
    # Result on the moved appointment's day, before its hour: on time.
    assert finish(dossier, people, vn(2026, 12, 10, 8, 0)).outcome == "on_time"


def test_without_the_pause_the_same_result_would_be_late(at_specialist, people):
    assert finish(at_specialist, people, vn(2026, 12, 10, 8, 0)).outcome == "late"


# --- the apology (Mẫu 04) ------------------------------------------------------------------


def test_apology_with_a_new_date_kept(at_specialist, people):
    dossier = at_specialist
    apology = runtime.apologize(
        dossier=dossier, user=people.leader, reason="Chờ xác minh của cơ quan công an.",
        new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 7, 9, 0),
    )  # fmt: skip
    assert apology.number.startswith("04/000.00.01.H13-261207-")
    assert apology.original_due_at == apology.effective_due_at == vn(2026, 12, 8, 9, 0)
    dp = DossierProcess.objects.get(dossier=dossier)
    assert dp.deadline_at == vn(2026, 12, 15, 16, 0) and dp.effective_due_at == vn(2026, 12, 8, 9)
    dp = finish(dossier, people, vn(2026, 12, 14, 10, 0))
    assert (dp.outcome, dp.renewed_kept) == ("late", True)


def test_apology_with_a_new_date_missed(at_specialist, people):
    dossier = at_specialist
    runtime.apologize(dossier=dossier, user=people.leader, reason="Chờ xác minh.",
                      new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 8, 8, 0))  # fmt: skip
    dp = finish(dossier, people, vn(2026, 12, 16, 10, 0))
    assert (dp.outcome, dp.renewed_kept) == ("late", False)


def test_the_new_appointment_must_be_a_working_day(at_specialist, people):
    for day_off in (vn(2026, 12, 12, 9, 0), vn(2027, 1, 1, 9, 0)):  # a Saturday, New Year
        with pytest.raises(runtime.WorkflowError, match="là ngày nghỉ của Trung tâm") as caught:
            runtime.apologize(dossier=at_specialist, user=people.leader, reason="Chậm",
                              new_due_at=day_off, at=vn(2026, 12, 4, 9, 0))  # fmt: skip
        assert caught.value.field == "new_due_at"
    assert not Apology.objects.exists()


def test_apology_only_before_overdue_later_than_the_due_date_and_once(at_specialist, people):
    dossier = at_specialist
    with pytest.raises(runtime.WorkflowError, match="đã quá hạn") as late:
        runtime.apologize(dossier=dossier, user=people.leader, reason="Chậm",
                          new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 8, 9, 1))  # fmt: skip
    assert late.value.field is None
    with pytest.raises(runtime.WorkflowError, match="phải sau hạn hiện tại") as early:
        runtime.apologize(dossier=dossier, user=people.leader, reason="Chậm",
                          new_due_at=vn(2026, 12, 8, 9, 0), at=vn(2026, 12, 1, 9, 0))  # fmt: skip
    assert early.value.field == "new_due_at"
    with pytest.raises(runtime.ActionDenied, match="lãnh đạo cơ quan"):
        runtime.apologize(dossier=dossier, user=people.specialist, reason="Chậm",
                          new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 1, 9, 0))  # fmt: skip
    runtime.apologize(dossier=dossier, user=people.leader, reason="Chậm",
                      new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 1, 9, 0))  # fmt: skip
    with pytest.raises(runtime.WorkflowError, match="một lần"):
        runtime.apologize(dossier=dossier, user=people.leader, reason="Lần nữa",
                          new_due_at=vn(2026, 12, 20, 16, 0), at=vn(2026, 12, 2, 9, 0))  # fmt: skip
    assert Apology.objects.filter(dossier=dossier).count() == 1
    assert dossier.events.filter(action="apologize").count() == 1


def test_a_pause_moves_the_limit_for_the_apology(at_specialist, people):
    dossier = at_specialist
    runtime.request_supplement(dossier=dossier, user=people.specialist, note="Thiếu",
                               at=vn(2026, 11, 25, 9, 0))  # fmt: skip
    runtime.supplement_received(dossier=dossier, user=people.reception, at=vn(2026, 11, 27, 9))
    # Past the original appointment (Tue 8/12 09:00) but before the moved one (Thu 10/12).
    apology = runtime.apologize(dossier=dossier, user=people.leader, reason="Chậm",
                                new_due_at=vn(2026, 12, 14, 16, 0), at=vn(2026, 12, 9, 9, 0))  # fmt: skip
    assert apology.effective_due_at == vn(2026, 12, 10, 9, 0)


# --- receipt after working hours -----------------------------------------------------------


def test_receipt_after_working_hours_counts_from_the_next_working_morning(version, center, people):
    # Monday 23/11 18:00; Tuesday is off: everything counts from Wednesday 07:00.
    dossier = receive(version, center, people.reception, vn(2026, 11, 23, 18, 0))
    assert dossier.due_at == vn(2026, 12, 8, 17, 0)
    run = open_run(dossier)
    assert run.started_at == vn(2026, 11, 23, 18, 0)
    assert run.due_at == vn(2026, 11, 25, 11, 15)  # 4 h 15 from Wednesday 07:00
    runtime.forward(dossier=dossier, user=people.reception, at=vn(2026, 11, 25, 8, 0))
    assert StepRun.objects.get(step__key="reception").outcome == "on_time"
    assert open_run(dossier).due_at == vn(2026, 12, 3, 8, 0)  # 6 days from Wed 08:00


# --- steps crossing Tết 2026 ---------------------------------------------------------------


def test_steps_crossing_tet_2026(version, center, people):
    # Received Friday 13/2/2026 09:00, the last working day before Tết (14/2–22/2 off).
    dossier = receive(version, center, people.reception, vn(2026, 2, 13, 9, 0))
    assert dossier.due_at == vn(2026, 3, 6, 9, 0)
    assert open_run(dossier).due_at == vn(2026, 2, 13, 14, 45)
    runtime.forward(dossier=dossier, user=people.reception, at=vn(2026, 2, 13, 16, 0))
    specialist = open_run(dossier)
    # 6 working days from Fri 16:00: Mon 23/2 … Mon 2/3 16:00 (Tết skipped).
    assert specialist.due_at == vn(2026, 3, 2, 16, 0)
    runtime.forward(dossier=dossier, user=people.specialist, at=vn(2026, 2, 27, 11, 0))
    head = open_run(dossier)
    # 1.5 days from Fri 27/2 11:00: Mon 2/3 11:00, then 4 h 15 more: 16:45.
    assert head.due_at == vn(2026, 3, 2, 16, 45)
    runtime.forward(dossier=dossier, user=people.head, action_name="approve",
                    at=vn(2026, 3, 3, 8, 0))  # fmt: skip
    outcomes = dict(StepRun.objects.filter(status="done").values_list("step__key", "outcome"))
    assert outcomes == {"reception": "late", "specialist": "early", "head": "late"}
    leader = open_run(dossier)
    assert leader.due_at == vn(2026, 3, 4, 8, 0)
    dp = finish(dossier, people, vn(2026, 3, 5, 15, 0))
    assert dp.outcome == "early"


def test_a_pause_before_the_apology_does_not_move_its_new_date(at_specialist, people):
    """The renewed appointment was set knowing the pause: the running deadline (worklists,
    sweep, dossier page) is the date written on Mẫu 04, as the final classification counts it."""
    dossier = at_specialist
    runtime.request_supplement(dossier=dossier, user=people.specialist, note="Thiếu",
                               at=vn(2026, 11, 25, 9, 0))  # fmt: skip
    runtime.supplement_received(dossier=dossier, user=people.reception, at=vn(2026, 11, 27, 9))
    runtime.apologize(dossier=dossier, user=people.leader, reason="Chậm",
                      new_due_at=vn(2026, 12, 14, 16, 0), at=vn(2026, 12, 9, 9, 0))  # fmt: skip
    dp = DossierProcess.objects.get(dossier=dossier)
    assert dp.deadline_at == vn(2026, 12, 14, 16, 0)
    assert selectors.dossier_state(fresh(dossier), now=vn(2026, 12, 9, 10)).deadline_at == (
        vn(2026, 12, 14, 16, 0)
    )
    # A pause after it moves it: Thu 10/12 09:00 → Fri 11/12 09:00 is one working day.
    runtime.request_supplement(dossier=dossier, user=people.specialist, note="Thiếu nữa",
                               at=vn(2026, 12, 10, 9, 0))  # fmt: skip
    runtime.supplement_received(dossier=dossier, user=people.reception, at=vn(2026, 12, 11, 9))
    assert DossierProcess.objects.get(dossier=dossier).deadline_at == vn(2026, 12, 15, 16, 0)


@pytest.mark.parametrize(
    ("issued", "timely"),
    [(vn(2026, 12, 4, 16, 0), True), (vn(2026, 12, 7, 9, 0), True), (vn(2026, 12, 7, 9, 1), False)],
)
def test_an_apology_less_than_a_working_day_before_the_due_time_is_marked_late(
    at_specialist, people, issued, timely
):
    """Due Tue 8/12 09:00: Mon 7/12 09:00 is exactly one working day before (timely); a
    minute later it is still accepted — the applicant must be told — but marked."""
    apology = runtime.apologize(dossier=at_specialist, user=people.leader, reason="Chậm",
                                new_due_at=vn(2026, 12, 15, 16, 0), at=issued)  # fmt: skip
    assert apology.timely is timely
    assert at_specialist.events.get(action="apologize").data["timely"] is timely
