"""Background sending with retries: a failure re-enqueues the task with a growing delay."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@task()
def send_dossier_notification(dossier_id: int, kind: str, attempt: int = 1) -> str:
    from motcua.notifications.services import deliver

    try:
        return deliver(dossier_id=dossier_id, kind=kind)
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            logger.exception("Notification %s for dossier %s failed for good", kind, dossier_id)
            raise
        delay = timedelta(minutes=2**attempt)
        logger.warning(
            "Notification %s for dossier %s failed; retry in %s", kind, dossier_id, delay
        )
        send_dossier_notification.using(run_after=timezone.now() + delay).enqueue(
            dossier_id, kind, attempt + 1
        )
        return "retry"
