"""Queue API: tickets, call-next, ticket actions, and the display board's event stream."""

from ninja import Router

queue_router = Router(tags=["queue"])  # /api/v1/queue
counters_router = Router(tags=["queue"])  # /api/v1/counters
tickets_router = Router(tags=["queue"])  # /api/v1/tickets
