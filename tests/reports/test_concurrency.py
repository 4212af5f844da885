"""Ratings at once on one dossier and channel: one is kept, the others get the message."""

import threading

import pytest
from django.db import connection

from motcua.reports import services
from motcua.reports.models import DossierRecord, Rating
from tests.workflow.test_runtime_support import receive

TABLETS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_keep_one(version, center, officer, monday_9am):
    dossier = receive(version, center, officer, monday_9am)
    barrier = threading.Barrier(TABLETS)
    outcomes: list[str] = []

    def tablet(value):
        try:
            barrier.wait()
            services.submit_rating(dossier=dossier, channel="counter", value=value)
            outcomes.append("kept")
        except services.RatingError as exc:
            outcomes.append(str(exc))
        except BaseException as exc:  # surfaced below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    values = ["unsatisfied", "satisfied", "very_satisfied", "satisfied"]
    threads = [threading.Thread(target=tablet, args=(v,)) for v in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["Hồ sơ này đã được đánh giá qua kênh này."] * 3 + ["kept"]
    rating = Rating.objects.get(dossier=dossier)
    record = DossierRecord.objects.get(dossier=dossier)
    assert record.dissatisfied == (rating.value == "unsatisfied")


WRITERS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_bucket_all_count(version, center):
    """Rows of the same procedure, center and day written (then changed) at once by several
    transactions: every change is in the counts, as a rebuild from the rows finds them."""
    from datetime import datetime, timedelta

    from motcua.reports import counts
    from motcua.reports.models import KpiCount
    from tests.factories import VN

    received = datetime(2026, 3, 2, 9, tzinfo=VN)
    base = dict(
        center=center, unit=center.unit, agency=version.agency, receiving_agency=center.agency,
        field=version.field, procedure=version.procedure, status="x", channel="counter",
        received_at=received, due_at=received + timedelta(days=5),
    )  # fmt: skip
    barrier = threading.Barrier(WRITERS)
    errors: list[str] = []

    def writer(i):
        try:
            barrier.wait()
            for n in range(3):
                services.put_record(values=dict(base, code=f"C{i}-{n}"))
                services.put_record(
                    values=dict(base, code=f"C{i}-{n}", ended_at=received + timedelta(hours=n + 1),
                                end_kind="result", outcome="early", has_result=True)
                )  # fmt: skip
        except BaseException as exc:  # surfaced below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    day = KpiCount.objects.get(grain="d", start=received.date())
    assert (day.new, day.fin, day.early, day.with_result) == (WRITERS * 3,) * 4
    kept = set(KpiCount.objects.values_list("grain", "start", *counts.COLUMNS))
    services.rebuild_counts()
    assert set(KpiCount.objects.values_list("grain", "start", *counts.COLUMNS)) == kept
