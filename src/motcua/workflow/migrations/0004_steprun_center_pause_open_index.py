"""Worklist indexes (bench/workflow_lists.py, 1,000,000 dossiers).

- StepRun.center: the dossier's center copied onto each run, so the one-stop steps' worklists
  (reception officers: `to_do`, `due_soon`, `overdue`, `waiting`) filter on an index of the run
  instead of joining every open run's dossier; filled from the dossiers for existing runs.
  The index ends with the due time: "due soon" and "overdue" are ranges on it.
- Pause: a partial index of the open pauses by start, the order of the waiting list.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_centers(apps, schema_editor):
    StepRun = apps.get_model("workflow", "StepRun")
    Dossier = apps.get_model("dossiers", "Dossier")
    centers = Dossier.objects.filter(workflow__runs=OuterRef("pk")).values("center_id")[:1]
    StepRun.objects.filter(center__isnull=True).update(center_id=Subquery(centers))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("dossiers", "0001_initial"),
        ("workflow", "0003_result_postal_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="steprun",
            name="center",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.servicecenter",
                verbose_name="trung tâm tiếp nhận",
            ),
        ),
        migrations.RunPython(fill_centers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="steprun",
            name="center",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.servicecenter",
                verbose_name="trung tâm tiếp nhận",
            ),
        ),
        migrations.AddIndex(
            model_name="steprun",
            index=models.Index(
                fields=["status", "role", "center", "effective_due_at"],
                name="workflow_st_status_d9a17e_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="pause",
            index=models.Index(
                condition=models.Q(ended_at__isnull=True),
                fields=["started_at", "id"],
                name="pause_open_by_start",
            ),
        ),
    ]
