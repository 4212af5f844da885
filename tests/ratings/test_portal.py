"""Rating in the portal: "Hồ sơ của tôi" shows a form per returned dossier of the citizen."""

import pytest

from motcua.reports.models import Rating
from tests import factories
from tests.ratings.conftest import received_now, returned_now

pytestmark = pytest.mark.django_db


def rate(client, dossier, value="very_satisfied", **more):
    return client.post(f"/danh-gia/cong/{dossier.public_id}/", {"value": value, **more})


def test_own_returned_dossier_rated_once(client, version, center, people):
    mine = returned_now(version, center, people, account=people.citizen)
    pending = received_now(version, center, people)
    pending.account = people.citizen
    pending.save(update_fields=["account"])
    client.force_login(people.citizen)
    page = client.get("/ho-so-cua-toi/").content.decode()
    assert f'action="/danh-gia/cong/{mine.public_id}/"' in page
    assert f'action="/danh-gia/cong/{pending.public_id}/"' not in page  # not returned yet

    response = rate(client, mine, comment="Nhanh gọn")
    assert response.status_code == 302
    assert response["Location"] == f"/ho-so-cua-toi/#ho-so-{mine.public_id}"
    rating = Rating.objects.get()
    assert (rating.dossier, rating.channel, rating.value, rating.comment) == (
        mine, "portal", "very_satisfied", "Nhanh gọn",
    )  # fmt: skip
    assert rating.officer == people.reception  # who returned the result
    page = client.get("/ho-so-cua-toi/").content.decode()
    assert "Cảm ơn Ông/Bà đã đánh giá hồ sơ" in page and "đã đánh giá hồ sơ này" in page
    assert f'action="/danh-gia/cong/{mine.public_id}/"' not in page

    rate(client, mine, "unsatisfied")
    page = client.get("/ho-so-cua-toi/").content.decode()
    assert "Hồ sơ này đã được đánh giá qua kênh này." in page
    assert Rating.objects.count() == 1
    rate(client, pending)
    assert (
        "Hồ sơ được đánh giá sau khi đã trả kết quả."
        in client.get("/ho-so-cua-toi/").content.decode()
    )
    assert Rating.objects.count() == 1


def test_another_citizens_dossier_is_404(client, version, center, people):
    theirs = returned_now(version, center, people, account=people.citizen)
    other = factories.citizen("congdan2")
    client.force_login(other)
    assert (
        f"/danh-gia/cong/{theirs.public_id}/" not in client.get("/ho-so-cua-toi/").content.decode()
    )
    assert rate(client, theirs).status_code == 404
    client.logout()
    assert rate(client, theirs).status_code == 302  # to the sign-in page
    assert not Rating.objects.exists()
