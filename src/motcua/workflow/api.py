"""Workflow API: act on a dossier, read its history, read one's worklist.

Two routers (mounted by motcua/api.py):

- `dossier_actions_router` at `/dossiers`: `POST /api/v1/dossiers/{code}/actions` and
  `GET /api/v1/dossiers/{code}/history`;
- `worklist_router` at `/worklist`: `GET /api/v1/worklist`.

Thin: the body is checked here and handed to `motcua.workflow.runtime`; answers come from
`motcua.workflow.runtime_selectors`. Authentication as for the dossier API (bearer token, else
the signed-in session with its CSRF token). Errors are `{"errors": {field: message}}` in
Vietnamese: 403 the user may not do this, 404 no such dossier (or not visible to the user),
409 the rules refuse it now (including "Hồ sơ vừa được người khác xử lý, hãy tải lại." when
the dossier changed since `revision`), 422 bad input, 503 the database was busy (retry).
"""

import base64
import binascii
import contextlib
import uuid
from datetime import datetime
from typing import Literal

import pydantic
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from motcua.accounts.models import User
from motcua.dossiers.api import (
    AUTH,
    ApiError,
    _field_name,
    _inline_schema,
    _pydantic_message,
    _read_json,
)
from motcua.dossiers.models import Dossier
from motcua.workflow import runtime
from motcua.workflow import runtime_selectors as selectors
from motcua.workflow.actions import ActionRequest, perform
from motcua.workflow.models import StepRun

dossier_actions_router = Router(tags=["workflow"])  # mounted at /dossiers
worklist_router = Router(tags=["workflow"])  # mounted at /worklist

ActionLiteral = Literal[
    "claim", "assign", "forward", "approve", "return", "request_supplement",
    "supplement_received", "suspend", "resume", "consult", "refuse", "apologize", "withdraw",
    "record_result", "return_result", "postal_delivery",
]  # fmt: skip


class FileIn(Schema):
    name: str = ""
    content_base64: str


class ActionIn(Schema):
    action: ActionLiteral
    revision: int | None = None
    step: str | None = None
    target: str | None = None
    note: str = ""
    reason: str = ""
    assignee: str | None = None
    missing: list[int | str] = []
    new_due_at: datetime | None = None
    paper_only: bool = False
    file: FileIn | None = None
    method: Literal["counter", "post", "electronic"] | None = None
    collected_by_name: str = ""
    id_checked: bool = False
    tracking_number: str = ""
    postal_status: Literal["delivered", "returned", "collected"] | None = None

    model_config = pydantic.ConfigDict(extra="forbid")


class ErrorsOut(Schema):
    errors: dict[str, str]


class RunOut(Schema):
    step: str
    step_name: str
    unit: str
    role: str
    assignee: str | None
    started_at: datetime
    due_at: datetime
    parallel: bool


class AvailableOut(Schema):
    action: str
    label: str
    step: str | None
    targets: list[list[str]]


class StateOut(Schema):
    code: str
    status: str
    status_label: str
    revision: int
    current: RunOut | None
    consultations: list[RunOut]
    due_at: datetime | None
    effective_due_at: datetime | None
    deadline_at: datetime | None
    overdue: bool
    paused: str | None
    outcome: str | None
    actions: list[AvailableOut]


class EventOut(Schema):
    at: datetime
    action: str
    label: str
    actor: str
    from_status: str
    to_status: str
    step: str
    step_name: str
    to_step: str
    to_step_name: str
    note: str
    outcome: str


class HistoryOut(StateOut):
    events: list[EventOut]


class WorkItemOut(Schema):
    code: str
    procedure: str
    status: str
    step: str
    step_name: str
    unit: str
    assignee: str | None
    started_at: datetime
    due_at: datetime
    dossier_due_at: datetime
    revision: int


class WaitingOut(Schema):
    code: str
    procedure: str
    since: datetime
    round: int | None
    notice: str | None
    step: str | None


class CountOut(Schema):
    agency: str
    agency_name: str
    open: int
    unassigned: int
    due_soon: int
    overdue: int
    waiting: int


class WorklistOut(Schema):
    totals: dict[str, int]
    to_do: list[WorkItemOut]
    due_soon: list[WorkItemOut]
    overdue: list[WorkItemOut]
    waiting: list[WaitingOut]
    counts: list[CountOut]


class WorklistParams(Schema):
    limit: int = 50


# --- helpers ------------------------------------------------------------------------------


