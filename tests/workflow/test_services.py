from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from motcua.accounts.models import User
from motcua.directory.models import Agency
from motcua.workflow import selectors, services
from motcua.workflow.models import ActionName, Process, ProcessAction, ProcessStep, UnitKind
from motcua.workflow.process_io import import_process, parse_process
from motcua.workflow.specs import END, default_spec, spec_from_process
from tests import factories
from tests.workflow.conftest import TAX_OFFICE

pytestmark = pytest.mark.django_db


def draft_from(example: dict) -> Process:
    document = parse_process(example)
    assert document.problems == []
    return import_process(document=document)


def step(process: Process, key: str) -> ProcessStep:
    return process.steps.get(key=key)


def publish_problems(process: Process) -> list[str]:
    with pytest.raises(services.ProcessInvalid) as caught:
        services.publish(process=process)
    process.refresh_from_db()
    assert process.status == Process.Status.DRAFT
    return caught.value.problems


# --- drafts, copies, publishing ----------------------------------------------------------------


def test_drafts_are_numbered_per_procedure(land, justice):
    first = services.create_draft(procedure=land)
    second = services.create_draft(procedure=land, note="Thử")
    other = services.create_draft(procedure=justice)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert second.note == "Thử" and second.status == Process.Status.DRAFT


def test_the_documented_example_publishes(land, example):
    process = draft_from(example)
    officer = User.objects.create_user(username="qt", password="x-Strong-pass-1")
    published = services.publish(process=process, by=officer)
    assert published.status == Process.Status.PUBLISHED
    assert published.published_by == officer and published.published_at is not None
    assert selectors.published_process(land) == published
    tax = step(published, "thue")
    assert tax.is_parallel and tax.join_before.key == "lanh-dao-phong"
    assert tax.unit_kind == UnitKind.AGENCY and tax.agency.code == TAX_OFFICE
    assert step(published, "tiep-nhan").allotted_hours == 4
    assert spec_from_process(published).main_line_days() == Fraction(8)


def test_publishing_retires_the_previous_version(land, example):
    first = services.publish(process=draft_from(example))
    second = services.publish(process=services.new_draft_from(process=first))
    first.refresh_from_db()
    assert first.status == Process.Status.RETIRED and first.retired_at is not None
    assert second.status == Process.Status.PUBLISHED and second.number == 2
    assert list(land.processes.filter(status="published")) == [second]


def test_only_drafts_are_published(land, example):
    published = services.publish(process=draft_from(example))
    with pytest.raises(services.ProcessError, match="Chỉ xuất bản được bản nháp"):
        services.publish(process=published)


def test_new_draft_copies_steps_and_actions(land, example):
    published = services.publish(process=draft_from(example))
    copy = services.new_draft_from(process=published)
    assert copy.status == Process.Status.DRAFT and copy.number == 2
    assert "phiên bản 1" in copy.note
    assert spec_from_process(copy).steps == spec_from_process(published).steps
    # Real copies: new rows pointing inside the copy, not at the original's steps.
    original_ids = set(published.steps.values_list("id", flat=True))
    assert not original_ids & set(copy.steps.values_list("id", flat=True))
    targets = ProcessAction.objects.filter(step__process=copy, target__isnull=False)
    assert targets.count() > 10
    assert set(targets.values_list("target__process", flat=True)) == {copy.pk}
    assert step(copy, "thue").join_before.process_id == copy.pk


def test_retire_falls_back_to_no_published_process(land, example):
    published = services.publish(process=draft_from(example))
    services.retire(process=published)
    published.refresh_from_db()
    assert published.status == Process.Status.RETIRED
    assert selectors.published_process(land) is None
    with pytest.raises(services.ProcessError):
        services.retire(process=published)


# --- the publish check -------------------------------------------------------------------------


