"""The deadline sweep: mark step runs and dossiers due soon or overdue, and warn by email.

Run it often (e.g. every 15 minutes) with `motcua sweep-deadlines` from cron, or let the worker
run the task. Each mark is a timestamp (`due_soon_notified_at`, `overdue_notified_at` on
StepRun and DossierProcess): a run or dossier is claimed by setting its mark only where it is
still empty (one UPDATE … WHERE … IS NULL), so two sweeps at once never warn twice, and the mark
is cleared again when sending fails, so the next sweep retries. The runtime clears the marks
when a due time moves later (a pause ends, an apology sets a new date), so the new time is
warned about once more.

Who is warned: for a step, its assignee and the leaders (agency leaders) of its unit — for the
One-stop Department's steps, the center's director too; for a dossier, the assignee of its
current step and the leaders of the agency carrying out the procedure. Due soon means within
one working day of the center's calendar — for a dossier without an apology yet, two: the
apology (Mẫu 04) must be sent at least one day before the due date (Decree 61), so the lead
agency hears of it with that day to spare; overdue, past the due time with pauses excluded.
Dossiers whose clock is stopped (waiting for a supplement, suspended) are not swept.
"""

import logging
from datetime import datetime

from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from motcua.accounts.models import Role, User
from motcua.directory.models import ServiceCenter
from motcua.directory.selectors import calendar_for_center
from motcua.domain.dossier_status import Status
from motcua.workflow.models import Apology, DossierProcess, StepRun

logger = logging.getLogger(__name__)

RUN_STATES = (Status.RECEIVED, Status.IN_PROGRESS, Status.RESULT_READY)
CLOCK_STATES = (Status.RECEIVED, Status.IN_PROGRESS)


def _leaders(agency_id: int | None, center_id: int | None = None) -> list[User]:
    users = []
    if agency_id is not None:
        users += list(
            User.objects.filter(agency_id=agency_id, role=Role.AGENCY_LEADER, is_active=True)
        )
    if center_id is not None:
        today = timezone.localdate()
        users += list(
            User.objects.filter(
                role=Role.CENTER_DIRECTOR, is_active=True, assignments__center_id=center_id,
                assignments__start_date__lte=today, assignments__end_date__gte=today,
            ).distinct()
        )  # fmt: skip
    return users


def _emails(users) -> list[str]:
    seen, out = set(), []
    for user in users:
        if user is not None and user.email and user.email not in seen:
            seen.add(user.email)
            out.append(user.email)
    return out


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _claim(queryset: QuerySet, pk: int, field: str, now: datetime) -> bool:
    return bool(queryset.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}))


def _release(queryset: QuerySet, pk: int, field: str) -> None:
    queryset.filter(pk=pk).update(**{field: None})


def _thresholds(now: datetime, center_ids, *days: int) -> list[dict[int, datetime]]:
    """Per number of working days in `days`: that many working days from now, per center
    (each center's calendar read once)."""
    centers = ServiceCenter.objects.filter(pk__in=set(center_ids))
    calendars = {c.pk: calendar_for_center(c) for c in centers}
    return [{pk: cal.add_working_days(now, n) for pk, cal in calendars.items()} for n in days]


def _run_message(run: StepRun, kind: str) -> tuple[str, str]:
    dossier = run.dossier_process.dossier
    params = {"code": dossier.code, "step": run.step.name, "due": _local(run.effective_due_at),
              "unit": run.unit.name, "procedure": dossier.procedure_version.name,
              "assignee": str(run.assignee) if run.assignee else _("(chưa giao)")}  # fmt: skip
    if kind == "overdue":
        subject = _("Hồ sơ %(code)s: bước “%(step)s” đã quá hạn") % params
        lead = _("Bước “%(step)s” của hồ sơ %(code)s đã quá hạn (hạn %(due)s).") % params
    else:
        subject = _("Hồ sơ %(code)s: bước “%(step)s” sắp đến hạn") % params
        lead = _("Bước “%(step)s” của hồ sơ %(code)s sắp đến hạn (hạn %(due)s).") % params
    body = "\n".join([
        lead, "",
        _("Thủ tục: %(procedure)s") % params,
        _("Đơn vị thực hiện: %(unit)s") % params,
        _("Người xử lý: %(assignee)s") % params,
    ])  # fmt: skip
    return subject, body + "\n"


