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
