from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.workflow import services
from motcua.workflow.models import (
    Process,
    ProcessAction,
    ProcessLocked,
    ProcessStep,
    UnitKind,
)
from motcua.workflow.specs import default_spec

pytestmark = pytest.mark.django_db


def default_draft(procedure) -> Process:
    spec = default_spec(procedure_code=procedure.code, time_limit_days=Decimal(10))
    return services.create_draft(procedure=procedure, spec=spec)


def test_at_most_one_published_process_per_procedure(justice, land):
    services.publish(process=default_draft(justice))
    other = default_draft(justice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Process.objects.filter(pk=other.pk).update(
            status=Process.Status.PUBLISHED, published_at=timezone.now()
        )
    # Another procedure may have its own published process.
    services.publish(process=default_draft(land))
    assert Process.objects.filter(status="published").count() == 2


def test_version_numbers_are_unique_per_procedure(justice):
    first = default_draft(justice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Process.objects.create(procedure=justice, number=first.number)


def test_published_process_is_immutable(justice):
    process = services.publish(process=default_draft(justice))
    step = process.steps.get(key="specialist")
    step.allotted_days = Decimal(1)
    with pytest.raises(ProcessLocked, match="không được sửa"):
        step.save()
    with pytest.raises(ProcessLocked):
        step.delete()
    action = step.actions.first()
    action.label = "Khác"
    with pytest.raises(ProcessLocked):
        action.save()
    with pytest.raises(ProcessLocked):
        action.delete()
    with pytest.raises(ProcessLocked):
        ProcessStep(process=process, key="new", name="Mới", role="clerk").save()
    process.note = "sửa"
    with pytest.raises(ProcessLocked):
        process.save()
    process.refresh_from_db()
    assert process.note == "Quy trình mặc định"
    assert process.steps.get(key="specialist").allotted_days == Decimal(6)
    services.retire(process=process)
    step.refresh_from_db()
    with pytest.raises(ProcessLocked):
        step.save()


def test_draft_steps_can_be_edited(justice):
    draft = default_draft(justice)
    step = draft.steps.get(key="specialist")
    step.allotted_days = Decimal(5)
    step.save()
    assert draft.steps.get(key="specialist").allotted_days == Decimal(5)


def test_step_keys_are_unique_within_a_process(justice):
    draft = default_draft(justice)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessStep.objects.create(process=draft, key="head", name="Trùng", role="clerk")
    other = default_draft(justice)
    assert other.steps.filter(key="head").exists()


def test_agency_only_for_a_liaison_step(justice):
    draft = default_draft(justice)
    agency = justice.versions.get().agency
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessStep.objects.filter(process=draft, key="head").update(agency=agency)
    step = ProcessStep(process=draft, key="tax", name="Thuế", role="specialist",
                       unit_kind=UnitKind.AGENCY)  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        step.full_clean()
    assert "agency" in caught.value.message_dict


def test_half_days_only(justice):
    draft = default_draft(justice)
    step = draft.steps.get(key="head")
    step.allotted_days = Decimal("0.3")
    with pytest.raises(ValidationError) as caught:
        step.full_clean()
    assert "allotted_days" in caught.value.message_dict


def test_action_has_one_target_or_the_end(justice):
    draft = default_draft(justice)
    head = draft.steps.get(key="head")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessAction.objects.create(step=head, name="approve", target=head, target_is_end=True)
    neither = ProcessAction(step=head, name="approve")
    with pytest.raises(ValidationError, match="bước đích"):
        neither.full_clean()
    elsewhere = default_draft(justice).steps.get(key="leader")
    crossing = ProcessAction(step=head, name="approve", target=elsewhere)
    with pytest.raises(ValidationError, match="cùng quy trình"):
        crossing.full_clean()


def test_join_before_must_be_a_main_step_of_the_same_process(justice):
    draft = default_draft(justice)
    tax = ProcessStep(process=draft, key="tax", name="Thuế", role="specialist",
                      unit_kind=UnitKind.ONE_STOP, join_before=draft.steps.get(key="head"))  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        tax.full_clean()
    assert "join_before" in caught.value.message_dict  # not marked parallel
    tax.is_parallel = True
    tax.full_clean()
    tax.join_before = default_draft(justice).steps.get(key="head")
    with pytest.raises(ValidationError):
        tax.full_clean()


def test_hours_count_at_the_configured_day_length(justice, settings):
    draft = default_draft(justice)
    step = draft.steps.get(key="head")
    step.allotted_hours = 4
    assert step.allotted_as_days() == Decimal("1.5") + Decimal("0.5")
    settings.MOTCUA_WORKING_DAY_HOURS = 4
    assert step.allotted_as_days() == Fraction(5, 2)  # 1.5 days + 4 hours of a 4-hour day
    assert step.allotted_as_days(timedelta(hours=8)) == 2  # the center's real day length


@pytest.mark.django_db
def test_the_migration_fills_the_copies_from_the_dossiers(version, center, officer, monday_9am):
    """workflow/0005 fills StepRun.dossier_status and dossier_deadline_at of existing runs."""
    import importlib

    from django.apps import apps

    from motcua.workflow.models import DossierProcess, StepRun
    from tests.workflow.test_runtime_support import receive

    fill = importlib.import_module(
        "motcua.workflow.migrations.0005_steprun_dossier_status_deadline"
    ).fill
    dossier = receive(version, center, officer, monday_9am)
    StepRun.objects.update(dossier_status="draft", dossier_deadline_at=monday_9am)
    fill(apps, None)
    run = StepRun.objects.get(dossier_process__dossier=dossier)
    dp = DossierProcess.objects.get(dossier=dossier)
    assert (run.dossier_status, run.dossier_deadline_at) == ("received", dp.deadline_at)
