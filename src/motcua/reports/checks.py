"""System check: the Decision 766 points and thresholds the province entered are usable."""

from django.core.checks import Error, register


@register()
def index_766_setting(app_configs, **kwargs):
    from motcua.reports.selectors import index_766_rules

    try:
        index_766_rules()
    except (ValueError, TypeError, ArithmeticError) as exc:  # JSONDecodeError is a ValueError
        return [
            Error(
                f"MOTCUA_INDEX_766 không hợp lệ: {exc}",
                hint='Ví dụ: MOTCUA_INDEX_766=\'{"2.1": {"points": 20, "threshold": "1"}}\'',
                id="reports.E001",
            )
        ]
    return []
