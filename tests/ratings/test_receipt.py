"""Rating from the receipt's QR: the public lookup (code + 4 digits) shows the form once the
result is returned; the form carries a signed token, never the 4 digits."""

import re

import pytest

from motcua.accounts.models import LookupFailure
from motcua.ratings import services
from motcua.reports.models import Rating
from tests.factories import PHONE
from tests.ratings.conftest import received_now, returned_now, serve

pytestmark = pytest.mark.django_db


def look_up(client, code, verifier, **extra):
    return client.post("/tra-cuu/", {"code": code, "verifier": verifier}, **extra)


def token_in(response) -> str | None:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else None


def test_lookup_then_rate_once(client, version, center, people, group, counter):
    """The officer served the collecting citizen at counter 1 and returned the result there:
    the QR rating is linked to that counter and officer; a second one is refused."""
    serve(group, counter, people.reception, called=5, finished=None)
    dossier = returned_now(version, center, people, minutes=1)
    page = look_up(client, dossier.code, PHONE[-4:])
    token = token_in(page)
    assert token and PHONE[-4:] not in token
    assert "Đánh giá mức độ hài lòng" in page.content.decode()
    done = client.post("/danh-gia/tra-cuu/", {"token": token, "value": "satisfied",
                                              "comment": "Tốt"})  # fmt: skip
    assert done.status_code == 200 and "Cảm ơn Ông/Bà đã đánh giá hồ sơ" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.dossier, rating.channel, rating.value, rating.comment) == (
        dossier, "receipt_qr", "satisfied", "Tốt",
    )  # fmt: skip
    assert (rating.counter, rating.officer) == (counter, people.reception)

    again = client.post("/danh-gia/tra-cuu/", {"token": token, "value": "unsatisfied"})
    assert again.status_code == 409
    assert "Hồ sơ này đã được đánh giá qua kênh này." in again.content.decode()
    assert Rating.objects.count() == 1
    later = look_up(client, dossier.code, PHONE[-4:])
    assert token_in(later) is None and "đã đánh giá hồ sơ này" in later.content.decode()


def test_a_return_by_post_has_no_counter(client, version, center, people):
    dossier = returned_now(version, center, people)
    token = token_in(look_up(client, dossier.code, PHONE[-4:]))
    from motcua.workflow.models import ResultDocument

    ResultDocument.objects.filter(dossier=dossier).update(return_method="post")
    client.post("/danh-gia/tra-cuu/", {"token": token, "value": "very_satisfied"})
    rating = Rating.objects.get()
    assert (rating.counter, rating.officer) == (None, people.reception)


def test_no_form_without_the_verifier_or_before_the_return(client, version, center, people):
    returned = returned_now(version, center, people)
    wrong = look_up(client, returned.code, "0000")
    unknown = look_up(client, "000.00.01.H13-000000-9999", "0000")
    assert token_in(wrong) is None and "Không tìm thấy hồ sơ" in wrong.content.decode()
    # Non-revealing: a wrong verifier reads exactly like an unknown code.
    section = re.compile(r'<section id="ket-qua".*?</section>', re.S)
    assert (
        section.search(wrong.content.decode()).group()
        == section.search(unknown.content.decode()).group()
    )
    in_progress = received_now(version, center, people)
    page = look_up(client, in_progress.code, PHONE[-4:])
    assert "Hồ sơ đang được giải quyết" in page.content.decode() and token_in(page) is None


def test_a_forged_token_is_refused_and_counted(client, version, center, people):
    dossier = returned_now(version, center, people)
    forged = services.receipt_token(dossier)[:-2] + "xx"
    response = client.post("/danh-gia/tra-cuu/", {"token": forged, "value": "satisfied"})
    assert response.status_code == 409 and "không hợp lệ" in response.content.decode()
    assert LookupFailure.objects.count() == 1 and not Rating.objects.exists()
    response = client.post("/danh-gia/tra-cuu/", {"value": "satisfied"})
    assert response.status_code == 409 and not Rating.objects.exists()


def test_an_expired_token_asks_to_look_up_again(client, version, center, people, monkeypatch):
    dossier = returned_now(version, center, people)
    token = services.receipt_token(dossier)
    monkeypatch.setattr(services, "RECEIPT_MAX_AGE", -1)
    response = client.post("/danh-gia/tra-cuu/", {"token": token, "value": "satisfied"})
    assert response.status_code == 409 and "hết hạn" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_client_blocked_by_the_lookup_limit_cannot_rate(client, version, center, people,
                                                          settings):  # fmt: skip
    settings.MOTCUA_LOOKUP_MAX_FAILURES = 2
    dossier = returned_now(version, center, people)
    token = token_in(look_up(client, dossier.code, PHONE[-4:]))
    for _ in range(2):
        look_up(client, dossier.code, "0000")
    blocked = client.post("/danh-gia/tra-cuu/", {"token": token, "value": "satisfied"})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert not Rating.objects.exists()
