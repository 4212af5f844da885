"""The counter tablet (máy đánh giá tại quầy): paired with one counter, signed in as nobody,
it offers only the dossier just served there."""

from fractions import Fraction

import pytest

from motcua.directory.models import Counter
from motcua.queueing import services as queue
from motcua.ratings.models import RatingDevice
from motcua.reports import selectors as report_selectors
from motcua.reports.models import DossierRecord, Rating
from tests.ratings.conftest import (
    TABLET_COOKIE,
    ago,
    pair,
    received_now,
    returned_now,
    serve,
    tablet_url,
)

pytestmark = pytest.mark.django_db


def test_pairing_signs_the_officer_out_and_keeps_only_a_hash(client, people, counter):
    response = pair(client, people.reception, counter)
    assert response["Location"] == tablet_url(counter)
    token = response.cookies[TABLET_COOKIE]
    assert token["httponly"] and token["samesite"] == "Strict"
    assert "_auth_user_id" not in client.session  # the tablet is signed in as nobody
    device = RatingDevice.objects.get()
    assert device.counter == counter and device.paired_by == people.reception
    assert token.value not in device.token_hash
    page = client.get(tablet_url(counter))
    assert page.status_code == 200 and "Xin kính chào" in page.content.decode()


def test_only_officers_of_the_center_pair(client, people, counter):
    client.force_login(people.citizen)
    assert client.post("/danh-gia/quay/ghep-noi/", {"counter": counter.pk}).status_code == 403
    client.force_login(people.specialist)  # an agency's specialist, not posted at the center
    assert client.post("/danh-gia/quay/ghep-noi/", {"counter": counter.pk}).status_code == 403
    assert not RatingDevice.objects.exists()


def test_an_unpaired_tablet_or_one_of_another_counter_is_refused(client, people, group, counter):
    page = client.get(tablet_url(counter))
    assert page.status_code == 403 and "chưa được ghép nối" in page.content.decode()
    pair(client, people.reception, group.counters.get(number=2))
    assert client.get(tablet_url(counter)).status_code == 403
    client.cookies[TABLET_COOKIE] = "forged"
    assert client.get(tablet_url(counter)).status_code == 403


def test_ticket_served_then_rated_unsatisfied_lowers_5_4(client, version, center, people,
                                                          group, counter):  # fmt: skip
    """End to end: the ticket is finished with the dossier received for it; the tablet offers
    that dossier; "không hài lòng" is kept once, on the counter and the officer, and 5.4 falls
    from 1 to 0 for the day."""
    dossier = received_now(version, center, people, hours=0.05)
    serve(group, counter, people.reception, dossier=dossier)
    pair(client, people.reception, counter)
    today = report_selectors.period_of(ago().date(), ago().date())
    assert report_selectors.kpi_figures(today).figures["satisfaction_rate"].value == 1

    page = client.get(tablet_url(counter)).content.decode()
    assert dossier.code in page and "Không hài lòng" in page and "Trần Văn Dân" not in page
    response = client.post(tablet_url(counter), {"dossier": dossier.public_id,
                                                 "value": "unsatisfied", "comment": " Chờ lâu "})  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("?xong=1")
    assert "Cảm ơn Ông/Bà đã đánh giá" in client.get(response["Location"]).content.decode()

    rating = Rating.objects.get()
    assert (rating.dossier, rating.channel, rating.value, rating.comment) == (
        dossier, "counter", "unsatisfied", "Chờ lâu",
    )  # fmt: skip
    assert (rating.counter, rating.officer) == (counter, people.reception)
    assert DossierRecord.objects.get(dossier=dossier).dissatisfied
    assert report_selectors.kpi_figures(today).figures["satisfaction_rate"].value == Fraction(0)

    # Rated: the tablet is idle again; a second try gets the message and no second row.
    assert "Xin kính chào" in client.get(tablet_url(counter)).content.decode()
    again = client.post(tablet_url(counter), {"dossier": dossier.public_id, "value": "satisfied"})
    assert again.status_code == 409
    assert "Hồ sơ này đã được đánh giá qua kênh này." in again.content.decode()
    assert Rating.objects.count() == 1


