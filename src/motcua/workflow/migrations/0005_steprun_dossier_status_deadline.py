"""The dossier's status and deadline on its step runs (bench/workflow_lists.py, 1,000,000
dossiers): the per-agency counts of province-wide users read every open run, and joining each
to its dossier and process took 100–400 ms; with both copied onto the run (the runtime keeps
them), they read one partial index of the open runs, INCLUDE-ing what the counts filter on.

Existing runs are filled from their dossiers (all of them: the copy only matters while a run
is open, but a column without gaps needs no NULL case).
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from motcua.dossiers.models import DossierStatus


def fill(apps, schema_editor):
    StepRun = apps.get_model("workflow", "StepRun")
    DossierProcess = apps.get_model("workflow", "DossierProcess")
    of_run = DossierProcess.objects.filter(pk=OuterRef("dossier_process_id"))
    StepRun.objects.update(
        dossier_status=Subquery(of_run.values("dossier__status")[:1]),
        dossier_deadline_at=Subquery(of_run.values("deadline_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("workflow", "0004_steprun_center_pause_open_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="steprun",
            name="dossier_status",
            field=models.CharField(
                choices=DossierStatus.choices,
                max_length=24,
                null=True,
                verbose_name="trạng thái hồ sơ",
            ),
        ),
        migrations.AddField(
            model_name="steprun",
            name="dossier_deadline_at",
            field=models.DateTimeField(null=True, verbose_name="hạn hiện hành của hồ sơ"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="steprun",
            name="dossier_status",
            field=models.CharField(
                choices=DossierStatus.choices, max_length=24, verbose_name="trạng thái hồ sơ"
            ),
        ),
        migrations.AlterField(
            model_name="steprun",
            name="dossier_deadline_at",
            field=models.DateTimeField(verbose_name="hạn hiện hành của hồ sơ"),
        ),
        migrations.AddIndex(
            model_name="steprun",
            index=models.Index(
                condition=models.Q(status="open"),
                fields=["unit"],
                include=[
                    "assignee",
                    "center",
                    "effective_due_at",
                    "dossier_status",
                    "dossier_deadline_at",
                ],
                name="step_run_open_by_unit",
            ),
        ),
    ]
