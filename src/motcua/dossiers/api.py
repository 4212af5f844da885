"""Dossier API: POST /api/v1/dossiers, GET /api/v1/dossiers/{code}, GET /api/v1/lookup."""

from ninja import Router

router = Router(tags=["dossiers"])
lookup_router = Router(tags=["lookup"])
