"""Who may act on a running dossier, and who may see it.

The rules are pure functions of small facts — `Actor` (the user: role, agencies, centers),
`DossierFacts` and `RunFacts` (an open step run) — so they can be tested exhaustively without a
database; `actor_for`, `dossier_facts` and `run_facts` at the end build the facts from models.

The rules (issue 4, "Running a dossier"):

- A step run is acted on by its **assignee**, or — while nobody is assigned — by a user with
  the **step's role in the step's unit**: the unit's agency (and the agencies under it) for
  agency steps; for the One-stop Department's steps, an officer posted to (or belonging to
  the agency of) the dossier's center. Once a run is claimed or assigned, only the assignee
  acts on it (leaders re-assign).
- **Assigning** is for the unit's leaders: agency leaders and heads of division of the unit's
  agency; for one-stop steps also the center's director. The assignee must be able to hold the
  step (its role in its unit).
- Actions that move or stop the dossier (forward, approve, return, consult, supplement request,
  financial suspension, refusal, result) must be **defined on the step** in the process.
- The **reception officers of the dossier's center** also receive the applicant's supplement
  and proof of payment (`supplement_received`, `resume`) and the applicant's withdrawal request
  (`withdraw`), whatever the step; the step's own actors may do the first two as well, and
  `withdraw` where the step defines it.
- The apology (Mẫu 04) is signed by the head of the agency: **agency leaders of the lead
  agency** issue it at any step; a step's actors only where the step defines `apologize`.
- **Supervisors, administrators and citizens never act** here: supervisors see every dossier,
  read-only; citizens see only their own dossiers (read-only in this module).
- Each action needs the dossier in a status that allows it (e.g. nothing moves while the clock
  is stopped for a supplement, except receiving it, refusing or withdrawing).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.models import Role
from motcua.domain.dossier_status import LABELS, Status

CLAIM = "claim"
ASSIGN = "assign"
FORWARD = "forward"
APPROVE = "approve"
RETURN = "return"
REQUEST_SUPPLEMENT = "request_supplement"
SUPPLEMENT_RECEIVED = "supplement_received"
SUSPEND = "suspend"
RESUME = "resume"
CONSULT = "consult"
REFUSE = "refuse"
APOLOGIZE = "apologize"
WITHDRAW = "withdraw"
RECORD_RESULT = "record_result"
RETURN_RESULT = "return_result"

ACTIONS = (
    CLAIM, ASSIGN, FORWARD, APPROVE, RETURN, REQUEST_SUPPLEMENT, SUPPLEMENT_RECEIVED, SUSPEND,
    RESUME, CONSULT, REFUSE, APOLOGIZE, WITHDRAW, RECORD_RESULT, RETURN_RESULT,
)  # fmt: skip

ACTION_LABELS = {
    CLAIM: gettext_noop("Nhận xử lý"),
    ASSIGN: gettext_noop("Giao xử lý"),
    FORWARD: gettext_noop("Chuyển bước tiếp"),
    APPROVE: gettext_noop("Phê duyệt"),
    RETURN: gettext_noop("Trả lại bước trước"),
    REQUEST_SUPPLEMENT: gettext_noop("Yêu cầu bổ sung hồ sơ"),
    SUPPLEMENT_RECEIVED: gettext_noop("Tiếp nhận hồ sơ bổ sung"),
    SUSPEND: gettext_noop("Tạm dừng (thực hiện nghĩa vụ tài chính)"),
    RESUME: gettext_noop("Tiếp tục xử lý sau nghĩa vụ tài chính"),
    CONSULT: gettext_noop("Xin ý kiến phối hợp"),
    REFUSE: gettext_noop("Từ chối giải quyết"),
    APOLOGIZE: gettext_noop("Xin lỗi, hẹn lại ngày trả kết quả"),
    WITHDRAW: gettext_noop("Dừng xử lý theo đề nghị rút hồ sơ"),
    RECORD_RESULT: gettext_noop("Cập nhật kết quả giải quyết"),
    RETURN_RESULT: gettext_noop("Trả kết quả"),
}

# Actions that must be defined on the step (ProcessAction) to be performed there by its actors.
STEP_ACTIONS = frozenset(
    {FORWARD, APPROVE, RETURN, REQUEST_SUPPLEMENT, SUSPEND, CONSULT, REFUSE, RECORD_RESULT,
     RETURN_RESULT}
)  # fmt: skip

READ_ONLY_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR, Role.CITIZEN})
LEADER_ROLES = frozenset({Role.AGENCY_LEADER, Role.HEAD_OF_DIVISION})

ACTIVE = frozenset({Status.RECEIVED, Status.IN_PROGRESS})  # the clock runs, the dossier moves
PAUSED = frozenset({Status.WAITING_SUPPLEMENT, Status.SUSPENDED})  # the clock is stopped
BEFORE_DECISION = ACTIVE | PAUSED
RUNNING = BEFORE_DECISION | {Status.RESULT_READY}

STATUS_NEEDED: dict[str, frozenset[Status]] = {
    CLAIM: RUNNING,
    ASSIGN: RUNNING,
    FORWARD: ACTIVE,
    APPROVE: ACTIVE,
    RETURN: ACTIVE,
    REQUEST_SUPPLEMENT: ACTIVE,
    SUSPEND: ACTIVE,
    CONSULT: ACTIVE,
    RECORD_RESULT: ACTIVE,
    SUPPLEMENT_RECEIVED: frozenset({Status.WAITING_SUPPLEMENT}),
    RESUME: frozenset({Status.SUSPENDED}),
    REFUSE: BEFORE_DECISION,
    APOLOGIZE: BEFORE_DECISION,
    WITHDRAW: BEFORE_DECISION,
    RETURN_RESULT: frozenset({Status.RESULT_READY}),
}

STALE_MESSAGE = gettext_noop("Hồ sơ vừa được người khác xử lý, hãy tải lại.")


@dataclass(frozen=True)
class Actor:
    """The user as the rules see them."""

    user_id: int
    role: str
    agency_ids: frozenset[int] = frozenset()  # the user's agency and those under it
    center_ids: frozenset[int] = frozenset()  # centers posted to, or of the user's agencies
    active: bool = True
    province: bool = False  # superuser, or administrator of no agency: sees everything


@dataclass(frozen=True)
class DossierFacts:
    status: str
    center_id: int
    lead_agency_id: int
    receiving_agency_id: int | None = None
    holder_agency_id: int | None = None
    account_id: int | None = None
    unit_ids: frozenset[int] = frozenset()  # the units of every run so far


@dataclass(frozen=True)
class RunFacts:
    """An open step run."""

    step_key: str
    step_name: str
    role: str
    unit_kind: str  # "one_stop" | "lead_agency" | "agency"
    unit_id: int
    assignee_id: int | None = None
    actions: frozenset[str] = frozenset()  # the action names defined on the step
    parallel: bool = False
    open: bool = True


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)


def _deny(message: str, **params) -> Verdict:
    """`message` already translated (marked with _ at the call, for makemessages)."""
    return Verdict(False, message % params if params else message)


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def action_label(action: str) -> str:
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


# --- building blocks ---------------------------------------------------------------------------


def in_unit(actor: Actor, run: RunFacts, dossier: DossierFacts) -> bool:
    """Whether the actor works in the run's unit (the center, for one-stop steps)."""
    if run.unit_kind == "one_stop":
        return dossier.center_id in actor.center_ids or run.unit_id in actor.agency_ids
    return run.unit_id in actor.agency_ids


