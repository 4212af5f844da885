"""Registered payment gateways, by identifier; the one in use is MOTCUA_PAYMENT_PROVIDER."""

import os
from importlib import import_module

from django.conf import settings

from motcua.payments.providers.base import PaymentProvider, ProviderNotConfigured

#: Modules imported on first use; each registers its provider(s).
PROVIDER_MODULES = ("motcua.payments.providers.contrib.sandbox.provider",)
DEFAULT_PROVIDER = "sandbox"

_providers: dict[str, type[PaymentProvider]] = {}
_loaded = False


def register(cls: type[PaymentProvider]) -> type[PaymentProvider]:
    _providers[cls.identifier] = cls
    return cls


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in PROVIDER_MODULES:
            import_module(module)
        _loaded = True


def get(identifier: str) -> PaymentProvider | None:
    """The registered provider `identifier`, configured or not (None if there is none)."""
    _load()
    cls = _providers.get(identifier)
    return cls() if cls else None


def configured_identifier() -> str:
    """MOTCUA_PAYMENT_PROVIDER (setting, else environment); "" turns online payment off."""
    value = getattr(settings, "MOTCUA_PAYMENT_PROVIDER", None)
    if value is None:
        value = os.environ.get("MOTCUA_PAYMENT_PROVIDER", DEFAULT_PROVIDER)
    return value.strip()


def configured() -> PaymentProvider | None:
    """The gateway citizens pay through now, if it is registered and fully configured."""
    provider = get(configured_identifier())
    if provider is None:
        return None
    try:
        provider.check_configuration()
    except ProviderNotConfigured:
        return None
    return provider