def _local(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _find(user: User, code: str) -> Dossier | None:
    """The dossier by code or public id, if the user may see it."""
    code = code.strip()
    lookup = Q(code=code)
    with contextlib.suppress(ValueError):
        lookup |= Q(public_id=uuid.UUID(code))
    dossier = (
        Dossier.objects.select_related("procedure_version__procedure", "center")
        .filter(lookup)
        .first()
    )
    if dossier is None or not dossier.code or not selectors.can_view(user, dossier):
        return None
    return dossier


def _run_out(run: StepRun) -> dict:
    return {
        "step": run.step.key,
        "step_name": run.step.name,
        "unit": run.unit.name,
        "role": run.role,
        "assignee": str(run.assignee) if run.assignee else None,
        "started_at": _local(run.started_at),
        "due_at": _local(run.effective_due_at),
        "parallel": run.parallel,
    }


def _state(user: User, dossier: Dossier) -> dict:
    dossier.refresh_from_db()
    state = selectors.dossier_state(dossier)
    dp = state.process
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "revision": state.revision,
        "current": _run_out(state.current) if state.current else None,
        "consultations": [_run_out(r) for r in state.consultations],
        "due_at": _local(dossier.due_at),
        "effective_due_at": _local(state.effective_due_at),
        "deadline_at": _local(state.deadline_at),
        "overdue": state.overdue,
        "paused": state.pause.kind if state.pause else None,
        "outcome": (dp.outcome or None) if dp else None,
        "actions": [
            {"action": a.action, "label": a.label, "step": a.step,
             "targets": [list(t) for t in a.targets]}
            for a in selectors.available_actions(user, dossier)
        ],
    }  # fmt: skip


def _parse(data) -> ActionIn:
    try:
        return ActionIn.model_validate(data)
    except pydantic.ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            if error["type"] == "extra_forbidden":
                errors.setdefault(_field_name(error["loc"]), _("Trường không được hỗ trợ."))
                continue
            if error["type"].startswith("datetime"):
                errors.setdefault(
                    _field_name(error["loc"]),
                    _("Ngày giờ phải có dạng ISO 8601, ví dụ 2026-12-10T16:00:00+07:00."),
                )
                continue
            errors.setdefault(_field_name(error["loc"]), _pydantic_message(error))
        raise ApiError(422, errors) from exc


def _upload(payload: FileIn) -> SimpleUploadedFile:
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, {"file": _("Nội dung tệp không phải base64 hợp lệ.")}) from exc
    name = payload.name.strip() or "ket-qua.pdf"
    return SimpleUploadedFile(name[:255], content, "application/octet-stream")


def _request(p: ActionIn) -> ActionRequest:
    return ActionRequest(
        action=p.action, revision=p.revision, step=p.step, target=p.target, note=p.note,
        reason=p.reason, assignee=p.assignee, missing=p.missing, new_due_at=p.new_due_at,
        paper_only=p.paper_only, file=_upload(p.file) if p.file else None,
        method=p.method or "", collected_by_name=p.collected_by_name, id_checked=p.id_checked,
        tracking_number=p.tracking_number, postal_status=p.postal_status or "",
    )  # fmt: skip


def _error(exc: runtime.WorkflowError) -> Status:
    if isinstance(exc, runtime.SystemBusy):
        return Status(503, {"errors": {"__all__": exc.message}})
    if isinstance(exc, runtime.ActionDenied):
        return Status(403, {"errors": {"__all__": exc.message}})
    if isinstance(exc, runtime.StaleAction):
        return Status(409, {"errors": {"__all__": exc.message}})
    if exc.field:
        return Status(422, {"errors": {exc.field: exc.message}})
    return Status(409, {"errors": {"__all__": exc.message}})


# --- endpoints -----------------------------------------------------------------------------

_ERRORS = {403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut, 413: ErrorsOut, 422: ErrorsOut,
           503: ErrorsOut}  # fmt: skip


@dossier_actions_router.post(
    "/{code}/actions",
    auth=AUTH,
    response={200: StateOut, 400: ErrorsOut, **_ERRORS},
    summary="Xử lý hồ sơ theo quy trình: chuyển, phê duyệt, trả lại, bổ sung, kết quả…",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline_schema(ActionIn)}},
        }
    },
)
def dossier_action(request: HttpRequest, code: str):
    """One action on the dossier (see docs/api.md); answers the dossier's state after it."""
    user: User = request.auth
    dossier = _find(user, code)
    if dossier is None:
        return Status(404, {"errors": {"code": _("Không tìm thấy hồ sơ.")}})
    try:
        payload = _parse(_read_json(request))
        perform(user=user, dossier=dossier, request=_request(payload))
    except ApiError as exc:
        return Status(exc.status, {"errors": exc.errors})
    except runtime.WorkflowError as exc:
        return _error(exc)
    return Status(200, _state(user, dossier))


