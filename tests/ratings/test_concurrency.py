"""Two tablets of one counter (or a double tap) posting the same dossier at once keep one
rating; the other gets the Vietnamese message."""

import threading

import pytest
from django.db import connection

from motcua.ratings import services
from motcua.ratings.models import RatingDevice
from motcua.reports.models import DossierRecord, Rating
from motcua.reports.services import RatingError
from tests.ratings.conftest import received_now, serve

TABLETS = 3


@pytest.mark.django_db(transaction=True)
def test_tablets_at_once_keep_one(version, center, people, group, counter):
    dossier = received_now(version, center, people, hours=0.05)
    serve(group, counter, people.reception, dossier=dossier)
    devices = [services.pair_device(counter=counter, user=people.reception)[0]
               for _ in range(TABLETS)]  # fmt: skip
    barrier = threading.Barrier(TABLETS)
    outcomes: list[str] = []

    def tablet(device: RatingDevice, value: str):
        try:
            barrier.wait()
            services.rate_at_counter(device=device, dossier_id=str(dossier.public_id),
                                     value=value)  # fmt: skip
            outcomes.append("kept")
        except RatingError as exc:
            outcomes.append(str(exc))
        except BaseException as exc:  # surfaced below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    values = ["unsatisfied", "very_satisfied", "satisfied"]
    threads = [
        threading.Thread(target=tablet, args=(d, v)) for d, v in zip(devices, values, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["Hồ sơ này đã được đánh giá qua kênh này."] * 2 + ["kept"]
    rating = Rating.objects.get(dossier=dossier)
    assert rating.channel == "counter" and rating.counter == counter
    assert DossierRecord.objects.get(dossier=dossier).dissatisfied == (
        rating.value == "unsatisfied"
    )