def test_unreachable_step(land, example):
    process = draft_from(example)
    step(process, "tiep-nhan").actions.filter(name="forward").delete()
    problems = publish_problems(process)
    assert "Bước “Chuyên viên kiểm tra, gửi thông tin địa chính sang cơ quan thuế” không thể " \
        "tới được từ bước đầu." in problems  # fmt: skip


def test_dead_end(land, example):
    process = draft_from(example)
    clerk = step(process, "van-thu")
    clerk.actions.filter(name="record_result").delete()
    problems = publish_problems(process)
    assert "Từ bước “Cập nhật hồ sơ địa chính, phát hành Giấy chứng nhận” không thể đi tới " \
        "kết thúc." in problems  # fmt: skip


def test_unknown_role_and_inactive_agency(land, example):
    process = draft_from(example)
    ProcessStep.objects.filter(pk=step(process, "giam-doc").pk).update(role="astrologer")
    Agency.objects.filter(code=TAX_OFFICE).update(is_active=False)
    problems = publish_problems(process)
    assert "Bước “Giám đốc Văn phòng Đăng ký đất đai ký”: vai trò “astrologer” không tồn tại." \
        in problems  # fmt: skip
    assert f"Bước “Cơ quan thuế xác định nghĩa vụ tài chính”: đơn vị “{TAX_OFFICE}” không " \
        "tồn tại." in problems  # fmt: skip


def test_liaison_step_without_its_agency(land, example):
    process = draft_from(example)
    ProcessStep.objects.filter(key="thue", process=process).update(agency=None)
    problems = publish_problems(process)
    assert any("“Cơ quan thuế xác định nghĩa vụ tài chính”: đơn vị “<chưa chọn cơ quan>”" in p
               for p in problems)  # fmt: skip


def test_main_line_over_the_legal_limit(land, example):
    process = draft_from(example)
    ProcessStep.objects.filter(pk=step(process, "tham-dinh").pk).update(
        allotted_days=Decimal("5.5"), allotted_hours=8
    )
    # 0.5 (4 h) + 6.5 (5.5 days + 8 h) + 1 + 1 + 1 + 0.5 = 10.5 > 10; the parallel 3 days are
    # not added.
    assert publish_problems(process) == [
        "Tổng thời gian các bước chính (10,5 ngày) vượt thời hạn giải quyết (10 ngày)."
    ]


def test_the_limit_is_the_catalog_version_in_force(land, example):
    process = draft_from(example)
    factories.procedure(
        "1.013831", "Đăng ký biến động (sửa đổi)", agency_code="000.20.08.H13", field="Đất đai",
        days="7", effective_from=timezone.localdate(),
    )  # fmt: skip
    assert publish_problems(process) == [
        "Tổng thời gian các bước chính (8 ngày) vượt thời hạn giải quyết (7 ngày)."
    ]


def test_action_without_target(land, example):
    process = draft_from(example)
    # Deleting a step in a draft leaves the actions that led to it without a target.
    step(process, "van-thu").delete()
    problems = publish_problems(process)
    assert "Bước “Giám đốc Văn phòng Đăng ký đất đai ký”: thao tác “approve” chưa có bước " \
        "đích." in problems  # fmt: skip
    assert ProcessAction.objects.get(step__process=process, name="approve",
                                     step__key="giam-doc").target is None  # fmt: skip


def test_final_step_rules(land, example):
    process = draft_from(example)
    ProcessStep.objects.filter(process=process).update(is_final=False)
    assert publish_problems(process) == [
        "Chưa đánh dấu bước trả kết quả (bước cuối của luồng chính)."
    ]
    ProcessStep.objects.filter(process=process, key__in=["van-thu", "tra-ket-qua"]).update(
        is_final=True
    )
    problems = publish_problems(process)
    assert problems[0].startswith("Chỉ một bước là bước trả kết quả")
    assert "Bước trả kết quả “Cập nhật hồ sơ địa chính, phát hành Giấy chứng nhận” cần một " \
        "thao tác kết thúc quy trình." in problems  # fmt: skip


