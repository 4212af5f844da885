import json
import re
from pathlib import Path

import pytest

from motcua.catalog.models import Procedure
from tests import factories

DOC = Path(__file__).resolve().parents[2] / "docs" / "process-format.md"
LAND_REGISTRY = "000.20.08.H13"
TAX_OFFICE = "000.00.30.H13"


def doc_example() -> dict:
    """The liên thông example of docs/process-format.md (so the documentation stays valid)."""
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)
    return json.loads(next(b for b in blocks if '"tiep-nhan"' in b))


@pytest.fixture
def example() -> dict:
    return doc_example()


@pytest.fixture
def land(db) -> Procedure:
    """1.013831 land registration (10 days) at the Land Registration Office; a tax office."""
    factories.agency(LAND_REGISTRY, "Văn phòng Đăng ký đất đai")
    factories.agency(TAX_OFFICE, "Thuế thành phố Cần Thơ")
    version, _ = factories.procedure(
        "1.013831",
        "Đăng ký biến động quyền sử dụng đất",
        agency_code=LAND_REGISTRY,
        field="Đất đai",
        days="10",
    )
    return version.procedure


@pytest.fixture
def justice(version) -> Procedure:
    """2.000635 (10 days) at the Department of Justice, from tests/conftest.py."""
    return version.procedure
