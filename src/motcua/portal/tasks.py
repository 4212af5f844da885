"""Background sending for the portal's accounts: verification email and SMS code.

Queued with transaction.on_commit by portal.services, never sent inside the request. The task
arguments hold no secret: the link's token and the SMS code are made by the task itself.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def _retry(task_obj, attempt: int, *args) -> str:
    if attempt >= MAX_ATTEMPTS:
        raise  # the exception being handled (called from an except block)
    delay = timedelta(minutes=2**attempt)
    task_obj.using(run_after=timezone.now() + delay).enqueue(*args, attempt + 1)
    return "retry"


@task()
def send_verification_email(user_id: int, site_url: str, attempt: int = 1) -> str:
    from motcua.portal.services import deliver_verification_email

    try:
        return deliver_verification_email(user_id=user_id, site_url=site_url)
    except Exception:
        logger.warning("Verification email for user %s failed (attempt %s)", user_id, attempt)
        return _retry(send_verification_email, attempt, user_id, site_url)


@task()
def send_phone_code(user_id: int, attempt: int = 1) -> str:
    from motcua.portal.services import issue_phone_code

    try:
        return issue_phone_code(user_id=user_id)
    except Exception:
        logger.warning("Verification SMS for user %s failed (attempt %s)", user_id, attempt)
        return _retry(send_phone_code, attempt, user_id)
