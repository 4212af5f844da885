"""Who may act: the permission matrix (each role × each action, through the real services) and
the pure rules of motcua.workflow.permissions."""

from dataclasses import replace
from datetime import datetime

import pytest

from motcua.dossiers.models import Dossier
from motcua.workflow import permissions as perms
from motcua.workflow import runtime, runtime_selectors
from motcua.workflow.models import DossierProcess
from tests import factories
from tests.factories import VN
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    People,
    drive,
    fresh,
    open_run,
    people_fixture,
    publish_with_consultation,
    receive,
)

T = datetime(2026, 11, 25, 10, 0, tzinfo=VN)  # after `drive` has moved the dossier
BEFORE = datetime(2026, 11, 25, 9, 0, tzinfo=VN)


# --- the matrix ----------------------------------------------------------------------------

ROLES = [
    "reception", "specialist", "head", "leader", "clerk", "supervisor", "director",
    "administrator", "postal", "citizen", "outsider",
]  # fmt: skip


def _supplement_waiting(dossier, p):
    runtime.request_supplement(dossier=dossier, user=p.specialist, note="Thiếu", at=BEFORE)


def _suspended(dossier, p):
    runtime.suspend_financial(dossier=dossier, user=p.specialist, note="Thuế", at=BEFORE)


# action: (step to drive to, preparation, the call as `user`, roles allowed)
CASES = {
    "claim": ("specialist", None,
              lambda d, u, p: runtime.claim(step_run=open_run(d), user=u, at=T),
              {"specialist"}),
    "assign": ("specialist", None,
               lambda d, u, p: runtime.assign(step_run=open_run(d), user=u,
                                              assignee=p.specialist2, at=T),
               {"head", "leader"}),
    "assign_one_stop": ("return", None,
                        lambda d, u, p: runtime.assign(step_run=open_run(d), user=u,
                                                       assignee=p.reception, at=T),
                        {"director"}),
    "forward": ("specialist", None,
                lambda d, u, p: runtime.forward(dossier=d, user=u, at=T), {"specialist"}),
    "approve": ("head", None,
                lambda d, u, p: runtime.forward(dossier=d, user=u, action_name="approve", at=T),
                {"head"}),
    "return": ("head", None,
               lambda d, u, p: runtime.return_to(dossier=d, user=u, reason="Xem lại", at=T),
               {"head"}),
    "request_supplement": ("specialist", None,
                           lambda d, u, p: runtime.request_supplement(dossier=d, user=u,
                                                                      note="Thiếu", at=T),
                           {"specialist"}),
    "supplement_received": ("specialist", _supplement_waiting,
                            lambda d, u, p: runtime.supplement_received(dossier=d, user=u, at=T),
                            {"reception", "specialist"}),
    "suspend": ("specialist", None,
                lambda d, u, p: runtime.suspend_financial(dossier=d, user=u, note="Thuế", at=T),
                {"specialist"}),
    "resume": ("specialist", _suspended,
               lambda d, u, p: runtime.resume(dossier=d, user=u, at=T),
               {"reception", "specialist"}),
    "consult": ("specialist", "consultation",
                lambda d, u, p: runtime.consult(dossier=d, user=u, at=T), {"specialist"}),
    "refuse": ("leader", None,
               lambda d, u, p: runtime.refuse(dossier=d, user=u, reason="Không đủ điều kiện",
                                              at=T),
               {"leader"}),
    "apologize": ("specialist", None,
                  lambda d, u, p: runtime.apologize(
                      dossier=d, user=u, reason="Chậm", at=T,
                      new_due_at=datetime(2026, 12, 21, 9, 0, tzinfo=VN)),
                  {"leader"}),
    "withdraw": ("specialist", None,
                 lambda d, u, p: runtime.withdraw(dossier=d, user=u, note="Xin rút", at=T),
                 {"reception", "specialist"}),
    "record_result": ("clerk", None,
                      lambda d, u, p: runtime.record_result(dossier=d, user=u, paper_only=True,
                                                            at=T),
                      {"clerk"}),
    "return_result": ("return", None,
                      lambda d, u, p: runtime.return_result(
                          dossier=d, user=u, method="counter", collected_by_name="Dân",
                          id_checked=True, at=T),
                      {"reception"}),
}  # fmt: skip


