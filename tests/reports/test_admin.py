"""The read-only admin of ratings and fact rows, scoped to the user's centers."""

import pytest

from motcua.reports import services
from tests.workflow.test_runtime_support import receive

pytestmark = pytest.mark.django_db


def test_admin_lists_rows_read_only(client, version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    services.submit_rating(dossier=dossier, channel="counter", value="satisfied")
    people.administrator.is_staff = people.administrator.is_superuser = True
    people.administrator.save()
    client.force_login(people.administrator)
    for url in ("/admin/reports/dossierrecord/", "/admin/reports/rating/"):
        response = client.get(url)
        assert response.status_code == 200 and dossier.code in response.content.decode()
    assert client.get("/admin/reports/rating/add/").status_code == 403
