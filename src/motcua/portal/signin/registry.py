"""Registered sign-in providers, by identifier."""

from importlib import import_module

from motcua.portal.signin.base import SignInProvider

#: Modules imported on first use; each registers its provider(s).
PROVIDER_MODULES = ("motcua.portal.signin.contrib.password.provider",)

_providers: dict[str, type[SignInProvider]] = {}
_loaded = False


def register(cls: type[SignInProvider]) -> type[SignInProvider]:
    _providers[cls.identifier] = cls
    return cls


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in PROVIDER_MODULES:
            import_module(module)
        _loaded = True


def get(identifier: str) -> SignInProvider | None:
    _load()
    cls = _providers.get(identifier)
    return cls() if cls else None


def providers() -> list[SignInProvider]:
    _load()
    return [cls() for cls in _providers.values()]