def test_the_matrix_covers_every_action():
    covered = {name.removesuffix("_one_stop") for name in CASES}
    assert covered == set(perms.ACTIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(CASES))
def test_permission_matrix(action, role, version, center, people: People, monday_9am):
    step, prepare, call, allowed = CASES[action]
    if prepare == "consultation":
        publish_with_consultation(version.procedure)
    dossier = receive(version, center, people.reception, monday_9am)
    Dossier.objects.filter(pk=dossier.pk).update(account=people.citizen)
    drive(dossier, people, step, monday_9am)
    if callable(prepare):
        prepare(dossier, people)
    dp = DossierProcess.objects.get(dossier=dossier)
    before = (dp.revision, dossier.events.count(), fresh(dossier).status)
    user = getattr(people, role)
    if role in allowed:
        call(dossier, user, people)
        dp.refresh_from_db()
        assert dp.revision == before[0] + 1
        assert dossier.events.count() == before[1] + 1
        assert dossier.events.last().actor == user
    else:
        with pytest.raises(runtime.ActionDenied) as denied:
            call(dossier, user, people)
        assert denied.value.message  # a Vietnamese reason, never empty
        dp.refresh_from_db()
        assert (dp.revision, dossier.events.count(), fresh(dossier).status) == before


# --- the pure rules ------------------------------------------------------------------------

CENTER, CENTER_AGENCY, LEAD, BRANCH, OTHER_AGENCY = 1, 10, 20, 21, 30


def dossier_facts(status="in_progress", **changes) -> perms.DossierFacts:
    facts = perms.DossierFacts(status=status, center_id=CENTER, lead_agency_id=LEAD,
                               receiving_agency_id=CENTER_AGENCY, holder_agency_id=LEAD,
                               account_id=99, unit_ids=frozenset({CENTER_AGENCY, LEAD}))  # fmt: skip
    return replace(facts, **changes)


def run_facts(**changes) -> perms.RunFacts:
    facts = perms.RunFacts(step_key="specialist", step_name="Chuyên viên thẩm định",
                           role="specialist", unit_kind="lead_agency", unit_id=LEAD,
                           actions=frozenset({"claim", "forward", "return", "withdraw"}))  # fmt: skip
    return replace(facts, **changes)


def actor(role, user_id=1, agencies=(), centers=(), **changes) -> perms.Actor:
    return perms.Actor(user_id=user_id, role=role, agency_ids=frozenset(agencies),
                       center_ids=frozenset(centers), **changes)  # fmt: skip


def test_the_role_in_the_unit_acts_including_sub_agencies():
    run = run_facts()
    assert perms.check("forward", actor("specialist", agencies={LEAD}), dossier_facts(), run)
    # scoped_agency_ids includes the agencies under the user's: a branch's unit is theirs.
    branch_run = run_facts(unit_id=BRANCH)
    assert perms.check("forward", actor("specialist", agencies={LEAD, BRANCH}), dossier_facts(),
                       branch_run)  # fmt: skip
    denied = perms.check("forward", actor("specialist", agencies={OTHER_AGENCY}), dossier_facts(),
                         run)  # fmt: skip
    assert not denied and denied.reason == "Bước “Chuyên viên thẩm định” thuộc đơn vị khác."
    wrong_role = perms.check("forward", actor("clerk", agencies={LEAD}), dossier_facts(), run)
    assert wrong_role.reason == "Bước “Chuyên viên thẩm định” do chuyên viên xử lý thực hiện."


