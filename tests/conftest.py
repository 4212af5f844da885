from datetime import datetime

import pytest

from tests import factories
from tests.factories import VN


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Tests read the product as its users do: in Vietnamese, the default language."""
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks run at enqueue time in tests (tests/notifications checks the worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- shared dossier fixtures ---


@pytest.fixture
def version(db):
    factories.agency()
    version, _ = factories.procedure(
        "2.000635", "Cấp Phiếu lý lịch tư pháp", days="10",
        channels=("counter", "online", "postal"), online_level="full",
    )  # fmt: skip
    return version


@pytest.fixture
def center(db):
    return factories.center()


@pytest.fixture
def officer(center):
    return factories.officer(center)


@pytest.fixture
def monday_9am():
    return datetime(2026, 11, 23, 9, 0, tzinfo=VN)
