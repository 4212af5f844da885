import pytest


@pytest.mark.django_db
def test_openapi_lists_every_router(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/procedures", "/api/v1/dossiers", "/api/v1/dossiers/{code}",
        "/api/v1/dossiers/{code}/actions", "/api/v1/dossiers/{code}/history",
        "/api/v1/worklist", "/api/v1/lookup", "/api/v1/queue/tickets",
        "/api/v1/queue/{center}/events", "/api/v1/counters/{counter_id}/call-next",
    ]:  # fmt: skip
        assert path in paths, path
