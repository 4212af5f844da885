"""The staff pages /xu-ly/: the worklist and the dossier page, driven as officers use them."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from motcua.directory.selectors import calendar_for_center
from motcua.dossiers.models import Dossier
from motcua.workflow import runtime
from motcua.workflow import runtime_selectors as selectors
from motcua.workflow.models import ResultDocument, StepRun
from tests import factories
from tests.factories import VN
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    People,
    fresh,
    open_run,
    people_fixture,
    receive,
)

pytestmark = pytest.mark.django_db


def page_of(client, user, dossier):
    client.force_login(user)
    return client.get(f"/xu-ly/ho-so/{dossier.code}/")


def act(client, user, dossier, action, **data):
    client.force_login(user)
    revision = fresh(dossier).workflow.revision
    body = {"action": action, "revision": revision, **data}
    return client.post(f"/xu-ly/ho-so/{dossier.code}/thao-tac/", body)


@pytest.fixture
def dossier(version, center, people: People):
    """Received now (the pages act at the real time), still at reception."""
    return receive(version, center, people.reception, None)


def test_the_worklist_shows_the_specialists_work_after_reception(client, dossier, people):
    client.force_login(people.specialist)
    html = client.get("/xu-ly/").content.decode()
    assert dossier.code not in html  # still at reception
    runtime.forward(dossier=dossier, user=people.reception)
    html = client.get("/xu-ly/").content.decode()
    assert dossier.code in html and "Chuyên viên thẩm định" in html
    assert "chưa có người nhận" in html and 'class="is-late"' not in html  # due in 10 days
    # Another agency's specialist has nothing.
    client.force_login(people.outsider)
    assert dossier.code not in client.get("/xu-ly/").content.decode()


def test_a_citizen_may_not_open_the_staff_pages(client, dossier, people):
    client.force_login(people.citizen)
    assert client.get("/xu-ly/").status_code == 403
    assert client.get(f"/xu-ly/ho-so/{dossier.code}/").status_code == 403
    response = client.post(f"/xu-ly/ho-so/{dossier.code}/thao-tac/", {"action": "claim"})
    assert response.status_code == 403
    assert fresh(dossier).status == "received"


def test_the_overdue_tab_lists_a_dossier_past_its_deadline(client, center, people, officer):
    version, _ = factories.procedure("1.000001", "Chứng thực bản sao", days="1")
    late = receive(version, center, officer, datetime(2026, 11, 23, 9, 0, tzinfo=VN))
    client.force_login(officer)
    html = client.get("/xu-ly/?danh-sach=qua-han").content.decode()
    assert late.code in html and 'class="is-late"' in html
    assert client.get("/xu-ly/?danh-sach=khong-co").status_code == 404


def test_the_whole_life_through_the_dossier_page(client, dossier, people, version):
    p = people
    html = page_of(client, p.reception, dossier).content.decode()
    assert "Tiếp nhận, chuyển hồ sơ" in html and "Chuyển bước tiếp" in html
    assert "Tiếp nhận hồ sơ" in html  # the history starts with the receipt

    response = act(client, p.reception, dossier, "forward", step="reception", note="Chuyển Sở")
    assert response.status_code == 302 and response["Location"] == f"/xu-ly/ho-so/{dossier.code}/"
    assert open_run(dossier).step.key == "specialist"

    html = page_of(client, p.specialist, dossier).content.decode()
    assert "Nhận xử lý" in html
    assert act(client, p.specialist, dossier, "claim", step="specialist").status_code == 302
    assert open_run(dossier).assignee == p.specialist
    assert act(client, p.specialist, dossier, "forward", step="specialist").status_code == 302
    assert act(client, p.head, dossier, "approve", step="head").status_code == 302
    assert act(client, p.leader, dossier, "approve", step="leader").status_code == 302

    pdf = factories.upload("ket-qua.pdf", factories.PDF_BYTES)
    response = act(client, p.clerk, dossier, "record_result", step="clerk", file=pdf)
    assert response.status_code == 302
    assert fresh(dossier).status == "result_ready"

    # Returning at the counter needs the ID check: refused with the reason, nothing written.
    response = act(client, p.reception, dossier, "return_result", step="return", method="counter",
                   collected_by_name="Trần Văn Dân")  # fmt: skip
    assert response.status_code == 422
    assert "Cần kiểm tra giấy tờ tùy thân" in response.content.decode()
    assert fresh(dossier).status == "result_ready"
    response = act(client, p.reception, dossier, "return_result", step="return", method="counter",
                   collected_by_name="Trần Văn Dân", id_checked="1")  # fmt: skip
    assert response.status_code == 302
    dossier = fresh(dossier)
    assert dossier.status == "returned" and dossier.workflow.outcome == "early"
    html = client.get(f"/xu-ly/ho-so/{dossier.code}/").content.decode()
    assert "Đã thực hiện: Trả kết quả." in html
    assert "Trần Văn Dân" in html and "Trước hạn" in html
    assert f"/ho-so/{dossier.code}/phieu-kiem-soat/" in html  # Mẫu 05
    assert f"/ho-so/{dossier.code}/phieu-kiem-soat.pdf" in html
    assert "actions-title" not in html  # nothing left to do
    # Staff may download the result file.
    response = client.get(f"/xu-ly/ho-so/{dossier.code}/ket-qua/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_stale_form_is_refused_with_a_clear_message(client, dossier, people):
    runtime.forward(dossier=dossier, user=people.reception)
    client.force_login(people.specialist)
    seen = fresh(dossier).workflow.revision
    runtime.claim(step_run=open_run(dossier), user=people.specialist2)  # someone else, meanwhile
    response = client.post(
        f"/xu-ly/ho-so/{dossier.code}/thao-tac/",
        {"action": "claim", "revision": seen, "step": "specialist"},
    )
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác xử lý, hãy tải lại." in response.content.decode()
    assert open_run(dossier).assignee == people.specialist2


def test_the_head_assigns_to_someone_who_may_hold_the_step(client, dossier, people):
    runtime.forward(dossier=dossier, user=people.reception)
    html = page_of(client, people.head, dossier).content.decode()
    assert "Giao xử lý" in html
    assert 'value="chuyenvien2"' in html and 'value="chuyenvien"' in html
    assert 'value="xaydung"' not in html  # a specialist of another agency
    response = act(client, people.head, dossier, "assign", step="specialist",
                   assignee="chuyenvien2")  # fmt: skip
    assert response.status_code == 302
    assert open_run(dossier).assignee == people.specialist2
    response = act(client, people.head, dossier, "assign", step="specialist", assignee="xaydung")
    assert response.status_code in (403, 409, 422)
    assert "Người được giao phải là" in response.content.decode()
    assert open_run(dossier).assignee == people.specialist2


def test_a_supplement_request_from_the_page_stops_the_clock(client, dossier, people, version):
    runtime.forward(dossier=dossier, user=people.reception)
    runtime.claim(step_run=open_run(dossier), user=people.specialist)
    component = dossier.components.first()
    response = act(client, people.specialist, dossier, "request_supplement", step="specialist",
                   missing=[str(component.component_id)],
                   missing_other="Bản sao sổ hộ khẩu", note="Bản chụp mờ")  # fmt: skip
    assert response.status_code == 302
    dossier = fresh(dossier)
    assert dossier.status == "waiting_supplement"
    notice = dossier.notices.filter(kind="supplement").get()
    names = [m["name"] for m in notice.content["missing"]]
    assert names == [component.component.name, "Bản sao sổ hộ khẩu"]
    client.force_login(people.specialist)
    html = client.get("/xu-ly/?danh-sach=cho-bo-sung").content.decode()
    assert dossier.code in html and notice.number in html
    # The counter receives the supplement: the clock runs again.
    response = act(client, people.reception, dossier, "supplement_received", note="Đã nhận")
    assert response.status_code == 302 and fresh(dossier).status == "in_progress"


def test_an_apology_with_a_bad_date_keeps_the_input(client, dossier, people):
    response = act(client, people.leader, dossier, "apologize", reason="Chờ xác minh",
                   new_due_at="ngày mai")  # fmt: skip
    assert response.status_code == 422
    html = response.content.decode()
    assert "Ngày giờ hẹn lại không hợp lệ" in html and "Chờ xác minh" in html
    # Three working days later (a weekend or holiday is refused: the center is closed).
    calendar = calendar_for_center(dossier.center)
    new_due = timezone.localtime(calendar.add_working_days(fresh(dossier).due_at, 3))
    response = act(client, people.leader, dossier, "apologize", reason="Chờ xác minh",
                   new_due_at=new_due.strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
    assert response.status_code == 302
    apology = fresh(dossier).apology
    assert apology.new_due_at == new_due.replace(second=0, microsecond=0)
    html = page_of(client, people.leader, dossier).content.decode()
    assert f"/ho-so/{dossier.code}/xin-loi/" in html and apology.number in html


def test_supervisors_read_without_actions_and_outsiders_get_404(client, dossier, people):
    response = page_of(client, people.supervisor, dossier)
    assert response.status_code == 200 and "actions-title" not in response.content.decode()
    assert act(client, people.supervisor, dossier, "forward", step="reception").status_code == 403
    assert page_of(client, people.outsider, dossier).status_code == 404


def test_the_applicant_downloads_an_electronic_result_only_once_returned(
    client, version, center, people
):
    dossier = receive(version, center, people.reception, None, result_delivery="electronic")
    Dossier.objects.filter(pk=dossier.pk).update(account=people.citizen)
    for user, action in [(people.reception, "forward"), (people.specialist, "forward"),
                         (people.head, "approve"), (people.leader, "approve")]:  # fmt: skip
        runtime.forward(dossier=dossier, user=user, action_name=action)
    pdf = factories.upload("ket-qua.pdf", factories.PDF_BYTES)
    runtime.record_result(dossier=dossier, user=people.clerk, file=pdf)
    client.force_login(people.citizen)
    url = f"/xu-ly/ho-so/{dossier.code}/ket-qua/"
    assert client.get(url).status_code == 404
    runtime.return_result(dossier=dossier, user=people.reception, method="electronic")
    response = client.get(url)
    assert response.status_code == 200
    assert ResultDocument.objects.get(dossier=dossier).return_method == "electronic"
    assert StepRun.objects.filter(dossier_process__dossier=dossier, status="open").count() == 0


def test_the_forms_and_the_dossier_page_are_visible_to_the_same_people(
    client, version, center, people, monday_9am
):
    """dossiers.selectors (printed forms, dossier API) and workflow.permissions (dossier page,
    actions API) follow one rule, including the consulted agency (liên thông)."""
    from motcua.dossiers.selectors import dossier_for
    from motcua.workflow.runtime_selectors import can_view
    from tests.workflow.test_runtime_support import drive, publish_with_consultation

    publish_with_consultation(version.procedure)
    dossier = receive(version, center, people.reception, monday_9am)
    everyone = [getattr(people, name) for name in People.__dataclass_fields__]
    before = {u.username: dossier_for(u, code=dossier.code) is not None for u in everyone}
    assert before == {u.username: can_view(u, dossier) for u in everyone}
    assert before["xaydung"] is False and before["giamsat"] is True
    drive(dossier, people, "specialist", monday_9am)
    runtime.consult(
        dossier=dossier, user=people.specialist, at=datetime(2026, 11, 25, 10, 0, tzinfo=VN)
    )
    after = {u.username: dossier_for(u, code=dossier.code) is not None for u in everyone}
    assert after == {u.username: can_view(u, dossier) for u in everyone}
    assert after["xaydung"] is True  # consulted: sees the dossier and its forms
    assert after["congdan"] is False  # not the applicant's own account


def _to_result(dossier, people):
    for user, action in [(people.reception, "forward"), (people.specialist, "forward"),
                         (people.head, "approve"), (people.leader, "approve")]:  # fmt: skip
        runtime.forward(dossier=dossier, user=user, action_name=action)
    runtime.record_result(dossier=dossier, user=people.clerk, paper_only=True)


def test_a_result_sent_by_post_is_followed_until_delivered(client, version, center, people):
    dossier = receive(version, center, people.reception, None, result_delivery="post",
                      delivery_address="12 Hòa Bình, Ninh Kiều")  # fmt: skip
    _to_result(dossier, people)
    response = act(client, people.reception, dossier, "return_result", step="return",
                   method="post", tracking_number="EB123456789VN")  # fmt: skip
    assert response.status_code == 302
    result = ResultDocument.objects.get(dossier=dossier)
    assert (result.postal_status, result.tracking_number) == ("sent", "EB123456789VN")
    html = page_of(client, people.reception, dossier).content.decode()
    assert "Đã giao bưu chính, đang chuyển phát" in html and 'value="postal_delivery"' in html
    # A specialist may not report on the parcel; nothing changes.
    response = act(client, people.specialist, dossier, "postal_delivery", postal_status="delivered")
    assert response.status_code == 403
    assert ResultDocument.objects.get(dossier=dossier).postal_status == "sent"
    response = act(client, people.postal, dossier, "postal_delivery", postal_status="delivered",
                   note="Người nhận ký nhận")  # fmt: skip
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.postal_status == "delivered" and result.postal_status_at is not None
    event = fresh(dossier).events.get(action="postal_delivery")
    assert event.actor == people.postal and event.data["note"] == "Người nhận ký nhận"
    html = page_of(client, people.reception, dossier).content.decode()
    assert "Đã phát thành công cho người nhận" in html and 'value="postal_delivery"' not in html
    response = act(client, people.reception, dossier, "postal_delivery", postal_status="returned")
    assert response.status_code == 409 and "đã có tình trạng cuối" in response.content.decode()


def test_a_result_the_post_sent_back_is_collected_at_the_counter(
    client, version, center, people, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = receive(version, center, people.reception, None, result_delivery="post",
                      delivery_address="12 Hòa Bình, Ninh Kiều")  # fmt: skip
    _to_result(dossier, people)
    runtime.return_result(dossier=dossier, user=people.reception, method="post",
                          tracking_number="EB123456789VN")  # fmt: skip
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, people.postal, dossier, "postal_delivery",
                       postal_status="returned", note="Không có người nhận")  # fmt: skip
    assert response.status_code == 302
    # The applicant is told to come to the center for it.
    (mail,) = mailoutbox
    assert "chuyển hoàn" in mail.subject and "mang theo giấy tiếp nhận hồ sơ" in mail.body
    html = page_of(client, people.reception, dossier).content.decode()
    assert "Trả kết quả bị chuyển hoàn tại Bộ phận Một cửa" in html
    assert 'value="collected"' in html and 'name="collected_by_name"' in html
    # Without the ID check nothing is recorded.
    response = act(client, people.reception, dossier, "postal_delivery",
                   postal_status="collected", collected_by_name="Trần Văn Dân")  # fmt: skip
    assert response.status_code == 422 and "giấy tờ tùy thân" in response.content.decode()
    assert ResultDocument.objects.get(dossier=dossier).postal_status == "returned"
    response = act(client, people.reception, dossier, "postal_delivery", postal_status="collected",
                   collected_by_name="Trần Văn Dân", id_checked="on")  # fmt: skip
    assert response.status_code == 302
    result = ResultDocument.objects.get(dossier=dossier)
    assert (result.postal_status, result.collected_by_name, result.id_checked) == (
        "collected",
        "Trần Văn Dân",
        True,
    )
    assert (result.return_method, result.tracking_number) == ("post", "EB123456789VN")
    html = page_of(client, people.reception, dossier).content.decode()
    assert "Chuyển hoàn, người nhận đã nhận tại Bộ phận Một cửa" in html
    assert 'value="postal_delivery"' not in html
    # The control slip (Mẫu 05) ends with that hand-over to the applicant.
    last = selectors.handovers(fresh(dossier))[-1]
    assert (last.giver_name, last.receiver_name, last.receiver_unit) == (
        str(people.reception),
        "Trần Văn Dân",
        "Người nộp hồ sơ",
    )
    # The history says what each postal report was.
    labels = [e.label for e in selectors.dossier_history(fresh(dossier))]
    assert labels[-2:] == [
        "Cập nhật tình trạng bưu gửi kết quả: Không phát được, bưu chính chuyển hoàn",
        "Cập nhật tình trạng bưu gửi kết quả: Chuyển hoàn, người nhận đã nhận tại Bộ phận Một "
        "cửa (Trần Văn Dân)",
    ]
    # The dossier stays returned, with its classification unchanged.
    assert fresh(dossier).status == "returned"


def test_the_code_box_opens_a_visible_dossier_only(client, dossier, people):
    client.force_login(people.reception)
    response = client.get("/xu-ly/", {"ma": f" {dossier.code} "})
    assert response.status_code == 302 and response["Location"].endswith(f"/{dossier.code}/")
    client.force_login(people.outsider)
    response = client.get("/xu-ly/", {"ma": dossier.code})
    assert response.status_code == 200
    assert "Không tìm thấy hồ sơ mã" in response.content.decode()


def test_the_supervision_link_shows_for_those_who_may_supervise(client, dossier, people):
    client.force_login(people.supervisor)
    assert 'href="/giam-sat/"' in client.get("/xu-ly/").content.decode()
    client.force_login(people.specialist)
    html = client.get("/xu-ly/").content.decode()
    assert 'href="/xu-ly/"' in html and 'href="/giam-sat/"' not in html


def test_the_assignee_choices_are_exactly_who_may_hold_the_step(dossier, people):
    """The page offers without checking each user; the runtime's rule must agree."""
    from motcua.accounts.models import User
    from motcua.workflow import permissions as perms
    from motcua.workflow.runtime_selectors import assignable_users

    runtime.forward(dossier=dossier, user=people.reception)
    for run in [open_run(dossier), StepRun.objects.get(step__key="reception")]:
        offered = set(assignable_users(run))
        facts, run_facts = perms.dossier_facts(dossier), perms.run_facts(run)
        allowed = {u for u in User.objects.all()
                   if perms.check_assignee(perms.actor_for(u), run_facts, facts)}  # fmt: skip
        assert offered == allowed and offered


def test_an_apology_issued_too_late_is_marked_on_the_dossier_page(client, version, center, people):
    received = timezone.now() - timedelta(days=1)
    dossier = receive(version, center, people.reception, received)
    runtime.forward(dossier=dossier, user=people.reception)
    due = fresh(dossier).due_at
    runtime.apologize(dossier=dossier, user=people.leader, reason="Chờ xác minh",
                      new_due_at=calendar_for_center(center).add_working_days(due, 5),
                      at=due - timedelta(minutes=5))  # fmt: skip
    html = page_of(client, people.leader, dossier).content.decode()
    assert "lập muộn: chưa đủ 01 ngày làm việc trước hạn" in html
