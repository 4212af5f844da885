"""The demo loader: what it loads, and that a second run changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

from motcua.accounts.models import Role, User
from motcua.catalog.selectors import current_versions, search_procedures
from motcua.directory.models import Counter, ServiceCenter, StaffAssignment

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for app in ("accounts", "directory", "catalog")
        for m in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def demo(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("load_demo_data", "--no-dossiers")  # the demo dossiers have their own test
    return capsys.readouterr().out


def test_demo_says_it_is_demo_data(demo):
    assert "DỮ LIỆU MẪU" in demo


def test_loading_twice_changes_nothing(demo, capsys):
    before = row_counts()
    call_command("load_demo_data", "--no-dossiers")
    assert row_counts() == before
    assert "0 thủ tục mới, 0 sửa đổi" in capsys.readouterr().out


def test_provincial_center_has_26_counters_on_two_floors(demo):
    center = ServiceCenter.objects.get(code="can-tho")
    floors = {f: center.counters.filter(floor=f).count() for f in (1, 2)}
    assert floors == {1: 15, 2: 11}
    assert Counter.objects.filter(center=center, agencies__isnull=True).count() == 0
    assert center.working_sessions.count() == 2
    assert center.reception_points.filter(kind="post_office").exists()


def test_two_commune_centers(demo):
    communes = ServiceCenter.objects.filter(level="commune")
    assert communes.count() == 2
    for center in communes:
        assert center.agency is not None and center.agency.level == "commune"


def test_catalog_has_at_least_150_real_procedures_across_fields(demo):
    versions = current_versions()
    assert versions.count() >= 150
    assert versions.values("field").distinct().count() >= 15
    assert versions.filter(level="commune").count() >= 40
    assert search_procedures(query="sổ đỏ").count >= 1
    assert search_procedures(query="lam giay khai sinh").items[0].name == "Đăng ký khai sinh"


def test_every_department_has_a_primary_and_a_backup_reception_officer(demo):
    center = ServiceCenter.objects.get(code="can-tho")
    for agency in center.agencies.all():
        postings = StaffAssignment.objects.filter(
            center=center, user__agency=agency, user__role=Role.RECEPTION_OFFICER
        )
        assert {p.is_primary for p in postings} == {True, False}, agency


def test_admin_user_can_sign_in_with_the_demo_password(demo, settings, client):
    password = (settings.DATA_DIR / "demo-password.txt").read_text().strip()
    assert client.login(username="admin", password=password)
    assert User.objects.get(username="admin").is_superuser


def test_demo_has_a_queue_for_the_provincial_center(demo):
    from motcua.queueing.models import BookingSlotTemplate, PriorityCategory, ServiceGroup

    groups = ServiceGroup.objects.filter(center__code="can-tho")
    assert groups.count() >= 10
    assert all(g.counters.exists() for g in groups)
    assert PriorityCategory.objects.filter(center__isnull=True).count() == 5
    assert BookingSlotTemplate.objects.filter(group__center__code="can-tho").exists()


def test_demo_dossiers_fill_the_worklists_and_are_not_added_twice(demo, capsys):
    from motcua.dossiers.models import Dossier
    from motcua.workflow import runtime_selectors

    assert "Hồ sơ mẫu:" not in demo and not Dossier.objects.exists()
    call_command("load_demo_data")
    assert "Hồ sơ mẫu:" in capsys.readouterr().out
    count = Dossier.objects.count()
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert count >= 40
    assert {"received", "in_progress", "returned", "waiting_supplement"} <= statuses
    assert all(d.code for d in Dossier.objects.all())
    specialist = (
        User.objects.filter(role=Role.SPECIALIST, step_runs__status="open").distinct().first()
    )
    assert specialist is not None and runtime_selectors.to_do(specialist).exists()
    from motcua.reports.models import DossierRecord, Rating

    assert Rating.objects.exists()  # the demo applicants rated some returned dossiers
    assert DossierRecord.objects.count() == count  # every demo dossier counts in the indices
    call_command("load_demo_data")
    assert Dossier.objects.count() == count
    assert "bỏ qua" in capsys.readouterr().out
