"""One action on a running dossier, from whatever the user sent (the API's JSON body or the
dossier page's form): the one place that maps an action name and its inputs to the runtime
service that performs it. Both entry points stay thin and behave the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.workflow import permissions as perms
from motcua.workflow import runtime
from motcua.workflow.models import StepRun

# After the process: the postal service's report on a result returned by post.
POSTAL_DELIVERY = "postal_delivery"


@dataclass
class ActionRequest:
    """What the user asked for; only the fields the action uses are read."""

    action: str
    revision: int | None = None  # DossierProcess.revision the user saw (stale check)
    step: str | None = None  # the key of the open step acted on
    target: str | None = None  # target step key (or "END") where the step offers several
    note: str = ""
    reason: str = ""
    assignee: str | None = None  # username
    missing: Sequence[int | str] = field(default_factory=list)
    new_due_at: datetime | None = None
    paper_only: bool = False
    file: UploadedFile | None = None
    method: str = ""
    collected_by_name: str = ""
    id_checked: bool = False
    tracking_number: str = ""
    postal_status: str = ""  # postal_delivery: "delivered", "returned", then "collected"


def open_run(dossier: Dossier, step: str | None) -> StepRun:
    """The open run at `step` (else the main line's); a step no longer open is stale."""
    runs = StepRun.objects.filter(dossier_process__dossier=dossier, status=StepRun.Status.OPEN)
    run = runs.filter(step__key=step).first() if step else runs.filter(parallel=False).first()
    if run is None:
        if step:
            raise runtime.StaleAction()
        raise runtime.WorkflowError(_("Hồ sơ không còn ở bước xử lý nào."))
    return run


def perform(*, user: User, dossier: Dossier, request: ActionRequest) -> None:
    """Perform the action through `motcua.workflow.runtime` (one transaction there).

    Raises `runtime.WorkflowError` (or its subclasses ActionDenied, StaleAction, SystemBusy)
    with a message for the user; `field` names the input at fault.
    """
    r = request
    common = {"dossier": dossier, "user": user, "expected_revision": r.revision}
    action = r.action
    if action in (perms.CLAIM, perms.ASSIGN):
        run = open_run(dossier, r.step)
        if action == perms.CLAIM:
            runtime.claim(step_run=run, user=user, expected_revision=r.revision)
            return
        name = (r.assignee or "").strip()
        if not name:
            raise runtime.WorkflowError(_("Cần chọn người được giao."), field="assignee")
        assignee = User.objects.filter(username=name).first()
        if assignee is None:
            raise runtime.WorkflowError(
                _("Không tìm thấy người dùng “%(name)s”.") % {"name": name}, field="assignee"
            )
        runtime.assign(step_run=run, user=user, assignee=assignee, note=r.note,
                       expected_revision=r.revision)  # fmt: skip
    elif action in (perms.FORWARD, perms.APPROVE):
        runtime.forward(**common, action_name=action, note=r.note, target_step=r.target,
                        current_step=r.step)  # fmt: skip
    elif action == perms.RETURN:
        runtime.return_to(**common, reason=r.reason or r.note, step_key=r.target,
                          current_step=r.step)  # fmt: skip
    elif action == perms.CONSULT:
        runtime.consult(**common, step_key=r.target, note=r.note, current_step=r.step)
    elif action == perms.REQUEST_SUPPLEMENT:
        runtime.request_supplement(**common, missing=r.missing, note=r.note, current_step=r.step)
    elif action == perms.SUPPLEMENT_RECEIVED:
        runtime.supplement_received(**common, note=r.note)
    elif action == perms.SUSPEND:
        runtime.suspend_financial(**common, note=r.note, current_step=r.step)
    elif action == perms.RESUME:
        runtime.resume(**common, note=r.note)
    elif action == perms.REFUSE:
        runtime.refuse(**common, reason=r.reason or r.note, current_step=r.step)
    elif action == perms.APOLOGIZE:
        if r.new_due_at is None:
            raise runtime.WorkflowError(_("Cần ngày giờ hẹn lại."), field="new_due_at")
        runtime.apologize(**common, reason=r.reason or r.note, new_due_at=r.new_due_at)
    elif action == perms.WITHDRAW:
        runtime.withdraw(**common, note=r.note or r.reason)
    elif action == perms.RECORD_RESULT:
        runtime.record_result(**common, file=r.file, paper_only=r.paper_only, note=r.note,
                              current_step=r.step)  # fmt: skip
    elif action == perms.RETURN_RESULT:
        runtime.return_result(
            **common, method=r.method or "", collected_by_name=r.collected_by_name,
            id_checked=r.id_checked, tracking_number=r.tracking_number, note=r.note,
            current_step=r.step,
        )  # fmt: skip
    elif action == POSTAL_DELIVERY:
        runtime.record_postal_delivery(
            dossier=dossier, user=user, status=r.postal_status, note=r.note,
            collected_by_name=r.collected_by_name, id_checked=r.id_checked,
        )  # fmt: skip
    else:
        raise runtime.WorkflowError(
            _("Thao tác “%(action)s” không tồn tại.") % {"action": action}, field="action"
        )
