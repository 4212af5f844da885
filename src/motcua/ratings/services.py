"""Writes of the ratings pages: pairing a counter tablet, and the three ways a citizen rates a
dossier (counter tablet, receipt QR, portal). Each ends in `reports.services.submit_rating`
(one rating per dossier per channel, the fact row refreshed in the same transaction)."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.directory.models import Counter
from motcua.dossiers import lookup
from motcua.dossiers.models import Dossier
from motcua.ratings import selectors
from motcua.ratings.models import RatingDevice, RatingDeviceUse
from motcua.reports.models import Rating, RatingChannel
from motcua.reports.services import RatingError, submit_rating

DEFAULT_DEVICE_LIMIT = 6  # submissions per tablet per window: a counter serves far fewer
DEFAULT_DEVICE_WINDOW_SECONDS = 600
RECEIPT_SALT = "motcua.ratings.receipt"
RECEIPT_MAX_AGE = 1800  # seconds a successful lookup's rating form stays valid


class TooManyRatings(RatingError):
    """The tablet sent too many ratings within the window; `retry_after` seconds to wait."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(_("Máy đánh giá tạm dừng nhận đánh giá, xin thử lại sau ít phút."))


def device_limit() -> tuple[int, timedelta]:
    limit = int(getattr(settings, "MOTCUA_RATING_DEVICE_LIMIT", DEFAULT_DEVICE_LIMIT))
    seconds = int(getattr(settings, "MOTCUA_RATING_DEVICE_WINDOW_SECONDS",
                          DEFAULT_DEVICE_WINDOW_SECONDS))  # fmt: skip
    return limit, timedelta(seconds=seconds)


# --- the counter tablet -----------------------------------------------------------------------


@transaction.atomic
def pair_device(
    *, counter: Counter, user: User, at: datetime | None = None
) -> tuple[RatingDevice, str]:
    """Ghép nối máy đánh giá: a new tablet for the counter; returns it and its secret token
    (shown to the tablet once, as a cookie; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    device = RatingDevice.objects.create(
        counter=counter, token_hash=selectors.token_hash(token), paired_by=user,
        paired_at=at or timezone.now(),
    )  # fmt: skip
    return device, token


@transaction.atomic
def revoke_device(*, device: RatingDevice, at: datetime | None = None) -> RatingDevice:
    device = RatingDevice.objects.select_for_update().get(pk=device.pk)
    if device.revoked_at is None:
        device.revoked_at = at or timezone.now()
        device.save(update_fields=["revoked_at"])
    return device


@transaction.atomic
def _count_use(device: RatingDevice, at: datetime) -> RatingDeviceUse:
    """Count one submission of the tablet, or refuse it over the limit. The device row lock
    serializes the tablet's submissions, so the count is exact."""
    device = RatingDevice.objects.select_for_update().get(pk=device.pk)
    if device.revoked_at is not None:
        raise RatingError(_("Máy đánh giá này đã bị thu hồi."))
    limit, window = device_limit()
    RatingDeviceUse.objects.filter(device=device, at__lte=at - window).delete()
    recent = RatingDeviceUse.objects.filter(device=device, at__gt=at - window).order_by("at")
    count = recent.count()
    if count >= limit:
        oldest = recent.values_list("at", flat=True)[count - limit]
        raise TooManyRatings(max(1, math.ceil((oldest + window - at).total_seconds())))
    return RatingDeviceUse.objects.create(device=device, at=at)


def rate_at_counter(
    *, device: RatingDevice, dossier_id: str, value: str, comment: str = "",
    at: datetime | None = None,
) -> Rating:  # fmt: skip
    """A rating from the counter's tablet: only of the dossier the counter just served
    (`selectors.awaiting_at_counter`); the counter is the tablet's, the officer who served.
    Every submission counts against the tablet's limit, refused ones too."""
    at = at or timezone.now()
    use = _count_use(device, at)
    with transaction.atomic():
        awaiting = selectors.awaiting_at_counter(device.counter, now=at)
        if awaiting is None or str(awaiting.dossier.public_id) != str(dossier_id):
            raise RatingError(_("Hồ sơ này không chờ đánh giá tại quầy này."))
        rating = submit_rating(
            dossier=awaiting.dossier, channel=RatingChannel.COUNTER, value=value,
            comment=comment, counter=device.counter, officer=awaiting.officer, at=at,
        )  # fmt: skip
        RatingDeviceUse.objects.filter(pk=use.pk).update(rating=rating)
    return rating


# --- from the receipt's QR (the public lookup) ------------------------------------------------


def receipt_token(dossier: Dossier) -> str:
    """Issued by the lookup page after a successful lookup (code + the 4 digits): the rating
    form carries it instead of the verifier, valid for RECEIPT_MAX_AGE seconds."""
    return signing.dumps(str(dossier.public_id), salt=RECEIPT_SALT)


def rate_from_receipt(
    *, token: str, value: str, comment: str = "", client: str, at: datetime | None = None
) -> Rating:
    """A rating from the lookup page (the receipt's QR): only with a token from a successful
    lookup; a client blocked by the lookup's limit cannot rate either, and a forged token
    counts as a failed lookup."""
    wait = lookup.seconds_until_allowed(client)
    if wait:
        raise lookup.RateLimited(wait)
    try:
        public_id = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise RatingError(_("Phiên đánh giá đã hết hạn, xin tra cứu lại hồ sơ.")) from exc
    except signing.BadSignature as exc:
        lookup.record_failure(client)
        raise RatingError(_("Phiên đánh giá không hợp lệ, xin tra cứu lại hồ sơ.")) from exc
    dossier = Dossier.objects.filter(public_id=public_id).first()
    if dossier is None:
        raise RatingError(_("Phiên đánh giá không hợp lệ, xin tra cứu lại hồ sơ."))
    counter, officer = selectors.return_context(dossier)
    return submit_rating(
        dossier=dossier, channel=RatingChannel.RECEIPT_QR, value=value, comment=comment,
        counter=counter, officer=officer, at=at,
    )  # fmt: skip


# --- in the portal ----------------------------------------------------------------------------


def rate_in_portal(
    *, user: User, dossier: Dossier, value: str, comment: str = "", at: datetime | None = None
) -> Rating:
    """A rating from "Hồ sơ của tôi": the signed-in citizen's own dossier only."""
    if dossier.account_id is None or dossier.account_id != user.pk:
        raise RatingError(_("Ông/Bà chỉ đánh giá được hồ sơ của mình."))
    counter, officer = selectors.return_context(dossier)
    return submit_rating(
        dossier=dossier, channel=RatingChannel.PORTAL, value=value, comment=comment,
        counter=counter, officer=officer, at=at,
    )  # fmt: skip