def _dossier_message(dp: DossierProcess, kind: str) -> tuple[str, str]:
    dossier = dp.dossier
    params = {"code": dossier.code, "due": _local(dp.deadline_at),
              "procedure": dossier.procedure_version.name,
              "holder": dossier.holder_agency.name if dossier.holder_agency else ""}  # fmt: skip
    if kind == "overdue":
        subject = _("Hồ sơ %(code)s đã quá hạn trả kết quả") % params
        lead = _("Hồ sơ %(code)s đã quá hạn trả kết quả (hạn %(due)s).") % params
    elif getattr(dp, "has_apology", False):  # the new date: Mẫu 04 is issued only once
        subject = _("Hồ sơ %(code)s sắp đến hạn trả kết quả") % params
        lead = _("Hồ sơ %(code)s sắp đến ngày hẹn lại trả kết quả (hạn %(due)s).") % params
    else:
        subject = _("Hồ sơ %(code)s sắp đến hạn trả kết quả") % params
        lead = (
            _(
                "Hồ sơ %(code)s sắp đến hạn trả kết quả (hạn %(due)s). Nếu không kịp, cần lập "
                "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): theo quy định, phiếu gửi "
                "chậm nhất 01 ngày làm việc trước hạn."
            )
            % params
        )
    body = "\n".join([
        lead, "", _("Thủ tục: %(procedure)s") % params,
        _("Cơ quan đang giữ hồ sơ: %(holder)s") % params,
    ])  # fmt: skip
    return subject, body + "\n"


def _send(subject: str, body: str, recipients: list[str]) -> int:
    if recipients:
        send_mail(subject, body, None, recipients)
    return len(recipients)


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Mark and warn, once each. Returns counts (marked runs and dossiers, emails, failures)."""
    now = now or timezone.now()
    counts = {"runs_due_soon": 0, "runs_overdue": 0, "dossiers_due_soon": 0,
              "dossiers_overdue": 0, "emails": 0, "failed": 0}  # fmt: skip
    runs = StepRun.objects.filter(status=StepRun.Status.OPEN, dossier_status__in=RUN_STATES)
    processes = DossierProcess.objects.filter(
        finished_at__isnull=True, dossier__status__in=CLOCK_STATES
    )
    soon_runs = runs.filter(
        effective_due_at__gte=now, due_soon_notified_at__isnull=True,
        overdue_notified_at__isnull=True,
    )  # fmt: skip
    soon_dps = processes.filter(
        deadline_at__gte=now, due_soon_notified_at__isnull=True, overdue_notified_at__isnull=True
    )
    dp_centers = list(soon_dps.values_list("dossier__center_id", flat=True).distinct())
    run_centers = list(soon_runs.values_list("center_id", flat=True).distinct())
    limits, apology_limits = _thresholds(now, run_centers + dp_centers, 1, 2)
    related = ("step", "unit", "assignee", "dossier_process__dossier__procedure_version")
    jobs = []
    for run in runs.filter(
        effective_due_at__lt=now, overdue_notified_at__isnull=True
    ).select_related(*related):
        jobs.append(("run", "overdue", run))
    for run in soon_runs.select_related(*related):
        if run.effective_due_at <= limits[run.dossier_process.dossier.center_id]:
            jobs.append(("run", "due_soon", run))
    dp_related = ("dossier__procedure_version", "dossier__holder_agency")
    soon_dps = soon_dps.annotate(
        has_apology=Exists(Apology.objects.filter(dossier_id=OuterRef("dossier_id")))
    )
    for dp in processes.filter(
        deadline_at__lt=now, overdue_notified_at__isnull=True
    ).select_related(*dp_related):
        jobs.append(("dossier", "overdue", dp))
    for dp in soon_dps.select_related(*dp_related):
        within = (limits if dp.has_apology else apology_limits)[dp.dossier.center_id]
        if dp.deadline_at <= within:
            jobs.append(("dossier", "due_soon", dp))

    with translation.override("vi"):
        for what, kind, obj in jobs:
            field = f"{kind}_notified_at"
            model = StepRun.objects if what == "run" else DossierProcess.objects
            if not _claim(model, obj.pk, field, now):
                continue  # another sweep took it
            try:
                if what == "run":
                    subject, body = _run_message(obj, kind)
                    dossier = obj.dossier_process.dossier
                    center = dossier.center_id if obj.unit_kind == "one_stop" else None
                    recipients = _emails([obj.assignee, *_leaders(obj.unit_id, center)])
                else:
                    subject, body = _dossier_message(obj, kind)
                    current = obj.runs.filter(status=StepRun.Status.OPEN, parallel=False).first()
                    assignee = current.assignee if current else None
                    lead = obj.dossier.procedure_version.agency_id
                    recipients = _emails([assignee, *_leaders(lead)])
                counts["emails"] += _send(subject, body, recipients)
                counts[f"{what}s_{kind}"] += 1
            except Exception:
                logger.exception("Deadline warning for %s %s failed", what, obj.pk)
                _release(model, obj.pk, field)
                counts["failed"] += 1
    return counts


@task()
def sweep_deadlines() -> dict[str, int]:
    """The deadline sweep, for the background worker (`motcua db_worker`)."""
    return sweep()