def test_once_assigned_only_the_assignee_acts():
    run = run_facts(assignee_id=7)
    assert perms.check("forward", actor("specialist", user_id=7, agencies={LEAD}),
                       dossier_facts(), run)  # fmt: skip
    colleague = perms.check("forward", actor("specialist", user_id=8, agencies={LEAD}),
                            dossier_facts(), run)  # fmt: skip
    assert colleague.reason == "Bước “Chuyên viên thẩm định” đã giao cho người khác xử lý."
    # Claiming one's own step again is refused with its own message.
    again = perms.check("claim", actor("specialist", user_id=7, agencies={LEAD}),
                        dossier_facts(), run)  # fmt: skip
    assert again.reason == "Ông/Bà đã nhận xử lý bước này."
    # An assignee acts even if the assignment was made across roles by a leader.
    assert perms.check("forward", actor("head_of_division", user_id=7), dossier_facts(), run)


def test_step_actions_must_be_defined_on_the_step():
    verdict = perms.check("approve", actor("specialist", agencies={LEAD}), dossier_facts(),
                          run_facts())  # fmt: skip
    assert verdict.reason == "Bước “Chuyên viên thẩm định” không có thao tác “Phê duyệt”."


def test_one_stop_steps_belong_to_the_officers_of_the_center():
    run = run_facts(role="reception_officer", unit_kind="one_stop", unit_id=CENTER_AGENCY,
                    step_name="Tiếp nhận")  # fmt: skip
    posted = actor("reception_officer", centers={CENTER})
    assert perms.check("forward", posted, dossier_facts(status="received"), run)
    elsewhere = actor("reception_officer", centers={2})
    assert not perms.check("forward", elsewhere, dossier_facts(status="received"), run)
    director = actor("center_director", centers={CENTER})
    assert perms.check("assign", director, dossier_facts(), run)
    assert not perms.check("assign", actor("center_director", centers={2}), dossier_facts(), run)
    assert perms.check("assign", actor("agency_leader", agencies={CENTER_AGENCY}), dossier_facts(),
                       run)  # fmt: skip


@pytest.mark.parametrize(
    "status, action, allowed",
    [
        ("waiting_supplement", "forward", False),
        ("waiting_supplement", "supplement_received", True),
        ("waiting_supplement", "refuse", True),
        ("waiting_supplement", "withdraw", True),
        ("suspended", "resume", True),
        ("suspended", "supplement_received", False),
        ("in_progress", "resume", False),
        ("result_ready", "withdraw", False),
        ("result_ready", "claim", True),
        ("returned", "claim", False),
        ("refused", "withdraw", False),
        ("withdrawn", "apologize", False),
    ],
)
def test_actions_need_a_status_that_allows_them(status, action, allowed):
    run = run_facts(actions=frozenset(perms.ACTIONS))
    verdict = perms.check(action, actor("specialist", agencies={LEAD}),
                          dossier_facts(status=status), run)  # fmt: skip
    assert bool(verdict) is allowed
    if not allowed:
        assert verdict.reason.startswith("Hồ sơ đang ở trạng thái")


@pytest.mark.parametrize("role", ["supervisor", "administrator", "citizen"])
@pytest.mark.parametrize("action", perms.ACTIONS)
def test_read_only_roles_never_act(role, action):
    everything = actor(role, user_id=99, agencies={LEAD, CENTER_AGENCY}, centers={CENTER})
    run = run_facts(role=role, actions=frozenset(perms.ACTIONS))
    verdict = perms.check(action, everything, dossier_facts(), run)
    assert not verdict and "chỉ được xem" in verdict.reason


def test_inactive_users_and_unknown_actions():
    assert not perms.check("forward", actor("specialist", agencies={LEAD}, active=False),
                           dossier_facts(), run_facts())  # fmt: skip
    assert not perms.check("teleport", actor("specialist", agencies={LEAD}), dossier_facts(),
                           run_facts())  # fmt: skip


def test_stale_run():
    verdict = perms.check("forward", actor("specialist", agencies={LEAD}), dossier_facts(),
                          run_facts(open=False))  # fmt: skip
    assert verdict.reason == perms.STALE_MESSAGE


