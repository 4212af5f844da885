"""The runtime actions one by one: consultations (liên thông), returns, results, stale views,
notifications, and the start of the process at receipt."""

from datetime import datetime

import pytest
from django.core import mail
from django.db import IntegrityError

from motcua.directory.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import IntakeError
from motcua.workflow import runtime, services
from motcua.workflow.models import DossierProcess, ResultDocument, StepRun
from motcua.workflow.process_io import import_process, parse_process
from tests import factories
from tests.factories import VN
from tests.workflow.conftest import LAND_REGISTRY, TAX_OFFICE
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    drive,
    fresh,
    open_run,
    people_fixture,
    person,
    publish_with_consultation,
    receive,
)

pytestmark = pytest.mark.django_db


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


T = vn(2026, 11, 25, 10, 0)


# --- consultations (ý kiến phối hợp) -------------------------------------------------------


def test_a_consultation_must_be_answered_before_its_join_step(version, center, people, monday_9am):
    publish_with_consultation(version.procedure)
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    with pytest.raises(runtime.WorkflowError, match="Chưa có ý kiến phối hợp “Ý kiến Sở Xây"):
        runtime.forward(dossier=dossier, user=people.specialist, at=T)
    consultation = runtime.consult(dossier=dossier, user=people.specialist, note="Xin ý kiến", at=T)
    assert consultation.parallel and consultation.unit.code == "000.00.99.H13"
    assert consultation.due_at == vn(2026, 11, 27, 10, 0)  # 2 days from Wed 10:00
    with pytest.raises(runtime.WorkflowError, match="Đang chờ ý kiến phối hợp"):
        runtime.consult(dossier=dossier, user=people.specialist, at=T)
    with pytest.raises(runtime.WorkflowError, match="Đang chờ ý kiến phối hợp"):
        runtime.forward(dossier=dossier, user=people.specialist, at=T)
    # The consulted agency's specialist sends the opinion back: only that run is theirs.
    assert runtime.forward(dossier=dossier, user=people.outsider, note="Đồng ý",
                           at=vn(2026, 11, 26, 9, 0)) is None  # fmt: skip
    consultation.refresh_from_db()
    assert consultation.status == "done" and consultation.outcome == "early"
    assert open_run(dossier).step.key == "specialist"  # the main line did not move
    runtime.forward(dossier=dossier, user=people.specialist, at=vn(2026, 11, 26, 10, 0))
    assert open_run(dossier).step.key == "head"
    opinion = dossier.events.get(action="forward", data__step="y-kien")
    assert opinion.data["to_step"] == "head" and opinion.actor == people.outsider
    assert dossier.events.get(action="consult").data["to_unit"] == "Sở Xây dựng"


def test_a_consultation_sent_back_must_be_asked_again(version, center, people, monday_9am):
    publish_with_consultation(version.procedure)
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    runtime.consult(dossier=dossier, user=people.specialist, at=T)
    with pytest.raises(runtime.WorkflowError) as caught:
        runtime.return_to(dossier=dossier, user=people.outsider, reason=" ", at=T)
    assert caught.value.field == "reason"
    runtime.return_to(dossier=dossier, user=people.outsider, reason="Thiếu bản vẽ",
                      current_step="y-kien", at=T)  # fmt: skip
    assert StepRun.objects.get(step__key="y-kien").status == "returned"
    with pytest.raises(runtime.WorkflowError, match="Chưa có ý kiến phối hợp"):
        runtime.forward(dossier=dossier, user=people.specialist, at=T)
    runtime.consult(dossier=dossier, user=people.specialist, at=T)
    runtime.forward(dossier=dossier, user=people.outsider, at=T)
    runtime.forward(dossier=dossier, user=people.specialist, at=T)
    assert open_run(dossier).step.key == "head"


