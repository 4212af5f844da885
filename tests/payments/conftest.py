import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import intake
from motcua.payments.models import Payment
from tests import factories
from tests.payments.helpers import SECRET, TMN


@pytest.fixture(autouse=True)
def _sandbox(settings, monkeypatch):
    """The sandbox gateway with an explicit secret (DEBUG is off in tests)."""
    for name in ("MOTCUA_PAYMENT_PROVIDER", "MOTCUA_PAYMENT_SANDBOX_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings.MOTCUA_PAYMENT_PROVIDER = "sandbox"
    settings.MOTCUA_PAYMENT_SANDBOX_SECRET = SECRET
    settings.MOTCUA_PAYMENT_SANDBOX_TMN_CODE = TMN


@pytest.fixture
def dossier(version, center, officer, monday_9am) -> Dossier:
    """A received counter dossier of 2.000635 with one 50,000 đồng fee line."""
    return intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive", at=monday_9am,
    )  # fmt: skip


@pytest.fixture
def owner(dossier):
    citizen = factories.citizen()
    Dossier.objects.filter(pk=dossier.pk).update(account=citizen)
    dossier.account = citizen
    return citizen


@pytest.fixture
def pending(dossier, owner) -> Payment:
    from motcua.payments.providers import registry
    from motcua.payments.services import start_online_payment

    return start_online_payment(dossier=dossier, user=owner, provider=registry.get("sandbox"))