def test_the_tablet_cannot_rate_another_dossier(client, version, center, people, group,
                                                counter):  # fmt: skip
    served = received_now(version, center, people, hours=0.05)
    other = received_now(version, center, people)  # received earlier, not served here now
    serve(group, counter, people.reception, dossier=served)
    pair(client, people.reception, counter)
    response = client.post(tablet_url(counter), {"dossier": other.public_id, "value": "satisfied"})
    assert response.status_code == 409
    assert "không chờ đánh giá tại quầy này" in response.content.decode()
    # The other counter's tablet cannot rate the dossier served at counter 1 either.
    second = group.counters.get(number=2)
    client.cookies.clear()
    pair(client, people.reception, second)
    response = client.post(tablet_url(second), {"dossier": served.public_id, "value": "satisfied"})
    assert response.status_code == 409
    assert not Rating.objects.exists()


def test_the_offer_ends_when_the_next_ticket_is_called_or_after_the_window(
    client, version, center, people, group, counter, settings
):
    dossier = received_now(version, center, people, hours=0.2)
    serve(group, counter, people.reception, dossier=dossier, called=20, finished=12)
    pair(client, people.reception, counter)
    assert "Xin kính chào" in client.get(tablet_url(counter)).content.decode()  # > 10 minutes
    settings.MOTCUA_RATING_COUNTER_MINUTES = 15
    assert dossier.code in client.get(tablet_url(counter)).content.decode()
    queue.issue_ticket(group=group, at=ago(minutes=1))
    queue.call_next(counter=counter, officer=people.reception)  # the next person
    assert "Xin kính chào" in client.get(tablet_url(counter)).content.decode()
    response = client.post(
        tablet_url(counter), {"dossier": dossier.public_id, "value": "satisfied"}
    )
    assert response.status_code == 409 and not Rating.objects.exists()


def test_a_result_returned_at_the_counter_is_offered(client, version, center, people, group,
                                                     counter):  # fmt: skip
    """The officer calls the person collecting the result at counter 1, then returns it: the
    tablet of counter 1 offers it (the officer who returned it), not counter 2's."""
    serve(group, counter, people.reception, called=5, finished=None)
    dossier = returned_now(version, center, people, minutes=1)
    pair(client, people.reception, counter)
    assert dossier.code in client.get(tablet_url(counter)).content.decode()
    response = client.post(tablet_url(counter), {"dossier": dossier.public_id,
                                                 "value": "very_satisfied"})  # fmt: skip
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.channel, rating.counter, rating.officer) == ("counter", counter,
                                                                people.reception)  # fmt: skip
    assert DossierRecord.objects.get(dossier=dossier).d61_attitude == 2


def test_a_tablet_is_rate_limited(client, version, center, people, group, counter, settings):
    settings.MOTCUA_RATING_DEVICE_LIMIT = 2
    pair(client, people.reception, counter)
    url = tablet_url(counter)
    for _ in range(2):
        assert client.post(url, {"dossier": "x", "value": "satisfied"}).status_code == 409
    blocked = client.post(url, {"dossier": "x", "value": "satisfied"})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert "tạm dừng nhận đánh giá" in blocked.content.decode()


def test_a_revoked_tablet_is_refused(client, people, counter):
    from motcua.ratings import services

    pair(client, people.reception, counter)
    services.revoke_device(device=RatingDevice.objects.get())
    assert client.get(tablet_url(counter)).status_code == 403


def test_counter_of_another_center_is_404(client, people, counter):
    other = Counter.objects.create(center=counter.center, number=9)
    assert client.get(f"/danh-gia/quay/khong-co/{other.number}/").status_code == 404
