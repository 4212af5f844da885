import pytest
from django.core import mail
from django.core.management import call_command

from motcua.dossiers.services import intake
from motcua.notifications.sms.contrib.logging.plugin import outbox
from tests import factories


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_notifications_are_queued_not_sent_in_the_request_then_sent_by_the_worker(
    database_tasks,
    version,
    center,
    officer,
    monday_9am,
):
    from django_tasks_db.models import DBTaskResult

    outbox.clear()
    dossier = intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive", at=monday_9am,
    )  # fmt: skip
    assert mail.outbox == [] and outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [m.to for m in mail.outbox] == [["dan@example.vn"]]
    assert dossier.code in mail.outbox[0].body
    assert outbox and outbox[0][0] == "0912345678" and dossier.code in outbox[0][1]


@pytest.mark.django_db
def test_supplement_and_refusal_messages_say_what_is_missing_and_why(
    version,
    center,
    officer,
    monday_9am,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        intake(version=version, center=center, officer=officer, applicant=factories.applicant(),
               components=factories.all_components(version, provided=False),
               decision="supplement", at=monday_9am)  # fmt: skip
        intake(version=version, center=center, officer=officer, applicant=factories.applicant(),
               components=[], decision="refuse", reason="Không thuộc thẩm quyền", at=monday_9am)  # fmt: skip
    supplement, refusal = mail.outbox
    assert "Tờ khai theo mẫu" in supplement.body
    assert "Lý do: Không thuộc thẩm quyền" in refusal.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind", ["apology", "withdrawn", "result_ready", "returned", "postal_returned"]
)
def test_processing_notifications_have_a_subject_email_and_sms(
    kind, version, center, officer, monday_9am
):
    from motcua.notifications.services import deliver

    dossier = intake(version=version, center=center, officer=officer,
                     applicant=factories.applicant(), components=factories.all_components(version),
                     decision="receive", at=monday_9am)  # fmt: skip
    mail.outbox.clear()
    assert deliver(dossier_id=dossier.pk, kind=kind) == "email,sms"
    assert dossier.code in mail.outbox[0].subject and dossier.code in mail.outbox[0].body