def test_assignee_must_be_able_to_hold_the_step():
    run = run_facts()
    assert perms.check_assignee(actor("specialist", agencies={LEAD}), run, dossier_facts())
    refused = perms.check_assignee(actor("clerk", agencies={LEAD}), run, dossier_facts())
    assert "chuyên viên xử lý" in refused.reason


def test_who_may_see_a_dossier():
    facts = dossier_facts(unit_ids=frozenset({CENTER_AGENCY, LEAD, OTHER_AGENCY}))
    assert perms.may_view(actor("citizen", user_id=99), facts)
    assert not perms.may_view(actor("citizen", user_id=98), facts)
    assert not perms.may_view(actor("citizen", user_id=98), dossier_facts(account_id=None))
    assert perms.may_view(actor("supervisor"), facts)  # all, read-only
    assert perms.may_view(actor("administrator", province=True), facts)
    assert perms.may_view(actor("specialist", agencies={OTHER_AGENCY}), facts)  # liên thông
    assert perms.may_view(actor("reception_officer", centers={CENTER}), facts)
    assert not perms.may_view(actor("specialist", agencies={555}), facts)
    assert not perms.may_view(actor("supervisor", active=False), facts)


@pytest.mark.django_db
def test_can_view_and_available_actions_from_models(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    assert runtime_selectors.can_view(people.specialist, dossier)
    assert runtime_selectors.can_view(people.supervisor, dossier)
    assert not runtime_selectors.can_view(people.outsider, dossier)
    assert not runtime_selectors.can_view(people.citizen, dossier)
    names = {a.action for a in runtime_selectors.available_actions(people.specialist, dossier)}
    assert names == {"claim", "forward", "return", "request_supplement", "suspend", "withdraw"}
    forward = next(
        a for a in runtime_selectors.available_actions(people.specialist, dossier)
        if a.action == "forward"
    )  # fmt: skip
    assert forward.targets == (("head", "Lãnh đạo phòng xem xét"),) and forward.step == "specialist"
    leader = {a.action for a in runtime_selectors.available_actions(people.leader, dossier)}
    assert leader == {"assign", "apologize"}
    assert runtime_selectors.available_actions(people.supervisor, dossier) == []
    counter = {a.action for a in runtime_selectors.available_actions(people.reception, dossier)}
    assert counter == {"withdraw"}


@pytest.mark.django_db
def test_assignment_hands_the_step_to_the_assignee_only(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    run = open_run(dossier)
    with pytest.raises(runtime.WorkflowError, match="chuyên viên xử lý") as caught:
        runtime.assign(step_run=run, user=people.head, assignee=people.clerk, at=T)
    assert caught.value.field == "assignee"
    runtime.assign(step_run=run, user=people.head, assignee=people.specialist2, at=T)
    with pytest.raises(runtime.ActionDenied, match="đã giao cho người khác"):
        runtime.forward(dossier=dossier, user=people.specialist, at=T)
    runtime.forward(dossier=dossier, user=people.specialist2, at=T)
    assert open_run(dossier).step.key == "head"
    event = dossier.events.get(action="assign")
    assert event.actor == people.head and event.data["assignee_name"] == "Cán bộ chuyenvien2"


@pytest.mark.django_db
def test_the_lead_agency_is_the_dossiers_version_agency(center, people):
    # A procedure of another agency: the justice department's staff cannot act on it.
    other = factories.agency("000.00.98.H13", "Sở Nội vụ")
    version, _ = factories.procedure("1.000003", "Thủ tục Sở Nội vụ", agency_code=other.code)
    dossier = receive(version, center, people.reception, datetime(2026, 11, 23, 9, 0, tzinfo=VN))
    runtime.forward(dossier=dossier, user=people.reception, at=T)
    assert open_run(dossier).unit == other
    with pytest.raises(runtime.ActionDenied, match="thuộc đơn vị khác"):
        runtime.forward(dossier=dossier, user=people.specialist, at=T)