@dossier_actions_router.get(
    "/{code}/history",
    auth=AUTH,
    response={200: HistoryOut, 404: ErrorsOut},
    summary="Lịch sử xử lý hồ sơ và nơi hồ sơ đang ở",
)
def dossier_history(request: HttpRequest, code: str):
    """Every event in order with its actor; citizens see their own dossiers only."""
    user: User = request.auth
    dossier = _find(user, code)
    if dossier is None:
        return Status(404, {"errors": {"code": _("Không tìm thấy hồ sơ.")}})
    body = _state(user, dossier)
    body["events"] = [
        {"at": _local(e.at), "action": e.action, "label": e.label, "actor": e.actor_name,
         "from_status": e.from_status, "to_status": e.to_status, "step": e.step,
         "step_name": e.step_name, "to_step": e.to_step, "to_step_name": e.to_step_name,
         "note": e.note, "outcome": e.outcome}
        for e in selectors.dossier_history(dossier)
    ]  # fmt: skip
    return Status(200, body)


_ITEM_FIELDS = (
    "dossier_process__dossier__code", "dossier_process__dossier__procedure_version__name",
    "dossier_status", "step__key", "step__name", "unit__name", "assignee__full_name",
    "assignee__username", "started_at", "effective_due_at", "dossier_deadline_at",
    "dossier_process__revision",
)  # fmt: skip
_WAITING_FIELDS = (
    "dossier__code", "dossier__procedure_version__name", "started_at", "supplement_round",
    "notice__number", "step_run__step__key",
)  # fmt: skip


def _item(row: dict) -> dict:
    """One open step of a worklist (from `_ITEM_FIELDS`)."""
    return {
        "code": row["dossier_process__dossier__code"],
        "procedure": row["dossier_process__dossier__procedure_version__name"],
        "status": row["dossier_status"],
        "step": row["step__key"],
        "step_name": row["step__name"],
        "unit": row["unit__name"],
        "assignee": row["assignee__full_name"] or row["assignee__username"],  # as User.__str__
        "started_at": _local(row["started_at"]),
        "due_at": _local(row["effective_due_at"]),
        "dossier_due_at": _local(row["dossier_deadline_at"]),
        "revision": row["dossier_process__revision"],
    }


def _waiting(row: dict) -> dict:
    """One open supplement pause (from `_WAITING_FIELDS`)."""
    return {
        "code": row["dossier__code"],
        "procedure": row["dossier__procedure_version__name"],
        "since": _local(row["started_at"]),
        "round": row["supplement_round"],
        "notice": row["notice__number"],
        "step": row["step_run__step__key"],
    }


@worklist_router.get(
    "",
    auth=AUTH,
    response={200: WorklistOut, 422: ErrorsOut},
    summary="Việc của tôi: cần xử lý, sắp đến hạn, quá hạn, chờ bổ sung; số liệu theo cơ quan",
)
def worklist(request: HttpRequest, params: Query[WorklistParams]):
    """Each list is sorted by due time and cut at `limit` (1–200); `totals` has the full
    counts. `counts` (per agency) is filled for leaders, the center's director, supervisors."""
    if not 1 <= params.limit <= 200:
        return Status(422, {"errors": {"limit": _("limit phải từ 1 đến 200.")}})
    user: User = request.auth
    work = selectors.worklist(user)
    n = params.limit
    to_do, due_soon, overdue = (
        selectors.first_rows(rows, n, fields=_ITEM_FIELDS)
        for rows in (work.to_do, work.due_soon, work.overdue)
    )
    waiting = selectors.first_rows(work.waiting, n, fields=_WAITING_FIELDS)
    return Status(
        200,
        {
            "totals": {
                "to_do": to_do[1],
                "due_soon": due_soon[1],
                "overdue": overdue[1],
                "waiting": waiting[1],
            },
            "to_do": [_item(r) for r in to_do[0]],
            "due_soon": [_item(r) for r in due_soon[0]],
            "overdue": [_item(r) for r in overdue[0]],
            "waiting": [_waiting(p) for p in waiting[0]],
            "counts": [
                {
                    "agency": c.agency.code,
                    "agency_name": c.agency.name,
                    "open": c.open,
                    "unassigned": c.unassigned,
                    "due_soon": c.due_soon,
                    "overdue": c.overdue,
                    "waiting": c.waiting,
                }
                for c in work.counts
            ],  # fmt: skip
        },
    )
