"""Development gateway: writes the message to the log (phone masked) and keeps it in memory."""

import logging
import uuid

from motcua.notifications.sms.base import SmsGateway, SmsResult
from motcua.notifications.sms.registry import register

logger = logging.getLogger("motcua.sms")
outbox: list[tuple[str, str]] = []  # (phone, text), for tests and local inspection


@register
class LoggingGateway(SmsGateway):
    identifier = "logging"

    def send(self, *, phone: str, text: str) -> SmsResult:
        outbox.append((phone, text))
        logger.info("SMS to %s: %s", phone, text)
        return SmsResult(accepted=True, reference=uuid.uuid4().hex)
