import pytest


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Tests read the product as its users do: in Vietnamese, the default language."""
    settings.LANGUAGE_CODE = "vi"
