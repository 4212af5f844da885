"""The deadline sweep: each warning is sent once, to the assignee and the unit's leader."""

from datetime import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from motcua.workflow import runtime, tasks
from motcua.workflow.models import DossierProcess, StepRun
from tests.factories import VN
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    open_run,
    people_fixture,
    receive,
)

pytestmark = pytest.mark.django_db


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.fixture
def claimed(version, center, people, monday_9am):
    """At the specialist since Mon 23/11 09:30 (step due Wed 2/12 09:30, dossier Tue 8/12
    09:00), claimed by the specialist."""
    dossier = receive(version, center, people.reception, monday_9am)
    runtime.forward(dossier=dossier, user=people.reception, at=vn(2026, 11, 23, 9, 30))
    runtime.claim(step_run=open_run(dossier), user=people.specialist, at=vn(2026, 11, 23, 10))
    mail.outbox.clear()
    return dossier


def test_each_warning_is_sent_once(claimed, people):
    quiet = tasks.sweep(now=vn(2026, 11, 30, 10, 0))
    assert quiet["emails"] == 0 and mail.outbox == []
    counts = tasks.sweep(now=vn(2026, 12, 1, 10, 0))
    assert counts["runs_due_soon"] == 1 and counts["dossiers_due_soon"] == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["chuyenvien@example.vn", "giamdoc@example.vn"]
    assert claimed.code in message.subject and "sắp đến hạn" in message.subject
    assert "09:30 02/12/2026" in message.body
    run = open_run(claimed)
    assert run.due_soon_notified_at == vn(2026, 12, 1, 10, 0) and run.overdue_notified_at is None
    again = tasks.sweep(now=vn(2026, 12, 1, 11, 0))
    assert again["emails"] == 0 and len(mail.outbox) == 1
    # Overdue the next morning: one more warning, once.
    overdue = tasks.sweep(now=vn(2026, 12, 2, 10, 0))
    assert overdue["runs_overdue"] == 1 and len(mail.outbox) == 2
    assert "quá hạn" in mail.outbox[1].subject
    assert tasks.sweep(now=vn(2026, 12, 2, 15, 0))["emails"] == 0
    # The dossier itself: due soon on Mon 7/12, overdue after Tue 8/12 09:00.
    soon = tasks.sweep(now=vn(2026, 12, 7, 10, 0))
    assert soon["dossiers_due_soon"] == 1 and "Mẫu 04" in mail.outbox[2].body
    late = tasks.sweep(now=vn(2026, 12, 8, 10, 0))
    assert late["dossiers_overdue"] == 1 and len(mail.outbox) == 4
    assert tasks.sweep(now=vn(2026, 12, 9, 10, 0))["emails"] == 0
    dp = DossierProcess.objects.get(dossier=claimed)
    assert dp.due_soon_notified_at == vn(2026, 12, 7, 10) and dp.overdue_notified_at == vn(
        2026, 12, 8, 10
    )


def test_a_due_time_moved_later_is_warned_about_again(claimed, people):
    tasks.sweep(now=vn(2026, 12, 1, 10, 0))
    assert len(mail.outbox) == 1
    runtime.request_supplement(dossier=claimed, user=people.specialist, note="Thiếu",
                               at=vn(2026, 12, 1, 11, 0))  # fmt: skip
    assert tasks.sweep(now=vn(2026, 12, 3, 10, 0))["emails"] == 0  # paused: not swept
    runtime.supplement_received(dossier=claimed, user=people.reception, at=vn(2026, 12, 4, 11))
    run = open_run(claimed)
    assert run.effective_due_at == vn(2026, 12, 7, 9, 30) and run.due_soon_notified_at is None
    counts = tasks.sweep(now=vn(2026, 12, 4, 14, 0))
    assert counts["runs_due_soon"] == 1 and len(mail.outbox) == 2


def test_a_failed_sending_is_retried_by_the_next_sweep(monkeypatch, claimed, people):
    calls = []

    def flaky(subject, body, sender, recipients):
        calls.append(subject)
        if len(calls) == 1:
            raise OSError("SMTP down")
        mail.outbox.append(subject)

    monkeypatch.setattr(tasks, "send_mail", flaky)
    first = tasks.sweep(now=vn(2026, 12, 1, 10, 0))
    assert first["failed"] == 1 and first["runs_due_soon"] == 0
    assert open_run(claimed).due_soon_notified_at is None
    second = tasks.sweep(now=vn(2026, 12, 1, 10, 15))
    assert second["runs_due_soon"] == 1 and len(mail.outbox) == 1


def test_unassigned_one_stop_steps_warn_the_center_director(version, center, people, monday_9am):
    receive(version, center, people.reception, monday_9am)
    counts = tasks.sweep(now=vn(2026, 11, 23, 15, 0))  # reception was due at 14:45
    assert counts["runs_overdue"] == 1
    assert mail.outbox[-1].to == ["gdtrungtam@example.vn"]
    assert StepRun.objects.get().overdue_notified_at == vn(2026, 11, 23, 15, 0)


def test_command_and_task(claimed, people):
    out = StringIO()
    call_command("sweep_deadlines", "--now", stdout=out)
    assert "đã gửi" in out.getvalue()
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)  # the tests' backend runs it at once
    assert "Đã xếp hàng" in out.getvalue()
    result = tasks.sweep_deadlines.enqueue()
    assert set(result.return_value) >= {"runs_due_soon", "emails"}


def test_the_dossier_is_announced_two_working_days_ahead_for_the_apology(claimed, people):
    """Due Tue 8/12 09:00: Mẫu 04 is due a working day before, so the lead agency hears of it
    on Fri 4/12 (two working days ahead); after an apology, the new date is announced one
    working day ahead, without asking for another."""
    assert tasks.sweep(now=vn(2026, 12, 4, 8, 0))["dossiers_due_soon"] == 0  # Tue 8/12 08:00
    mail.outbox.clear()
    assert tasks.sweep(now=vn(2026, 12, 4, 9, 0))["dossiers_due_soon"] == 1
    (message,) = [m for m in mail.outbox if "hạn trả kết quả" in m.subject]
    assert "Mẫu 04" in message.body and "chậm nhất 01 ngày làm việc trước hạn" in message.body
    runtime.apologize(dossier=claimed, user=people.leader, reason="Chờ xác minh",
                      new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 4, 10, 0))  # fmt: skip
    mail.outbox.clear()
    assert tasks.sweep(now=vn(2026, 12, 11, 16, 0))["dossiers_due_soon"] == 0  # 2 days ahead
    assert tasks.sweep(now=vn(2026, 12, 14, 16, 0))["dossiers_due_soon"] == 1
    (message,) = [m for m in mail.outbox if "hạn trả kết quả" in m.subject]
    assert "ngày hẹn lại" in message.body and "Mẫu 04" not in message.body
