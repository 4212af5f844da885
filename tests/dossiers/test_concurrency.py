"""Many counters receiving at once: dossier codes stay unique and gap-free (SQLite and PostgreSQL)."""

import threading

import pytest
from django.db import connection

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import intake
from tests import factories

COUNTERS = 8
PER_COUNTER = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_get_unique_gap_free_codes(version, center, monday_9am):
    officers = [factories.officer(center, username=f"quay{i}") for i in range(COUNTERS)]
    barrier = threading.Barrier(COUNTERS)
    errors: list[BaseException] = []

    def counter(officer):
        try:
            barrier.wait()
            for _ in range(PER_COUNTER):
                intake(
                    version=version, center=center, officer=officer,
                    applicant=factories.applicant(), components=factories.all_components(version),
                    decision="receive", at=monday_9am,
                )  # fmt: skip
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=counter, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    total = COUNTERS * PER_COUNTER
    assert codes == [f"000.00.01.H13-261123-{n:04d}" for n in range(1, total + 1)]


@pytest.mark.django_db(transaction=True)
def test_a_failed_receipt_gives_its_number_back(version, center, officer, monday_9am):
    from django.db import transaction

    intake(version=version, center=center, officer=officer, applicant=factories.applicant(),
           components=factories.all_components(version), decision="receive", at=monday_9am)  # fmt: skip
    with pytest.raises(RuntimeError), transaction.atomic():
        taken = intake(version=version, center=center, officer=officer,
                       applicant=factories.applicant(),
                       components=factories.all_components(version), decision="receive",
                       at=monday_9am)  # fmt: skip
        assert taken.code.endswith("-0002")
        raise RuntimeError("the printer jammed; the whole receipt is rolled back")
    second = intake(version=version, center=center, officer=officer,
                    applicant=factories.applicant(), components=factories.all_components(version),
                    decision="receive", at=monday_9am)  # fmt: skip
    assert second.code.endswith("-0002")