def may_hold(actor: Actor, run: RunFacts, dossier: DossierFacts) -> bool:
    """Whether the actor could be the run's assignee: the step's role in the step's unit."""
    return actor.active and actor.role == run.role and in_unit(actor, run, dossier)


def is_unit_leader(actor: Actor, run: RunFacts, dossier: DossierFacts) -> bool:
    if not actor.active:
        return False
    if actor.role in LEADER_ROLES and run.unit_id in actor.agency_ids:
        return True
    return (
        run.unit_kind == "one_stop"
        and actor.role == Role.CENTER_DIRECTOR
        and dossier.center_id in actor.center_ids
    )


def is_counter_officer(actor: Actor, dossier: DossierFacts) -> bool:
    """A reception officer of the dossier's center (the One-stop Department)."""
    return (
        actor.active
        and actor.role == Role.RECEPTION_OFFICER
        and dossier.center_id in actor.center_ids
    )


def is_lead_leader(actor: Actor, dossier: DossierFacts) -> bool:
    """The head (or a deputy head) of the agency carrying out the procedure."""
    return (
        actor.active
        and actor.role == Role.AGENCY_LEADER
        and dossier.lead_agency_id in actor.agency_ids
    )


def may_act_on_run(actor: Actor, run: RunFacts | None, dossier: DossierFacts) -> Verdict:
    """The step's role in the step's unit, or the assignee."""
    if run is None:
        return _deny(_("Hồ sơ không còn ở bước xử lý nào."))
    if not run.open:
        return _deny(_(STALE_MESSAGE))
    if not actor.active:
        return _deny(_("Tài khoản đã bị khóa."))
    if run.assignee_id is not None:
        if run.assignee_id == actor.user_id:
            return ALLOWED
        return _deny(_("Bước “%(step)s” đã giao cho người khác xử lý."), step=run.step_name)
    if actor.role != run.role:
        return _deny(
            _("Bước “%(step)s” do %(role)s thực hiện."),
            step=run.step_name,
            role=_role_label(run.role).lower(),
        )
    if not in_unit(actor, run, dossier):
        return _deny(_("Bước “%(step)s” thuộc đơn vị khác."), step=run.step_name)
    return ALLOWED


