import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from motcua.accounts.models import Role, User
from motcua.workflow import services
from motcua.workflow.models import Process, ProcessStep
from motcua.workflow.process_io import import_process, parse_process
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def processes(land, justice, example):
    """A published liên thông process (land) and a draft default one (justice)."""
    published = services.publish(process=import_process(document=parse_process(example)))
    draft = services.default_process_for(version=justice.versions.get())
    return published, draft


def department_admin(agency) -> User:
    user = User.objects.create_user(
        username="qt.datdai", password="x-Strong-pass-1", role=Role.ADMINISTRATOR,
        agency=agency, is_staff=True,
    )  # fmt: skip
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="workflow"))
    return user


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize(
    "url", ["/admin/workflow/process/", "/admin/workflow/process/add/",
            "/admin/workflow/processstep/", "/admin/workflow/processstep/add/"],
)  # fmt: skip
def test_admin_pages_render(admin_client, processes, url):
    response = admin_client.get(url)
    assert response.status_code == 200


def test_draft_is_editable_and_shows_the_publish_check(admin_client, processes):
    _, draft = processes
    html = admin_client.get(change_url(draft)).content.decode()
    assert 'name="steps-0-key"' in html  # editable inline
    assert "Tổng thời gian luồng chính: 10 / 10 ngày." in html
    assert "✓ Đạt." in html
    step = draft.steps.get(key="specialist")
    html = admin_client.get(change_url(step)).content.decode()
    assert 'name="actions-0-name"' in html


def test_published_process_is_read_only(admin_client, processes):
    published, _ = processes
    response = admin_client.get(change_url(published))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="steps-0-key"' not in html and 'name="note"' not in html
    assert "Cơ quan thuế xác định nghĩa vụ tài chính" in html
    step = published.steps.get(key="thue")
    assert 'name="actions-0-name"' not in admin_client.get(change_url(step)).content.decode()
    # A forged POST changes nothing.
    response = admin_client.post(change_url(published), {"note": "sửa lén"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.note != "sửa lén"


def test_add_from_the_default_process(admin_client, land):
    response = admin_client.post(
        "/admin/workflow/process/add/",
        {"procedure": land.pk, "note": "Quy trình riêng", "start_from_default": "on"},
    )
    assert response.status_code == 302
    process = land.processes.get()
    assert process.number == 1 and process.note == "Quy trình riêng"
    assert not process.is_default
    assert process.steps.count() == 6
    assert response.url == change_url(process)


def test_edit_a_draft_step_inline(admin_client, processes):
    _, draft = processes
    page = admin_client.get(change_url(draft))
    formset = page.context["inline_admin_formsets"][0].formset
    data = {"note": "Sửa", "steps-TOTAL_FORMS": str(formset.total_form_count()),
            "steps-INITIAL_FORMS": str(formset.initial_form_count())}  # fmt: skip
    for i, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None or value is False:
                continue
            data[f"steps-{i}-{name}"] = "on" if value is True else getattr(value, "pk", value)
    data["steps-1-allotted_days"] = "5"
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 302, response.context["errors"]
    assert draft.steps.get(key="specialist").allotted_days == 5


def test_publish_action_shows_the_problems(admin_client, processes, justice):
    _, draft = processes
    ProcessStep.objects.filter(process=draft, key="specialist").update(allotted_days=9)
    response = admin_client.post(
        "/admin/workflow/process/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "chưa xuất bản được" in html
    assert "Tổng thời gian các bước chính (13 ngày) vượt thời hạn giải quyết (10 ngày)." in html
    draft.refresh_from_db()
    assert draft.status == Process.Status.DRAFT

    ProcessStep.objects.filter(process=draft, key="specialist").update(allotted_days=6)
    response = admin_client.post(
        "/admin/workflow/process/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Đã xuất bản quy trình 2.000635 phiên bản 1." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Process.Status.PUBLISHED


def test_new_draft_action(admin_client, processes, land):
    published, _ = processes
    response = admin_client.post(
        "/admin/workflow/process/",
        {"action": "new_draft_selected", "_selected_action": [published.pk]},
        follow=True,
    )
    assert "Đã tạo bản nháp phiên bản 2" in response.content.decode()
    copy = land.processes.get(number=2)
    assert copy.status == Process.Status.DRAFT and copy.steps.count() == 7


def test_department_admin_sees_only_its_procedures(client, processes):
    published, draft = processes
    land_registry = published.procedure.versions.get().agency
    client.force_login(department_admin(land_registry))
    html = client.get("/admin/workflow/process/").content.decode()
    assert "1.013831" in html and "2.000635" not in html
    assert html.count(f'href="{change_url(published)}"') == 1  # distinct rows
    assert client.get(change_url(published)).status_code == 200
    assert client.get(change_url(draft)).status_code == 302  # outside the scope
    steps = client.get("/admin/workflow/processstep/").content.decode()
    assert "Cơ quan thuế xác định nghĩa vụ tài chính" in steps
    assert "Lãnh đạo cơ quan phê duyệt" not in steps
    assert client.get(change_url(draft.steps.first())).status_code == 302
    # The procedure choice offers only its own procedures.
    add = client.get("/admin/workflow/process/add/").content.decode()
    assert "1.013831" in add and "2.000635" not in add


def test_liaison_agency_choice_is_not_limited_to_the_scope(client, processes):
    published, _ = processes
    land_registry = published.procedure.versions.get().agency
    client.force_login(department_admin(land_registry))
    copy = services.new_draft_from(process=published)
    html = client.get(change_url(copy.steps.get(key="thue"))).content.decode()
    assert "Thuế thành phố Cần Thơ" in html  # another agency: liên thông
    factories.agency("000.00.31.H13", "Bảo hiểm xã hội")
    html = client.get(change_url(copy)).content.decode()
    assert "Bảo hiểm xã hội" in html
