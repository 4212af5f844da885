"""The admin lists the paired tablets (never their token) and revokes one."""

import pytest

from motcua.ratings import services
from motcua.ratings.models import RatingDevice
from tests.ratings.conftest import TABLET_COOKIE, pair, tablet_url

pytestmark = pytest.mark.django_db


def test_admin_revokes_a_tablet(client, people, counter):
    response = pair(client, people.reception, counter)
    token = response.cookies[TABLET_COOKIE].value
    device = RatingDevice.objects.get()
    people.administrator.is_staff = people.administrator.is_superuser = True
    people.administrator.save()
    admin = client.__class__()
    admin.force_login(people.administrator)
    page = admin.get(f"/admin/ratings/ratingdevice/{device.pk}/change/").content.decode()
    assert device.token_hash not in page and token not in page
    assert admin.get("/admin/ratings/ratingdevice/add/").status_code == 403
    admin.post("/admin/ratings/ratingdevice/",
               {"action": "revoke", "_selected_action": [device.pk]})  # fmt: skip
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert client.get(tablet_url(counter)).status_code == 403
    # Revoking twice keeps the first time.
    first = device.revoked_at
    assert services.revoke_device(device=device).revoked_at == first