def test_parallel_step_must_join_a_main_step(land, example):
    process = draft_from(example)
    ProcessStep.objects.filter(process=process, key="thue").update(join_before=None)
    problems = publish_problems(process)
    assert any("phải kết thúc trước một bước chính" in p for p in problems)


def test_procedure_without_version_in_force(land, example):
    process = draft_from(example)
    land.versions.update(effective_from=date(2099, 1, 1))
    # The open version starts later: it still gives the limit (nothing else would).
    assert selectors.current_version(land) is not None
    land.versions.update(effective_to=date(2099, 1, 1))
    assert publish_problems(process) == [
        "Thủ tục chưa có phiên bản nào đang hiệu lực trong danh mục."
    ]


# --- the default process -----------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "0.5", "10", "15"])
def test_default_process_shares_exactly_the_limit(limit, db):
    factories.agency()
    version, _ = factories.procedure("2.000635", "Cấp Phiếu lý lịch tư pháp", days=limit)
    draft = services.default_process_for(version=version)
    spec = spec_from_process(draft)
    assert [s.key for s in spec.steps] == [
        "reception", "specialist", "head", "leader", "clerk", "return",
    ]  # fmt: skip
    assert spec.main_line_days() == Fraction(Decimal(limit))
    assert all((s.days * 2) % 1 == 0 for s in spec.steps)
    assert [s.unit for s in spec.steps] == ["one-stop", *["lead"] * 4, "one-stop"]
    assert draft.is_default and draft.status == Process.Status.DRAFT
    published = services.publish(process=draft)  # the default passes its own checks
    assert published.status == Process.Status.PUBLISHED


def test_default_for_ten_days():
    spec = default_spec(procedure_code="2.000635", time_limit_days=Decimal(10))
    assert [(s.key, s.days) for s in spec.steps] == [
        ("reception", Decimal("0.5")), ("specialist", Decimal(6)), ("head", Decimal("1.5")),
        ("leader", Decimal(1)), ("clerk", Decimal("0.5")), ("return", Decimal("0.5")),
    ]  # fmt: skip
    final = [s for s in spec.steps if s.final]
    assert [s.key for s in final] == ["return"]
    assert ("return_result", END) in {(a.name, a.target) for a in final[0].actions}
    assert {a.name for s in spec.steps for a in s.actions} <= set(ActionName.values)


def test_process_for_uses_the_default_once(justice):
    process = services.process_for(procedure=justice)
    assert process.is_default and process.status == Process.Status.PUBLISHED
    assert spec_from_process(process).main_line_days() == Fraction(10)
    assert services.process_for(procedure=justice) == process
    assert justice.processes.count() == 1


def test_process_for_rescales_the_default_when_the_limit_changes(justice):
    first = services.process_for(procedure=justice)
    factories.procedure("2.000635", "Cấp Phiếu lý lịch tư pháp (sửa đổi)", days="15",
                        effective_from=timezone.localdate())  # fmt: skip
    second = services.process_for(procedure=justice)
    first.refresh_from_db()
    assert second != first and first.status == Process.Status.RETIRED
    assert spec_from_process(second).main_line_days() == Fraction(15)


def test_process_for_keeps_an_administrators_process(land, example):
    own = services.publish(process=draft_from(example))
    factories.procedure(
        "1.013831", "Đăng ký biến động (sửa đổi)", agency_code="000.20.08.H13", field="Đất đai",
        days="20", effective_from=timezone.localdate(),
    )  # fmt: skip
    assert services.process_for(procedure=land) == own


def test_process_for_without_version_in_force(justice):
    justice.versions.update(effective_from=date(2099, 1, 1), effective_to=date(2099, 1, 1))
    with pytest.raises(services.ProcessError, match="chưa có phiên bản"):
        services.process_for(procedure=justice)
    assert not justice.processes.exists()
