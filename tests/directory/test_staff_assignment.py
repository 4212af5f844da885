from datetime import date

import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.models import User
from motcua.directory.models import (
    AdministrativeUnit,
    ServiceCenter,
    StaffAssignment,
    secondment_months,
)


def test_secondment_months_counts_whole_months():
    assert secondment_months(date(2025, 7, 1), date(2026, 1, 1)) == 6
    assert secondment_months(date(2025, 7, 15), date(2026, 1, 14)) == 5
    assert secondment_months(date(2025, 7, 1), date(2027, 7, 1)) == 24


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("end", "ok"),
    [(date(2025, 12, 31), False), (date(2026, 1, 1), True), (date(2027, 7, 1), True),
     (date(2027, 7, 2), True), (date(2027, 8, 1), False)],
)  # fmt: skip
def test_posting_to_a_center_lasts_6_to_24_months(end, ok):
    unit = AdministrativeUnit.objects.create(code="92", name="Cần Thơ", kind="province")
    center = ServiceCenter.objects.create(code="ct", name="TT", level="province", unit=unit)
    user = User.objects.create_user(username="cb", password="x")
    posting = StaffAssignment(user=user, center=center, start_date=date(2025, 7, 1), end_date=end)
    if ok:
        posting.full_clean()
    else:
        with pytest.raises(ValidationError, match="từ 6 đến 24 tháng"):
            posting.full_clean()