def _defined(run: RunFacts, action: str) -> Verdict:
    if action in run.actions:
        return ALLOWED
    return _deny(
        _("Bước “%(step)s” không có thao tác “%(action)s”."),
        step=run.step_name,
        action=action_label(action),
    )


# --- the rule ----------------------------------------------------------------------------------


def check(action: str, actor: Actor, dossier: DossierFacts, run: RunFacts | None) -> Verdict:
    """May `actor` perform `action` on the dossier, at `run` (its open step run)?

    For `supplement_received` and `resume`, `run` is the run where the clock was stopped; for
    the other actions the run acted on (the main line's open run unless a parallel one is
    chosen). The assignee of `assign` is checked apart (`check_assignee`).
    """
    if action not in ACTIONS:
        return _deny(_("Thao tác “%(action)s” không tồn tại."), action=action)
    if not actor.active:
        return _deny(_("Tài khoản đã bị khóa."))
    if actor.role in READ_ONLY_ROLES:
        return _deny(
            _("Vai trò “%(role)s” chỉ được xem hồ sơ, không được xử lý."),
            role=_role_label(actor.role),
        )
    if dossier.status not in STATUS_NEEDED[action]:
        return _deny(
            _("Hồ sơ đang ở trạng thái “%(status)s”: không thể %(action)s."),
            status=_(LABELS.get(Status(dossier.status), dossier.status)),
            action=action_label(action).lower(),
        )
    if action == CLAIM:
        verdict = may_act_on_run(actor, run, dossier)
        if verdict and run.assignee_id == actor.user_id:
            return _deny(_("Ông/Bà đã nhận xử lý bước này."))
        return verdict
    if action == ASSIGN:
        if run is None or not run.open:
            return _deny(_(STALE_MESSAGE))
        if not is_unit_leader(actor, run, dossier):
            return _deny(_("Chỉ lãnh đạo của đơn vị thực hiện bước mới được giao xử lý."))
        return ALLOWED
    if action in (SUPPLEMENT_RECEIVED, RESUME):
        if is_counter_officer(actor, dossier):
            return ALLOWED
        if run is not None and may_act_on_run(actor, run, dossier):
            return ALLOWED
        return _deny(
            _(
                "Chỉ cán bộ tiếp nhận của Trung tâm hoặc người xử lý bước đang tạm dừng "
                "mới được %(action)s."
            ),
            action=action_label(action).lower(),
        )
    if action == WITHDRAW:
        if is_counter_officer(actor, dossier):
            return ALLOWED
        if run is not None and WITHDRAW in run.actions and may_act_on_run(actor, run, dossier):
            return ALLOWED
        return _deny(
            _("Việc dừng xử lý theo đề nghị rút hồ sơ do cán bộ tiếp nhận của Trung tâm thực hiện.")
        )
    if action == APOLOGIZE:
        if is_lead_leader(actor, dossier):
            return ALLOWED
        if run is not None and APOLOGIZE in run.actions and may_act_on_run(actor, run, dossier):
            return ALLOWED
        return _deny(_("Phiếu xin lỗi (Mẫu 04) do lãnh đạo cơ quan giải quyết hồ sơ lập."))
    # Step actions: the run's actors, where the process defines the action.
    verdict = may_act_on_run(actor, run, dossier)
    if not verdict:
        return verdict
    return _defined(run, action)


