from django.conf import settings

from motcua.notifications.sms.base import SmsGateway

_gateways: dict[str, type[SmsGateway]] = {}


def register(cls: type[SmsGateway]) -> type[SmsGateway]:
    _gateways[cls.identifier] = cls
    return cls


def gateway() -> SmsGateway:
    """The gateway named by settings.MOTCUA_SMS_GATEWAY (default: the logging gateway)."""
    name = getattr(settings, "MOTCUA_SMS_GATEWAY", "logging")
    try:
        return _gateways[name]()
    except KeyError as exc:
        raise LookupError(f"Không có cổng SMS “{name}”; có: {sorted(_gateways)}") from exc
