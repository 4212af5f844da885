"""A dossier's whole life through the runtime services, and the actions that end it early."""

from datetime import datetime

import pytest
from django.core import mail

from motcua.dossiers.models import DossierEvent, Notice
from motcua.workflow import runtime, runtime_selectors
from motcua.workflow.models import DossierProcess, Pause, ResultDocument, StepRun, Withdrawal
from tests import factories
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


def test_receipt_starts_the_default_process_at_reception(version, center, officer, monday_9am):
    dossier = receive(version, center, officer, monday_9am)
    dp = DossierProcess.objects.get(dossier=dossier)
    assert dp.process.is_default and dp.process.status == "published"
    assert dp.started_at == monday_9am and dp.revision == 0
    assert dp.effective_due_at == dp.deadline_at == dossier.due_at
    run = open_run(dossier)
    assert run.step.key == "reception" and run.unit == center.agency
    assert run.role == "reception_officer" and run.started_by == officer
    # 0.5 of an 8h30 day (4h15) from Monday 09:00: 09:00–11:30, then 13:00–14:45.
    assert run.due_at == datetime(2026, 11, 23, 14, 45, tzinfo=VN)
    assert fresh(dossier).status == "received"  # mới tiếp nhận until it leaves reception
    # Idempotent: starting again keeps the same process.
    assert runtime.start_processing(dossier=dossier) == dp
    assert StepRun.objects.filter(dossier_process=dp).count() == 1


def test_full_life_receive_five_steps_result_return(
    version, center, people: People, monday_9am, django_capture_on_commit_callbacks
):
    dossier = receive(version, center, people.reception, monday_9am)
    mail.outbox.clear()
    p = people
    t = monday_9am
    runtime.forward(dossier=dossier, user=p.reception, at=t.replace(hour=9, minute=30),
                    note="Chuyển Sở Tư pháp")  # fmt: skip
    assert fresh(dossier).status == "in_progress"
    specialist_run = open_run(dossier)
    assert specialist_run.step.key == "specialist" and specialist_run.unit == version.agency
    # 6 working days from Mon 23/11 09:30 (Tue 24/11 is a holiday): Wed 2/12 09:30.
    assert specialist_run.due_at == datetime(2026, 12, 2, 9, 30, tzinfo=VN)
    assert fresh(dossier).holder_agency == version.agency
    runtime.claim(step_run=specialist_run, user=p.specialist, at=t.replace(hour=10))
    runtime.forward(dossier=dossier, user=p.specialist, at=datetime(2026, 11, 25, 9, 0, tzinfo=VN))
    runtime.forward(dossier=dossier, user=p.head, action_name="approve",
                    at=datetime(2026, 11, 25, 10, 0, tzinfo=VN))  # fmt: skip
    runtime.forward(dossier=dossier, user=p.leader, action_name="approve",
                    at=datetime(2026, 11, 25, 14, 0, tzinfo=VN))  # fmt: skip
    pdf = factories.upload("ket-qua.pdf", factories.PDF_BYTES)
    with django_capture_on_commit_callbacks(execute=True):
        result = runtime.record_result(dossier=dossier, user=p.clerk, file=pdf,
                                       at=datetime(2026, 11, 26, 8, 0, tzinfo=VN))  # fmt: skip
    assert fresh(dossier).status == "result_ready"
    assert result.sha256 and result.file.name.endswith(".pdf") and not result.paper_only
    assert open_run(dossier).step.key == "return"
    dp = runtime.return_result(
        dossier=dossier, user=p.reception, method="counter", collected_by_name="Trần Văn Dân",
        id_checked=True, at=datetime(2026, 11, 27, 9, 0, tzinfo=VN),
    )  # fmt: skip
    dossier = fresh(dossier)
    assert dossier.status == "returned"
    # Result issued Thu 26/11, appointment Tue 8/12: early (an earlier day).
    assert dp.outcome == "early" and dp.renewed_kept is None
    assert dp.completed_at == datetime(2026, 11, 26, 8, 0, tzinfo=VN)
    assert dp.finished_at == datetime(2026, 11, 27, 9, 0, tzinfo=VN)
    runs = list(StepRun.objects.filter(dossier_process=dp).order_by("started_at"))
    assert [r.step.key for r in runs] == [
        "reception", "specialist", "head", "leader", "clerk", "return",
    ]  # fmt: skip
    assert all(r.status == "done" and r.outcome for r in runs)
    # Reception done the day it was due; clerk: Wed 14:00 + 4h15 = Thu 08:15, done Thu 08:00
    # (same day); return: Thu 08:00 + 4h15 = Thu 13:45, returned Friday (late for that step,
    # while the dossier, whose result was issued Thursday, is early).
    assert [r.outcome for r in runs] == ["on_time", "early", "early", "early", "on_time", "late"]
    actions = list(dossier.events.values_list("action", flat=True))
    assert actions == [
        "created", "presented", "received", "forward", "claim", "forward", "approve", "approve",
        "record_result", "return_result",
    ]  # fmt: skip
    forward = dossier.events.get(action="forward", data__step="reception")
    assert (forward.from_status, forward.to_status) == ("received", "in_progress")
    assert forward.data["to_step"] == "specialist" and forward.data["note"] == "Chuyển Sở Tư pháp"
    assert forward.actor == p.reception and forward.data["outcome"] == "on_time"
    result = ResultDocument.objects.get(dossier=dossier)
    assert result.return_method == "counter" and result.id_checked
    # The history names the actors; the control slip has a row per hand-over.
    history = runtime_selectors.dossier_history(dossier)
    assert [h.actor_name for h in history][-1] == "Nguyễn Thị Tiếp Nhận"
    assert history[3].label == "Chuyển bước tiếp" and history[3].to_step == "specialist"
    rows = runtime_selectors.handovers(dossier)
    assert [r.to_step_name for r in rows][:2] == [
        "Tiếp nhận, chuyển hồ sơ",
        "Chuyên viên thẩm định",
    ]
    assert rows[1].receiver_name == "Cán bộ chuyenvien" and rows[1].outcome == "on_time"
    assert rows[-1].receiver_name == "Trần Văn Dân" and len(rows) == 7
    assert dp.revision == 7