def check_assignee(assignee: Actor, run: RunFacts, dossier: DossierFacts) -> Verdict:
    if may_hold(assignee, run, dossier):
        return ALLOWED
    return _deny(
        _("Người được giao phải là %(role)s của đơn vị thực hiện bước “%(step)s”."),
        role=_role_label(run.role).lower(),
        step=run.step_name,
    )


def may_view(actor: Actor, dossier: DossierFacts) -> bool:
    """Citizens their own dossiers; supervisors and the province scope all; staff their
    centers' dossiers and those their agencies carry out, hold or took part in."""
    if not actor.active:
        return False
    if actor.role == Role.CITIZEN:
        return dossier.account_id is not None and dossier.account_id == actor.user_id
    if actor.province or actor.role == Role.SUPERVISOR:
        return True
    agencies = {dossier.lead_agency_id, dossier.receiving_agency_id, dossier.holder_agency_id}
    return (
        dossier.center_id in actor.center_ids
        or bool(agencies & actor.agency_ids)
        or bool(dossier.unit_ids & actor.agency_ids)
    )


# --- facts from models -------------------------------------------------------------------------


def actor_for(user) -> Actor:
    """The facts about a signed-in user (two or three queries)."""
    from motcua.accounts.selectors import has_province_scope, scoped_agency_ids, scoped_center_ids

    if not getattr(user, "is_authenticated", False):
        return Actor(user_id=0, role=Role.CITIZEN, active=False)
    return Actor(
        user_id=user.pk,
        role=user.role,
        agency_ids=frozenset(scoped_agency_ids(user)),
        center_ids=frozenset(scoped_center_ids(user)) if user.role != Role.CITIZEN else frozenset(),
        active=user.is_active,
        province=has_province_scope(user),
    )


def dossier_facts(dossier, runs=None) -> DossierFacts:
    """`runs`: the dossier's step runs, when already loaded (else they are queried)."""
    from motcua.workflow.models import StepRun

    if runs is None:
        units = StepRun.objects.filter(dossier_process__dossier=dossier).values_list(
            "unit_id", flat=True
        )
    else:
        units = [r.unit_id for r in runs]
    return DossierFacts(
        status=dossier.status,
        center_id=dossier.center_id,
        lead_agency_id=dossier.procedure_version.agency_id,
        receiving_agency_id=dossier.receiving_agency_id,
        holder_agency_id=dossier.holder_agency_id,
        account_id=dossier.account_id,
        unit_ids=frozenset(units),
    )


def run_facts(run) -> RunFacts:
    step = run.step
    return RunFacts(
        step_key=step.key,
        step_name=step.name,
        role=run.role,
        unit_kind=run.unit_kind,
        unit_id=run.unit_id,
        assignee_id=run.assignee_id,
        actions=frozenset(a.name for a in step.actions.all()),
        parallel=run.parallel,
        open=run.status == "open",
    )
