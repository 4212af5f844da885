"""Every admin list is scoped to the signed-in user's agency; province admins see all."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from motcua.accounts.models import Role, User
from motcua.catalog.models import ProcedureVersion
from tests import factories

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    "accounts/user",
    "directory/administrativeunit",
    "directory/agency",
    "directory/servicecenter",
    "directory/counter",
    "directory/calendaroverride",
    "directory/staffassignment",
    "catalog/field",
    "catalog/procedure",
    "catalog/procedureversion",
    "catalog/synonym",
]


@pytest.fixture
def two_agencies():
    justice = factories.agency()
    building = factories.agency("000.00.14.H13", "Sở Xây dựng")
    factories.procedure("2.000635", "Cấp Phiếu lý lịch tư pháp")
    factories.procedure(
        "1.011606", "Cấp giấy phép xây dựng", agency_code="000.00.14.H13", field="Xây dựng"
    )
    return justice, building


def department_admin(agency) -> User:
    user = User.objects.create_user(
        username="qt.tuphap", password="x-Strong-pass-1", role=Role.ADMINISTRATOR,
        agency=agency, is_staff=True,
    )  # fmt: skip
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["catalog", "directory"])
    )
    return user


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_admin_page_renders_in_vietnamese(admin_client, two_agencies, model):
    changelist = admin_client.get(f"/admin/{model}/")
    assert changelist.status_code == 200
    assert "Quản trị" in changelist.content.decode() or "motcua" in changelist.content.decode()
    assert admin_client.get(f"/admin/{model}/add/").status_code == 200


def test_department_admin_sees_only_its_agency_procedures(client, two_agencies):
    justice, _ = two_agencies
    client.force_login(department_admin(justice))
    html = client.get("/admin/catalog/procedureversion/").content.decode()
    assert "Cấp Phiếu lý lịch tư pháp" in html
    assert "Cấp giấy phép xây dựng" not in html
    other = ProcedureVersion.objects.get(procedure__code="1.011606")
    url = reverse("admin:catalog_procedureversion_change", args=[other.pk])
    # Django answers a row outside the queryset by redirecting to the admin index.
    assert client.get(url).status_code == 302


def test_department_admin_can_pick_only_its_agency(client, two_agencies):
    justice, building = two_agencies
    client.force_login(department_admin(justice))
    html = client.get("/admin/directory/counter/add/").content.decode()
    assert "Sở Tư pháp" in html
    assert "Sở Xây dựng" not in html


def test_department_admin_cannot_change_province_wide_data(client, two_agencies):
    justice, _ = two_agencies
    client.force_login(department_admin(justice))
    assert client.get("/admin/catalog/field/add/").status_code == 403
    assert client.get("/admin/directory/administrativeunit/add/").status_code == 403


def test_admin_edit_of_a_version_refreshes_search_text(admin_client, two_agencies):
    version = ProcedureVersion.objects.get(procedure__code="2.000635")
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        procedure=version.procedure_id, field=version.field_id, agency=version.agency_id,
        name="Cấp Phiếu lý lịch tư pháp số 2", legal_basis="[]",
        effective_from="2025-07-01", time_limit_days="10",
        **{"components-TOTAL_FORMS": "0", "components-INITIAL_FORMS": "0",
           "fees-TOTAL_FORMS": "0", "fees-INITIAL_FORMS": "0"},
    )  # fmt: skip
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    version.refresh_from_db()
    assert " so 2 " in version.search_text
    assert version.name_key == "cap phieu ly lich tu phap so 2"


def test_new_version_in_admin_closes_the_open_one(admin_client, two_agencies):
    old = ProcedureVersion.objects.get(procedure__code="2.000635")
    data = {
        "procedure": old.procedure_id, "effective_from": "2026-01-01", "name": "Lý lịch mới",
        "field": old.field_id, "agency": old.agency_id, "level": "province",
        "time_limit_days": "7", "online_level": "none", "legal_basis": "[]",
        "for_individuals": "on", "accepts_counter": "on",
        "components-TOTAL_FORMS": "1", "components-INITIAL_FORMS": "0",
        "components-0-position": "0", "components-0-name": "Tờ khai", "components-0-form": "original",
        "components-0-copies": "1", "components-0-required": "on",
        "fees-TOTAL_FORMS": "0", "fees-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = admin_client.post("/admin/catalog/procedureversion/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    new = ProcedureVersion.objects.get(procedure__code="2.000635", number=2)
    old.refresh_from_db()
    assert old.effective_to.isoformat() == "2026-01-01"
    assert new.effective_to is None
    assert new.components.get().name == "Tờ khai"
    assert new.content_hash and " ly lich moi " in new.search_text


def test_admin_refuses_a_version_older_than_the_current_one(admin_client, two_agencies):
    old = ProcedureVersion.objects.get(procedure__code="2.000635")
    data = {
        "procedure": old.procedure_id, "effective_from": "2020-01-01", "name": "Cũ hơn",
        "field": old.field_id, "agency": old.agency_id, "level": "province",
        "time_limit_days": "7", "online_level": "none", "legal_basis": "[]",
        "components-TOTAL_FORMS": "0", "components-INITIAL_FORMS": "0",
        "fees-TOTAL_FORMS": "0", "fees-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = admin_client.post("/admin/catalog/procedureversion/add/", data)
    assert response.status_code == 200
    assert "không được sớm hơn phiên bản hiện hành (01/07/2025)" in response.content.decode()
    assert ProcedureVersion.objects.filter(procedure__code="2.000635").count() == 1


def test_a_new_supervisor_gets_read_only_admin_rights(admin_client, two_agencies):
    justice, _ = two_agencies
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "giamsat1", "full_name": "Lê Văn Giám Sát", "role": "supervisor",
            "agency": justice.pk, "password1": "Mật-khẩu-dài-2026", "password2": "Mật-khẩu-dài-2026",
            "usable_password": "true",
            "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="giamsat1")
    assert user.is_staff
    assert user.has_perm("catalog.view_procedureversion")
    assert not user.has_perm("catalog.change_procedureversion")