def test_land_registration_with_the_tax_office(land, example, center, people):
    """The documented liên thông example: a 4-hour reception and a tax-office consultation."""
    document = parse_process(example)
    services.publish(process=import_process(document=document))
    version = land.versions.get()
    land_officer = person("diachinh", "specialist", agency=Agency.objects.get(code=LAND_REGISTRY))
    tax_officer = person("thue", "specialist", agency=Agency.objects.get(code=TAX_OFFICE))
    dossier = receive(version, center, people.reception, vn(2026, 11, 23, 9, 0))
    reception = open_run(dossier)
    assert reception.step.key == "tiep-nhan"
    assert reception.due_at == vn(2026, 11, 23, 14, 30)  # 4 working hours: 2 h 30 + 1 h 30
    runtime.forward(dossier=dossier, user=people.reception, at=vn(2026, 11, 23, 10, 0))
    assert open_run(dossier).unit.code == LAND_REGISTRY
    with pytest.raises(runtime.ActionDenied):
        runtime.forward(dossier=dossier, user=people.specialist, at=T)  # Sở Tư pháp: not theirs
    runtime.consult(dossier=dossier, user=land_officer, at=T)
    tax = open_run(dossier, "thue")
    assert tax.unit.code == TAX_OFFICE and tax.role == "specialist"
    runtime.claim(step_run=tax, user=tax_officer, at=T)
    runtime.forward(dossier=dossier, user=tax_officer, at=vn(2026, 11, 26, 9, 0))
    runtime.suspend_financial(dossier=dossier, user=land_officer, note="Chờ nộp thuế",
                              at=vn(2026, 11, 26, 10, 0))  # fmt: skip
    runtime.resume(dossier=dossier, user=people.reception, at=vn(2026, 11, 27, 10, 0))
    runtime.forward(dossier=dossier, user=land_officer, at=vn(2026, 11, 27, 11, 0))
    assert open_run(dossier).step.key == "lanh-dao-phong"
    assert fresh(dossier).holder_agency.code == LAND_REGISTRY


# --- returns and moves -----------------------------------------------------------------------


def test_return_to_an_earlier_step(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "head", monday_9am)
    with pytest.raises(runtime.WorkflowError) as caught:
        runtime.return_to(dossier=dossier, user=people.head, reason="Sai", step_key="leader", at=T)
    assert caught.value.field == "target"
    specialist = runtime.return_to(dossier=dossier, user=people.head, reason="Thẩm định lại",
                                   at=T)  # fmt: skip
    assert specialist.step.key == "specialist" and specialist.started_by == people.head
    assert StepRun.objects.get(step__key="head").status == "returned"
    event = dossier.events.get(action="return")
    assert (event.data["step"], event.data["to_step"]) == ("head", "specialist")
    assert event.data["note"] == "Thẩm định lại"
    assert StepRun.objects.filter(step__key="specialist").count() == 2


def test_stale_views_are_refused_with_the_clear_message(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    revision = DossierProcess.objects.get(dossier=dossier).revision
    with pytest.raises(runtime.StaleAction, match="vừa được người khác xử lý"):
        runtime.forward(dossier=dossier, user=people.reception, current_step="reception", at=T)
    with pytest.raises(runtime.StaleAction):
        runtime.forward(dossier=dossier, user=people.specialist,
                        expected_revision=revision - 1, at=T)  # fmt: skip
    with pytest.raises(runtime.WorkflowError) as unknown:
        runtime.forward(dossier=dossier, user=people.specialist, current_step="khong-co", at=T)
    assert unknown.value.field == "step"
    old_run = StepRun.objects.get(step__key="reception")
    with pytest.raises(runtime.StaleAction):
        runtime.claim(step_run=old_run, user=people.reception, at=T)
    runtime.forward(dossier=dossier, user=people.specialist, expected_revision=revision, at=T)


def test_a_database_conflict_is_reported_as_stale(monkeypatch, version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)

    def conflict(*args, **kwargs):
        raise IntegrityError("step_run_one_open_main")

    monkeypatch.setattr(runtime, "_open_run", conflict)
    with pytest.raises(runtime.StaleAction):
        runtime.forward(dossier=dossier, user=people.reception, at=T)
    assert fresh(dossier).status == "received"
    assert not dossier.events.filter(action="forward").exists()
    assert open_run(dossier).step.key == "reception" and open_run(dossier).status == "open"


def test_only_received_dossiers_have_a_process(version, center, people):
    draft = Dossier.objects.create(
        procedure_version=version, center=center, receiving_agency=center.agency,
        channel="online", applicant_name="Dân",
    )  # fmt: skip
    with pytest.raises(runtime.WorkflowError, match="chưa được tiếp nhận"):
        runtime.forward(dossier=draft, user=people.reception)
    with pytest.raises(IntakeError, match="Chỉ hồ sơ đã tiếp nhận"):
        runtime.start_processing(dossier=draft)


# --- the start of the process ------------------------------------------------------------


def test_dossiers_keep_the_process_they_started_with(version, center, people, monday_9am):
    first = receive(version, center, people.reception, monday_9am)
    default = DossierProcess.objects.get(dossier=first).process
    custom = publish_with_consultation(version.procedure)
    second = receive(version, center, people.reception, monday_9am)
    assert DossierProcess.objects.get(dossier=second).process == custom
    default.refresh_from_db()
    assert default.status == "retired"
    # The first dossier runs on under the retired default process (no consultation needed).
    drive(first, people, "head", monday_9am)
    assert open_run(first).step.process == default


def test_a_within_the_day_procedure_gets_steps_due_at_the_end_of_the_day(center, people):
    version, _ = factories.procedure("1.000004", "Thủ tục trong ngày", days="0")
    dossier = receive(version, center, people.reception, vn(2026, 11, 23, 9, 0))
    assert dossier.due_at == vn(2026, 11, 23, 17, 0)
    assert open_run(dossier).due_at == vn(2026, 11, 23, 17, 0)


# --- results -----------------------------------------------------------------------------------


def test_record_result_checks_the_file_and_leaves_nothing_on_failure(
    monkeypatch, version, center, people, monday_9am, settings
):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "clerk", monday_9am)
    with pytest.raises(runtime.WorkflowError) as none:
        runtime.record_result(dossier=dossier, user=people.clerk, at=T)
    assert none.value.field == "file"
    pdf = factories.upload("kq.pdf", factories.PDF_BYTES)
    with pytest.raises(runtime.WorkflowError, match="không kèm tệp"):
        runtime.record_result(dossier=dossier, user=people.clerk, file=pdf, paper_only=True, at=T)
    png = factories.upload("kq.png", factories.png_bytes())
    with pytest.raises(runtime.WorkflowError, match="phải là tệp PDF"):
        runtime.record_result(dossier=dossier, user=people.clerk, file=png, at=T)
    with pytest.raises(runtime.WorkflowError, match="không phải PDF, JPEG hay PNG"):
        runtime.record_result(dossier=dossier, user=people.clerk,
                              file=factories.upload("kq.pdf", b"hello"), at=T)  # fmt: skip
    with pytest.raises(runtime.ActionDenied):
        runtime.record_result(dossier=dossier, user=people.specialist, file=pdf, at=T)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(runtime, "_hand_over", broken)
    with pytest.raises(RuntimeError):
        runtime.record_result(dossier=dossier, user=people.clerk, file=pdf, at=T)
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
    assert not ResultDocument.objects.exists() and fresh(dossier).status == "in_progress"


