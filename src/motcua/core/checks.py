"""System checks that turn a missing system library into one line naming the Debian package."""

from django.core.checks import Error, register


@register()
def weasyprint_libraries(app_configs, **kwargs):
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango/HarfBuzz missing: WeasyPrint raises OSError on import
        return [
            Error(
                f"Thiếu thư viện hệ thống cho WeasyPrint ({exc.__class__.__name__}).",
                hint="Cài gói Debian: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
                id="motcua.E001",
            )
        ]
    return []
