"""Shared builders for the runtime tests (no tests here): the people of the default process and
a dossier driven along it through the services."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.directory.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import intake
from motcua.workflow import runtime, services
from motcua.workflow.models import StepRun
from motcua.workflow.specs import ActionSpec, StepSpec, default_spec
from tests import factories
from tests.factories import VN

JUSTICE = "000.00.12.H13"  # Sở Tư pháp: the lead agency of 2.000635 (tests/conftest.py)
OTHER = "000.00.99.H13"


def person(username: str, role: str, *, agency=None, center=None) -> User:
    if center is not None:
        user = factories.officer(center, username=username, role=role, agency=agency)
    else:
        user = User.objects.create_user(
            username=username, password="Mật-khẩu-2026", role=role, agency=agency
        )
    user.full_name = f"Cán bộ {username}"
    user.email = f"{username}@example.vn"
    user.save(update_fields=["full_name", "email"])
    return user


@dataclass
class People:
    reception: User
    specialist: User
    specialist2: User
    head: User
    head2: User
    leader: User
    clerk: User
    supervisor: User
    director: User
    administrator: User
    postal: User
    citizen: User
    outsider: User  # a specialist of another agency


@pytest.fixture(name="people")
def people_fixture(version, center, officer, settings) -> People:
    """Import `people_fixture` into a test module to use the `people` fixture."""
    # Thirteen accounts: a fast hasher keeps the fixture cheap (passwords are not under test).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    justice = Agency.objects.get(code=JUSTICE)
    other = factories.agency(OTHER, "Sở Xây dựng")
    officer.full_name = "Nguyễn Thị Tiếp Nhận"
    officer.email = "tiepnhan@example.vn"
    officer.save()
    return People(
        reception=officer,
        specialist=person("chuyenvien", "specialist", agency=justice),
        specialist2=person("chuyenvien2", "specialist", agency=justice),
        head=person("truongphong", "head_of_division", agency=justice),
        head2=person("phophong", "head_of_division", agency=justice),
        leader=person("giamdoc", "agency_leader", agency=justice),
        clerk=person("vanthu", "clerk", agency=justice),
        supervisor=person("giamsat", "supervisor"),
        director=person("gdtrungtam", "center_director", agency=center.agency, center=center),
        administrator=person("quantri", "administrator"),
        postal=person("buudien", "postal_staff", center=center),
        citizen=factories.citizen(),
        outsider=person("xaydung", "specialist", agency=other),
    )


def receive(version, center, officer, at: datetime, **kwargs) -> Dossier:
    return intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive", at=at, **kwargs,
    )  # fmt: skip


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def open_run(dossier: Dossier, key: str | None = None) -> StepRun:
    runs = StepRun.objects.filter(dossier_process__dossier=dossier, status="open")
    if key:
        return runs.get(step__key=key)
    return runs.get(parallel=False)


def at(base: datetime, hours: float = 0, days: int = 0) -> datetime:
    return base + timedelta(days=days, hours=hours)


def drive(dossier: Dossier, people: People, until: str, start: datetime) -> datetime:
    """Move a freshly received dossier along the default process up to step `until`, an hour
    per action (working hours of Monday 23/11/2026 then Wednesday 25/11). Returns the time."""
    order = ["reception", "specialist", "head", "leader", "clerk", "return"]
    moments = iter(
        [start + timedelta(minutes=30 * i) for i in range(1, 6)]
        + [datetime(2026, 11, 25, 8, 0, tzinfo=VN) + timedelta(hours=i) for i in range(8)]
    )
    now = start
    actors = {
        "reception": (people.reception, "forward"),
        "specialist": (people.specialist, "forward"),
        "head": (people.head, "approve"),
        "leader": (people.leader, "approve"),
    }
    for key in order[: order.index(until)]:
        now = next(moments)
        if key == "clerk":
            runtime.record_result(dossier=dossier, user=people.clerk, paper_only=True, at=now)
            continue
        user, action = actors[key]
        runtime.forward(dossier=dossier, user=user, action_name=action, at=now)
    return now


def publish_with_consultation(procedure: Procedure, *, other: str = OTHER):
    """The default process plus a parallel consultation of `other` (2 days) that must finish
    before the head of division's review, asked for by the specialist."""
    version = procedure.versions.first()
    spec = default_spec(procedure_code=procedure.code, time_limit_days=version.time_limit_days)
    steps = []
    for step in spec.steps:
        if step.key == "specialist":
            step = replace(step, actions=(*step.actions, ActionSpec("consult", "y-kien")))
        steps.append(step)
    steps.append(
        StepSpec(
            key="y-kien", name="Ý kiến Sở Xây dựng", unit=other, role="specialist",
            days=Decimal(2), parallel=True, join_before="head",
            actions=(ActionSpec("claim", "y-kien"), ActionSpec("forward", "head"),
                     ActionSpec("return", "specialist")),
        )
    )  # fmt: skip
    draft = services.create_draft(procedure=procedure, spec=replace(spec, steps=tuple(steps)))
    return services.publish(process=draft)
