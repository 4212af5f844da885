"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from ninja import NinjaAPI

from motcua.catalog.api import router as catalog_router
from motcua.dossiers.api import lookup_router
from motcua.dossiers.api import router as dossiers_router
from motcua.queueing.api import counters_router, queue_router, tickets_router
from motcua.reports.api import router as reports_router
from motcua.workflow.api import dossier_actions_router, worklist_router

api = NinjaAPI(
    title="motcua API",
    version="1",
    description="API của hệ thống thông tin giải quyết thủ tục hành chính (motcua).",
    urls_namespace="api-v1",
)
api.add_router("/procedures", catalog_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/dossiers", dossier_actions_router)  # /{code}/actions, /{code}/history
api.add_router("/worklist", worklist_router)
api.add_router("/lookup", lookup_router)
api.add_router("/queue", queue_router)
api.add_router("/counters", counters_router)
api.add_router("/tickets", tickets_router)
api.add_router("/reports", reports_router)