def test_return_result_checks_the_method(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "return", monday_9am)  # paper-only result

    def attempt(**kwargs):
        with pytest.raises(runtime.WorkflowError) as caught:
            runtime.return_result(dossier=dossier, user=people.reception, at=T, **kwargs)
        return caught.value

    assert attempt(method="fax").field == "method"
    assert attempt(method="counter", id_checked=True).field == "collected_by_name"
    assert attempt(method="counter", collected_by_name="Dân").field == "id_checked"
    assert attempt(method="post").field == "tracking_number"
    assert attempt(method="electronic").field == "method"  # paper only: nothing to download
    assert fresh(dossier).status == "result_ready"
    runtime.return_result(dossier=dossier, user=people.reception, method="post",
                          tracking_number="EB123456789VN", at=T)  # fmt: skip
    result = ResultDocument.objects.get(dossier=dossier)
    assert result.return_method == "post" and result.tracking_number == "EB123456789VN"
    assert result.returned_by == people.reception and fresh(dossier).status == "returned"


# --- notifications ------------------------------------------------------------------------


def test_the_applicant_gets_the_supplement_request(
    version, center, people, monday_9am, django_capture_on_commit_callbacks
):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    mail.outbox.clear()
    with pytest.raises(runtime.WorkflowError) as unknown:
        runtime.request_supplement(dossier=dossier, user=people.specialist, missing=[999999])
    assert unknown.value.field == "missing"
    component = version.components.first()
    with django_capture_on_commit_callbacks(execute=True):
        notice = runtime.request_supplement(
            dossier=dossier, user=people.specialist, missing=[component.pk, "Giấy ủy quyền"],
            note="Bản chính", at=T,
        )  # fmt: skip
    assert [m["name"] for m in notice.content["missing"]] == [component.name, "Giấy ủy quyền"]
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert notice.number in body and "Giấy ủy quyền" in body and component.name in body


def test_the_applicant_is_told_when_the_result_is_ready_and_when_returned(
    monkeypatch, version, center, people, monday_9am, django_capture_on_commit_callbacks
):
    from motcua.notifications import services as notifications

    sent = []
    monkeypatch.setattr(notifications, "notify_applicant", lambda **kw: sent.append(kw["kind"]))
    dossier = receive(version, center, people.reception, monday_9am)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        drive(dossier, people, "return", monday_9am)
    assert sent == ["result_ready"]  # driven up to the result; the return is its own action
    with django_capture_on_commit_callbacks(execute=True):
        runtime.return_result(dossier=dossier, user=people.reception, method="counter",
                              collected_by_name="Dân", id_checked=True, at=T)  # fmt: skip
    assert sent == ["result_ready", "returned"]