def test_full_life_on_time_when_finished_on_the_appointment_day(center, people: People, officer):
    # A 1-day procedure received Monday 09:00 is due Wednesday 09:00 (Tuesday is a holiday);
    # the result issued Wednesday 08:30 is on time (same day), not early.
    version, _ = factories.procedure("1.000001", "Chứng thực bản sao", days="1")
    start = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
    dossier = receive(version, center, officer, start)
    assert dossier.due_at == datetime(2026, 11, 25, 9, 0, tzinfo=VN)
    drive(dossier, people, "clerk", start)
    runtime.record_result(dossier=dossier, user=people.clerk, paper_only=True,
                          at=datetime(2026, 11, 25, 8, 30, tzinfo=VN))  # fmt: skip
    dp = runtime.return_result(dossier=dossier, user=people.reception, method="counter",
                               collected_by_name="Trần Văn Dân", id_checked=True,
                               at=datetime(2026, 11, 25, 10, 0, tzinfo=VN))  # fmt: skip
    assert dp.outcome == "on_time"


def test_refusal_during_processing(
    version, center, people: People, monday_9am, django_capture_on_commit_callbacks
):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "leader", monday_9am)
    mail.outbox.clear()
    with pytest.raises(runtime.WorkflowError) as caught:
        runtime.refuse(dossier=dossier, user=people.leader, reason="  ")
    assert caught.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        notice = runtime.refuse(dossier=dossier, user=people.leader,
                                reason="Người yêu cầu không thuộc đối tượng được cấp.",
                                at=datetime(2026, 11, 25, 15, 0, tzinfo=VN))  # fmt: skip
    dossier = fresh(dossier)
    assert dossier.status == "refused"
    assert notice.kind == Notice.Kind.REFUSAL and notice.number.startswith("03/000.00.01.H13-")
    assert notice.content["stage"] == "processing"
    assert len(mail.outbox) == 1 and "không thuộc đối tượng" in mail.outbox[0].body
    dp = DossierProcess.objects.get(dossier=dossier)
    assert dp.finished_at and dp.outcome == "early"
    assert not StepRun.objects.filter(dossier_process=dp, status="open").exists()
    event = dossier.events.get(action="refuse")
    assert (event.from_status, event.to_status) == ("in_progress", "refused")
    assert event.data["step"] == "leader"
    # Nothing more can happen to it.
    with pytest.raises(runtime.ActionDenied):
        runtime.withdraw(dossier=dossier, user=people.reception, note="Rút")


def test_withdrawal_at_the_applicants_request_while_waiting(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    runtime.request_supplement(dossier=dossier, user=people.specialist, missing=["Sổ hộ khẩu"],
                               at=datetime(2026, 11, 23, 10, 0, tzinfo=VN))  # fmt: skip
    withdrawal = runtime.withdraw(
        dossier=dossier, user=people.reception, note="Công dân xin rút hồ sơ.",
        at=datetime(2026, 11, 26, 9, 0, tzinfo=VN),
    )  # fmt: skip
    dossier = fresh(dossier)
    assert dossier.status == "withdrawn"
    assert withdrawal.number.startswith("DX/000.00.01.H13-261126-")
    assert Withdrawal.objects.get(dossier=dossier).note == "Công dân xin rút hồ sơ."
    pause = Pause.objects.get(dossier=dossier)
    assert pause.ended_at == datetime(2026, 11, 26, 9, 0, tzinfo=VN)
    dp = DossierProcess.objects.get(dossier=dossier)
    assert dp.finished_at is not None and dp.outcome == "early"
    assert set(StepRun.objects.filter(dossier_process=dp).values_list("status", flat=True)) == {
        "done", "cancelled",
    }  # fmt: skip
    event = DossierEvent.objects.get(dossier=dossier, action="withdraw")
    assert (event.from_status, event.to_status) == ("waiting_supplement", "withdrawn")
    assert event.data["number"] == withdrawal.number


def test_withdrawal_is_refused_after_the_decision(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "return", monday_9am)
    with pytest.raises(runtime.ActionDenied, match="đã có kết quả"):
        runtime.withdraw(dossier=dossier, user=people.reception, note="Rút")
    assert fresh(dossier).status == "result_ready"


def test_the_default_processes_first_forward_needs_the_reception_officer(
    version, center, people, monday_9am
):
    dossier = receive(version, center, people.reception, monday_9am)
    with pytest.raises(runtime.ActionDenied, match="cán bộ tiếp nhận"):
        runtime.forward(dossier=dossier, user=people.specialist)
    assert DossierProcess.objects.get(dossier=dossier).revision == 0
    assert not dossier.events.filter(action="forward").exists()
