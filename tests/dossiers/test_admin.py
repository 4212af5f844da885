import pytest

from motcua.dossiers.services import intake
from tests import factories

pytestmark = pytest.mark.django_db


def test_dossier_admin_is_read_only_and_shows_the_event_log(
    admin_client, version, center, officer, monday_9am
):
    dossier = intake(version=version, center=center, officer=officer,
                     applicant=factories.applicant(), components=factories.all_components(version),
                     decision="receive", at=monday_9am)  # fmt: skip
    listing = admin_client.get("/admin/dossiers/dossier/").content.decode()
    assert dossier.code in listing
    page = admin_client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/").content.decode()
    assert "received" in page and 'name="applicant_name"' not in page
    assert admin_client.get("/admin/dossiers/dossier/add/").status_code == 403


def test_officers_of_another_center_do_not_see_the_dossier(
    client, version, center, officer, monday_9am
):
    from django.contrib.auth.models import Permission

    dossier = intake(version=version, center=center, officer=officer,
                     applicant=factories.applicant(), components=factories.all_components(version),
                     decision="receive", at=monday_9am)  # fmt: skip
    other_center = factories.center("ninh-kieu", agency_code="000.00.02.H13")
    other = factories.officer(other_center, username="khac")
    other.is_staff = True
    other.save()
    other.user_permissions.set(Permission.objects.filter(codename="view_dossier"))
    client.force_login(other)
    assert dossier.code not in client.get("/admin/dossiers/dossier/").content.decode()


def test_dossier_for_accepts_codes_public_ids_and_rejects_junk(
    version, center, officer, monday_9am
):
    from motcua.dossiers.selectors import dossier_for

    dossier = intake(version=version, center=center, officer=officer,
                     applicant=factories.applicant(), components=factories.all_components(version),
                     decision="receive", at=monday_9am)  # fmt: skip
    assert dossier_for(officer, code=dossier.code) == dossier
    assert dossier_for(officer, code=str(dossier.public_id)) == dossier
    assert dossier_for(officer, code="x" * 36) is None


def test_running_processes_are_visible_read_only_in_the_admin(
    admin_client, version, center, officer, monday_9am
):
    from motcua.workflow.models import DossierProcess

    dossier = intake(version=version, center=center, officer=officer,
                     applicant=factories.applicant(), components=factories.all_components(version),
                     decision="receive", at=monday_9am)  # fmt: skip
    running = DossierProcess.objects.get(dossier=dossier)
    page = admin_client.get(f"/admin/workflow/dossierprocess/{running.pk}/change/")
    assert page.status_code == 200 and dossier.code in page.content.decode()
    assert admin_client.get("/admin/workflow/dossierprocess/add/").status_code == 403
